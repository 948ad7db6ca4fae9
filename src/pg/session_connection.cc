#include "pgshadow/pg/session_connection.h"

#include <libpq-fe.h>
#include <poll.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <future>
#include <thread>

#include "libpq_support.h"
#include "pgshadow/pg/conninfo.h"

namespace pgshadow::pg {
namespace {

using libpq::Clock;
using libpq::connection_error;
using libpq::interrupted_error;
using libpq::is_set;
using libpq::kWakeUpEvery;
using libpq::seconds_text;

std::string field_or_empty(const PGresult* result, int field) {
  const char* value = PQresultErrorField(result, field);
  return value == nullptr ? std::string() : std::string(value);
}

// Waits until the socket is readable, at most kWakeUpEvery (a signal ends it sooner). False on a
// poll failure.
bool wait_for_input(int socket) {
  pollfd descriptor{socket, POLLIN, 0};
  const int ready = ::poll(&descriptor, 1, static_cast<int>(kWakeUpEvery.count()));
  return ready >= 0 || errno == EINTR;
}

// The first column of every row, NULL read as "".
class FirstColumnSink final : public RowSink {
 public:
  void on_columns(const std::vector<ColumnDescription>&) override {}
  void on_row(const std::vector<std::optional<std::string_view>>& values) override {
    if (!values.empty()) values_.push_back(values.front() ? std::string(*values.front()) : std::string());
  }
  std::vector<std::string>& values() { return values_; }

