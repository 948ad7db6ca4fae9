#pragma once
// A connection being opened without blocking: the libpq handshake (PQconnectStart and
// PQconnectPoll), then the session settings in one round trip, each step taken when the caller's
// poll says the socket is ready. The replay opens a new session's connections in the same poll
// loop as the statements in flight, so a server's process start holds back no other session.
//
// Invariant: step() never waits on a server, but to name a setting the server refused (then
// applied one by one, each within kMonitorDeadline); every phase has its deadline (the
// conninfo's connect_timeout for the handshake, kMonitorDeadline for the settings), and the
// interrupt flag ends the opening at the next step. Once done(), take() gives the connection
// or the error SessionConnection::open() gives for the same request. Owned by one thread.
#include <atomic>
#include <chrono>
#include <memory>
#include <optional>
#include <string>

#include "pgshadow/pg/session_connection.h"
#include "pgshadow/util/result.h"

namespace pgshadow::pg {

class ConnectionOpening {
 public:
  using Clock = std::chrono::steady_clock;

  // Starts the handshake (never blocks). A request libpq refuses at once (a conninfo it cannot
  // parse, no memory) is done() on return.
  ConnectionOpening(SessionConnection::ConnectRequest request, const std::atomic<bool>* interrupted);
  ConnectionOpening(const ConnectionOpening&) = delete;
  ConnectionOpening& operator=(const ConnectionOpening&) = delete;

  bool done() const { return phase_ == Phase::kDone; }
  // What to poll for, while not done: the socket and POLLIN or POLLOUT.
  int socket() const;
  short events() const;
  // When the current phase fails for want of an answer.
  Clock::time_point deadline() const { return deadline_; }

  // Goes as far as it can without waiting. `socket_ready`: the poll reported the socket; without
  // it only the interrupt flag and the deadline are looked at.
  void step(bool socket_ready);

  // The connection, or why it could not be opened. Only once done().
  Result<std::unique_ptr<SessionConnection>> take();

 private:
  enum class Phase { kHandshake, kSettings, kDone };
  void fail(Error error);
  void fail_to_connect(const std::string& why);
  void fail_as_libpq_says();  // the handshake failed: with libpq's reason
  void begin_settings();
  void step_settings();

  SessionConnection::ConnectRequest request_;
  std::string purpose_;  // request_.purpose's text, which the request only views
  const std::atomic<bool>* interrupted_;
  std::unique_ptr<SessionConnection> connection_;
  std::optional<Error> error_;
  Phase phase_ = Phase::kHandshake;
  bool wants_input_ = false;  // the handshake's last PQconnectPoll said PGRES_POLLING_READING
  Clock::duration timeout_{};
  Clock::time_point deadline_{};
};

}  // namespace pgshadow::pg
