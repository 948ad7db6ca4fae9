#include "pgshadow/pg/connection_opening.h"

#include <libpq-fe.h>
#include <poll.h>

#include <algorithm>

#include "libpq_support.h"
#include "pgshadow/pg/conninfo.h"

namespace pgshadow::pg {

using libpq::is_set;

ConnectionOpening::ConnectionOpening(SessionConnection::ConnectRequest request, const std::atomic<bool>* interrupted)
    : request_(std::move(request)),
      purpose_(request_.purpose),
      interrupted_(interrupted),
      connection_(new SessionConnection()) {
  timeout_ = libpq::connect_timeout_of(request_.conninfo);
  deadline_ = Clock::now() + timeout_;
  connection_->conn_ = PQconnectStart(request_.conninfo.c_str());
  if (connection_->conn_ == nullptr) {
    fail_to_connect("out of memory");
    return;
  }
  PQsetNoticeReceiver(connection_->conn_, &SessionConnection::on_notice, connection_.get());
  if (PQstatus(connection_->conn_) == CONNECTION_BAD) fail_as_libpq_says();
}

int ConnectionOpening::socket() const { return done() ? -1 : connection_->socket(); }

short ConnectionOpening::events() const {
  if (phase_ == Phase::kSettings || wants_input_) return POLLIN;
  return POLLOUT;
}

void ConnectionOpening::fail(Error error) {
  error_ = std::move(error);
  phase_ = Phase::kDone;
}

void ConnectionOpening::fail_to_connect(const std::string& why) {
  fail(Error::infrastructure("cannot connect to " + redact(request_.conninfo) +
                             (purpose_.empty() ? "" : " to " + purpose_) + ": " + why));
}

// libpq's first line says what failed; the second is a generic hint ("Is the server running...").
void ConnectionOpening::fail_as_libpq_says() {
  const std::string why = libpq::connection_error(connection_->conn_);
  fail_to_connect(why.substr(0, why.find('\n')));
}

void ConnectionOpening::step(bool socket_ready) {
  if (done()) return;
  if (is_set(interrupted_)) {
    if (phase_ == Phase::kSettings) connection_->cancel();
    fail(libpq::interrupted_error());
    return;
  }
  if (phase_ == Phase::kSettings) {
    step_settings();
    return;
  }
  PGconn* conn = connection_->conn_;
  PostgresPollingStatusType state = wants_input_ ? PGRES_POLLING_READING : PGRES_POLLING_WRITING;
  if (socket_ready) state = PQconnectPoll(conn);
  wants_input_ = state == PGRES_POLLING_READING;
  if (state == PGRES_POLLING_FAILED || PQstatus(conn) == CONNECTION_BAD) {
    fail_as_libpq_says();
  } else if (state == PGRES_POLLING_OK) {
    begin_settings();
  } else if (Clock::now() >= deadline_) {
    fail_to_connect("no answer within " + libpq::seconds_text(timeout_) + " (connect_timeout)");
  }
}

void ConnectionOpening::begin_settings() {
  connection_->interrupted_ = interrupted_;
  if (request_.settings.empty()) {
    phase_ = Phase::kDone;
    return;
  }
  const std::string command = connection_->settings_command(request_.settings);
  if (Status sent = connection_->send({command, false, "", nullptr}); !sent) {
    fail(sent.error());
    return;
  }
  phase_ = Phase::kSettings;
  deadline_ = Clock::now() + std::chrono::milliseconds(kMonitorDeadline);
}

void ConnectionOpening::step_settings() {
  DiscardingSink discard;
  auto finished = connection_->advance(discard);
  if (!finished) {
    fail(finished.error());
    return;
  }
  if (finished->has_value()) {
    if (!(*finished)->succeeded) {
      // Which setting the server refused: applied one by one, the first refusal is named.
      for (const auto& [name, value] : request_.settings) {
        if (Status applied = connection_->apply_setting(name, value); !applied) {
          fail(applied.error());
          return;
        }
      }
    }
    phase_ = Phase::kDone;
    return;
  }
  if (Clock::now() >= deadline_) {
    connection_->cancel();
    fail(Error::infrastructure("no answer within " + libpq::seconds_text(std::chrono::milliseconds(kMonitorDeadline)) +
                               " to the session settings"));
  }
}

Result<std::unique_ptr<SessionConnection>> ConnectionOpening::take() {
  if (error_) return *error_;
  return std::move(connection_);
}

// The openings side by side, on one poll.
std::vector<Result<std::unique_ptr<SessionConnection>>> SessionConnection::open_together(
    const std::vector<ConnectRequest>& requests, const std::atomic<bool>* interrupted) {
  std::vector<std::unique_ptr<ConnectionOpening>> openings;
  openings.reserve(requests.size());
  for (const ConnectRequest& request : requests) openings.push_back(std::make_unique<ConnectionOpening>(request, interrupted));
  while (true) {
    std::vector<pollfd> descriptors;
    std::vector<ConnectionOpening*> waiting;
    auto wake_at = ConnectionOpening::Clock::now() + libpq::kWakeUpEvery;
    for (const auto& opening : openings) {
      if (opening->done()) continue;
      descriptors.push_back({opening->socket(), opening->events(), 0});
      waiting.push_back(opening.get());
      wake_at = std::min(wake_at, opening->deadline());
    }
    if (waiting.empty()) break;
    const auto slice = std::chrono::ceil<std::chrono::milliseconds>(
        std::max<ConnectionOpening::Clock::duration>(wake_at - ConnectionOpening::Clock::now(), {}));
    const int ready = ::poll(descriptors.data(), descriptors.size(), static_cast<int>(slice.count()));
    for (std::size_t at = 0; at < waiting.size(); ++at) waiting[at]->step(ready > 0 && descriptors[at].revents != 0);
  }
  std::vector<Result<std::unique_ptr<SessionConnection>>> opened;
  opened.reserve(openings.size());
  for (const auto& opening : openings) opened.push_back(opening->take());
  return opened;
}

}  // namespace pgshadow::pg