 private:
  std::vector<std::string> values_;
};

}  // namespace

bool server_answers(const std::string& conninfo, std::chrono::seconds within) {
  // connect_timeout after the expanded conninfo: ours wins over one the conninfo sets.
  const std::string timeout = std::to_string(std::max<std::int64_t>(2, within.count()));
  const char* keywords[] = {"dbname", "connect_timeout", nullptr};
  const char* values[] = {conninfo.c_str(), timeout.c_str(), nullptr};
  const PGPing ping = PQpingParams(keywords, values, 1);
  return ping == PQPING_OK || ping == PQPING_REJECT;  // REJECT: running, but not taking connections now
}

void SessionConnection::ResultDeleter::operator()(pg_result* result) const { PQclear(result); }

void SessionConnection::on_notice(void* self, const PGresult* notice) {
  auto* connection = static_cast<SessionConnection*>(self);
  const std::string severity = field_or_empty(notice, PG_DIAG_SEVERITY_NONLOCALIZED);
  if (severity == "WARNING") {
    ++connection->completion_.warnings;
  } else {
    ++connection->completion_.notices;
  }
  if (connection->keep_message_texts_ && connection->completion_.messages.size() < kMaxKeptMessages) {
    const std::string routine = field_or_empty(notice, PG_DIAG_SOURCE_FUNCTION);
    connection->completion_.messages.push_back({severity, field_or_empty(notice, PG_DIAG_SQLSTATE),
                                                field_or_empty(notice, PG_DIAG_MESSAGE_PRIMARY),
                                                routine == "exec_stmt_raise"});
  }
}

Result<std::unique_ptr<SessionConnection>> SessionConnection::open(
    const std::string& conninfo, const std::vector<std::pair<std::string, std::string>>& settings,
    const std::atomic<bool>* interrupted, std::string_view purpose) {
  return std::move(open_together({ConnectRequest{conninfo, settings, purpose}}, interrupted).front());
}

std::string SessionConnection::settings_command(const std::vector<std::pair<std::string, std::string>>& settings) const {
  std::string command;
  for (const auto& [name, value] : settings) {
    char* quoted = PQescapeLiteral(conn_, value.c_str(), value.size());
    command += "SET " + name + " = " + (quoted ? quoted : "DEFAULT") + "; ";
    PQfreemem(quoted);
  }
  return command;
}

Status SessionConnection::apply_setting(const std::string& name, const std::string& value) {
  DiscardingSink discard;
  auto done = run({settings_command({{name, value}}), false, "", nullptr}, discard, {std::chrono::milliseconds(kMonitorDeadline), interrupted_});
  if (!done) return done.error();
  if (!done->succeeded) return Error::bad_input("cannot set " + name + " to '" + value + "': " + done->message);
  return Status::success();
}

SessionConnection::~SessionConnection() {
  if (conn_ != nullptr) PQfinish(conn_);
}

int SessionConnection::socket() const { return PQsocket(conn_); }

int SessionConnection::backend_pid() const { return PQbackendPID(conn_); }

TransactionState SessionConnection::transaction_state() const {
  switch (PQtransactionStatus(conn_)) {
    case PQTRANS_IDLE: return TransactionState::kIdle;
    case PQTRANS_INTRANS: return TransactionState::kInTransaction;
    case PQTRANS_INERROR: return TransactionState::kFailed;
    default: return TransactionState::kUnknown;
  }
}

bool SessionConnection::cancel(std::chrono::milliseconds within) {
  PGcancel* handle = PQgetCancel(conn_);
  if (handle == nullptr) return false;
  // PQcancel connects to the postmaster and waits for it to close the connection, with no
  // timeout of its own: a stopped server would hold it for ever. It runs on a thread of its
  // own, which owns the handle and is abandoned if the server does not take the request in time.
  std::promise<void> sent;
  std::future<void> done = sent.get_future();
  std::thread([handle, sent = std::move(sent)]() mutable {
    char error[256];
    PQcancel(handle, error, sizeof error);
    PQfreeCancel(handle);
    sent.set_value();
  }).detach();
  return done.wait_for(within) == std::future_status::ready;
}

std::string SessionConnection::quote_literal(std::string_view text) const {
  char* quoted = PQescapeLiteral(conn_, text.data(), text.size());
  if (quoted == nullptr) return "NULL";  // out of memory or invalid encoding: matches nothing
  std::string literal(quoted);
  PQfreemem(quoted);
  return literal;
}

std::string SessionConnection::quote_identifier(std::string_view name) const {
  char* quoted = PQescapeIdentifier(conn_, name.data(), name.size());
  if (quoted == nullptr) return "\"\"";  // out of memory or invalid encoding: names nothing
  std::string identifier(quoted);
  PQfreemem(quoted);
  return identifier;
}

Result<StatementCompletion> SessionConnection::run(const StatementRequest& request, RowSink& sink,
                                                   const WaitLimits& limits) {
  if (Status sent = send(request); !sent) return sent.error();
  return finish(sink, limits);
}

Result<StatementCompletion> SessionConnection::finish(RowSink& sink, const WaitLimits& limits) {
  const auto started = Clock::now();
  std::optional<Clock::time_point> gave_up_at;  // when the statement was cancelled, and why
  bool for_interrupt = false;
  for (;;) {
    auto advanced = advance(sink);
    if (!advanced) return advanced.error();
    if (advanced->has_value()) {
      if (for_interrupt) return interrupted_error();
      if (gave_up_at) {
        return Error::infrastructure("the statement did not end within " + seconds_text(limits.deadline) +
                                     " and was cancelled");
      }
      return std::move(**advanced);
    }
    const auto now = Clock::now();
    if (!gave_up_at && (is_set(limits.interrupted) || (limits.deadline.count() > 0 && now - started >= limits.deadline))) {
      for_interrupt = is_set(limits.interrupted);
      gave_up_at = now;
      cancel();
    }
    if (gave_up_at && now - *gave_up_at >= kCancelWithin) {
      // The server took no cancel and sent nothing: it stopped answering. The connection is
      // left mid-statement; its owner drops it.
      broken_ = true;
      if (for_interrupt) return interrupted_error();
      return Error::infrastructure("no answer from the server within " + seconds_text(now - started));
    }
    if (!wait_for_input(socket())) {
      return Error::infrastructure(std::string("poll failed: ") + std::strerror(errno));
    }
  }
}

Result<std::vector<std::string>> SessionConnection::query_column(const std::string& sql, const WaitLimits& limits) {
  FirstColumnSink sink;
  WaitLimits bounded = limits;
  if (bounded.interrupted == nullptr) bounded.interrupted = interrupted_;
  auto done = run({sql, false, "", nullptr}, sink, bounded);
  if (!done) return Error{done.error().kind, "monitoring query failed: " + done.error().message};
  if (!done->succeeded) return Error::infrastructure("monitoring query failed: " + done->message);
  return std::move(sink.values());
}

Result<std::string> SessionConnection::query_scalar(const std::string& sql, const WaitLimits& limits) {
  auto column = query_column(sql, limits);
  if (!column) return column.error();
  return column->empty() ? std::string() : std::move(column->front());
}

Status SessionConnection::send(const StatementRequest& request) {
  if (broken_) return Error::infrastructure("the connection was given up: the server stopped answering");
  sql_.assign(request.sql);
  extended_ = request.extended;
  statement_name_.assign(request.statement_name);
  parameters_ = request.parameters ? *request.parameters : std::vector<std::optional<std::string>>{};
  completion_ = StatementCompletion{};
  columns_sent_ = false;
  failed_ = false;

  if (extended_ && !statement_name_.empty()) {
    auto found = prepared_.find(statement_name_);
    if (found == prepared_.end() || found->second != sql_) {
      // Prepared under the captured name; a name reused for other SQL (after DEALLOCATE in
      // production) is prepared again.
      if (found != prepared_.end()) {
        DiscardingSink discard;
        // The captured name is the client's, any string: quoted, "S1" stays S1 rather than
        // folding to s1, and a name with a quote or a space is still one name.
        const std::string deallocate = "DEALLOCATE " + quote_identifier(statement_name_);
        const std::string name = statement_name_;
        const std::string sql = sql_;
        const auto parameters = parameters_;
        auto done = run({deallocate, false, "", nullptr}, discard, {std::chrono::milliseconds(kMonitorDeadline), interrupted_});
        if (!done) return done.error();
        if (!done->succeeded) {
          return Error::infrastructure("cannot deallocate prepared statement " + quote_identifier(name) +
                                       " to prepare it again for other SQL: " + done->message);
        }
        statement_name_ = name;  // run() took the members over for the DEALLOCATE
        sql_ = sql;
        parameters_ = parameters;
        extended_ = true;
        completion_ = StatementCompletion{};
      }
      if (PQsendPrepare(conn_, statement_name_.c_str(), sql_.c_str(), 0, nullptr) != 1) {
        return Error::infrastructure("cannot send Parse: " + connection_error(conn_));
      }
      prepared_[statement_name_] = sql_;
      phase_ = Phase::kPreparing;
      return Status::success();
    }
  }
  return send_execute();
}

Status SessionConnection::send_execute() {
  std::vector<const char*> values;
  values.reserve(parameters_.size());
  for (const auto& parameter : parameters_) values.push_back(parameter ? parameter->c_str() : nullptr);
  const int count = static_cast<int>(values.size());

  int sent = 0;
  if (!extended_) {
    sent = PQsendQuery(conn_, sql_.c_str());
  } else if (!statement_name_.empty()) {
    sent = PQsendQueryPrepared(conn_, statement_name_.c_str(), count, values.data(), nullptr,
                               nullptr, 0);
  } else {
    sent = PQsendQueryParams(conn_, sql_.c_str(), count, nullptr, values.data(), nullptr, nullptr, 0);
  }
  if (sent != 1) return Error::infrastructure("cannot send statement: " + connection_error(conn_));
  PQsetSingleRowMode(conn_);
  phase_ = Phase::kExecuting;
  return Status::success();
}

void SessionConnection::absorb(OwnedResult owned, RowSink& sink) {
  PGresult* result = owned.get();
  const ExecStatusType status = PQresultStatus(result);
  const auto send_columns = [&] {
    if (columns_sent_) return;
    columns_sent_ = true;
    std::vector<ColumnDescription> columns;
    const int count = PQnfields(result);
    for (int i = 0; i < count; ++i) columns.push_back({PQfname(result, i), PQftype(result, i)});
    sink.on_columns(columns);
  };
  switch (status) {
    case PGRES_SINGLE_TUPLE: {
      send_columns();
      std::vector<std::optional<std::string_view>> values;
      const int count = PQnfields(result);
      values.reserve(static_cast<std::size_t>(count));
      for (int i = 0; i < count; ++i) {
        if (PQgetisnull(result, 0, i)) {
          values.emplace_back(std::nullopt);
        } else {
          values.emplace_back(std::string_view(PQgetvalue(result, 0, i),
                                               static_cast<std::size_t>(PQgetlength(result, 0, i))));
        }
      }
      sink.on_row(values);
      break;
    }
    case PGRES_TUPLES_OK:
      send_columns();
      completion_.command_tag = PQcmdStatus(result);
      break;
    case PGRES_COMMAND_OK:
    case PGRES_EMPTY_QUERY:
      completion_.command_tag = PQcmdStatus(result);
      break;
    case PGRES_COPY_IN:
      // The rows of COPY ... FROM STDIN are not in the server's log, so there is nothing to send.
      PQputCopyEnd(conn_, "pgshadow: COPY data is not part of the capture");
      break;
    case PGRES_FATAL_ERROR:
      if (!failed_) {  // the first error is what the client saw
        failed_ = true;
        completion_.succeeded = false;
        completion_.sqlstate = field_or_empty(result, PG_DIAG_SQLSTATE);
        completion_.message = field_or_empty(result, PG_DIAG_MESSAGE_PRIMARY);
        // PL/pgSQL's RAISE and ASSERT: the function's author wrote the message.
        const std::string routine = field_or_empty(result, PG_DIAG_SOURCE_FUNCTION);
        completion_.raised_by_user = routine == "exec_stmt_raise" || routine == "exec_stmt_assert";
      }
      break;
    default:
      break;
  }
}

Result<std::optional<StatementCompletion>> SessionConnection::advance(RowSink& sink) {
  if (PQconsumeInput(conn_) != 1) {
    phase_ = Phase::kIdle;
    return Error::infrastructure("connection lost: " + connection_error(conn_));
  }
  while (phase_ != Phase::kIdle) {
    if (PQisBusy(conn_)) return std::optional<StatementCompletion>();
    OwnedResult result(PQgetResult(conn_));
    // COPY TO STDOUT: drain the copy data as one-column rows.
    if (result && PQresultStatus(result.get()) == PGRES_COPY_OUT) {
      result.reset();
      for (;;) {
        char* buffer = nullptr;
        const int length = PQgetCopyData(conn_, &buffer, 1);
        if (length > 0) {
          sink.on_row({std::string_view(buffer, static_cast<std::size_t>(length))});
          PQfreemem(buffer);
          continue;
        }
        if (length == 0) return std::optional<StatementCompletion>();  // wait for more
        break;  // -1: copy done, results follow
      }
      continue;
    }
    if (result) {
      absorb(std::move(result), sink);
      continue;
    }
    // NULL result: the current command is complete.
    if (phase_ == Phase::kPreparing) {
      if (failed_) {  // Parse failed: that is the statement's outcome, as in production.
        prepared_.erase(statement_name_);
        phase_ = Phase::kIdle;
        return std::optional<StatementCompletion>(completion_);
      }
      Status sent = send_execute();
      if (!sent) return sent.error();
      if (PQconsumeInput(conn_) != 1) {
        phase_ = Phase::kIdle;
        return Error::infrastructure("connection lost: " + connection_error(conn_));
      }
      continue;
    }
    phase_ = Phase::kIdle;
    return std::optional<StatementCompletion>(completion_);
  }
  return std::optional<StatementCompletion>();
}

}  // namespace pgshadow::pg
