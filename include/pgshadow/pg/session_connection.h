#pragma once
// One client session on one side: a non-blocking libpq connection that runs one statement at a
// time and streams its rows (single-row mode) to a RowSink, so memory does not grow with the
// size of a result. Owned by one thread; not thread-safe.
//
// Nothing here waits on a server without a way out: connecting, the blocking run() and
// query_scalar() wait at most their WaitLimits' deadline and return as soon as the interrupt
// flag is set (SIGINT/SIGTERM), cancelling the statement on the server first; cancel() itself
// waits a bounded time for a server that may have stopped answering. The server's NOTICE and
// WARNING messages are counted per statement (StatementCompletion), never printed: their text
// can quote the data.
#include <atomic>
#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "pgshadow/util/result.h"

struct pg_conn;
struct pg_result;

namespace pgshadow::pg {

struct ColumnDescription {
  std::string name;
  std::uint32_t type_oid = 0;
};

// Receives a statement's result as it arrives.
class RowSink {
 public:
  virtual ~RowSink() = default;
  virtual void on_columns(const std::vector<ColumnDescription>& columns) = 0;
  virtual void on_row(const std::vector<std::optional<std::string_view>>& values) = 0;
};

// For statements whose rows nobody reads (SET, BEGIN, DDL, the probes' bookkeeping).
class DiscardingSink final : public RowSink {
 public:
  void on_columns(const std::vector<ColumnDescription>&) override {}
  void on_row(const std::vector<std::optional<std::string_view>>&) override {}
};

// A NOTICE, INFO or WARNING the server sent during a statement.
struct ServerMessage {
  std::string severity;  // "WARNING", "NOTICE", "INFO", ... (not localized)
  std::string sqlstate;
  std::string text;      // the primary message
  bool raised_by_user = false;  // PL/pgSQL RAISE: its author's text, which may carry values
};

// How a statement ended.
struct StatementCompletion {
  bool succeeded = true;
  std::string command_tag;  // "INSERT 0 1", "SELECT 3", ... (last result of a multi-statement query)
  std::string sqlstate;     // when !succeeded
  std::string message;      // server's primary message, when !succeeded
  // The error was raised by the database's own code for its author's reasons (PL/pgSQL RAISE
  // or ASSERT): the message is free text, which may carry values whatever the SQLSTATE says.
  bool raised_by_user = false;
  std::uint32_t notices = 0;   // NOTICE, INFO, LOG and DEBUG messages during the statement
  std::uint32_t warnings = 0;  // WARNING messages during the statement
  // Their texts, only on a connection that keeps them (SessionConnection::keep_message_texts).
  std::vector<ServerMessage> messages;
};

struct StatementRequest {
  std::string_view sql;
  bool extended = false;          // Parse/Bind/Execute with parameters (types inferred by the server)
  std::string_view statement_name;  // extended only: named prepared statement, prepared once
  const std::vector<std::optional<std::string>>* parameters = nullptr;
};

enum class TransactionState { kIdle, kInTransaction, kFailed, kUnknown };

// How long a blocking call waits for a server, and what cuts it short.
struct WaitLimits {
  std::chrono::milliseconds deadline{0};  // 0: no deadline (a migration statement may take hours)
  const std::atomic<bool>* interrupted = nullptr;  // set: cancel, return kInterrupted
};

// Connecting: the conninfo's connect_timeout when it has one, else this.
inline constexpr std::chrono::seconds kDefaultConnectTimeout{30};
// A monitoring query (lock checks, role checks, the server version) answers in milliseconds.
inline constexpr std::chrono::seconds kMonitorDeadline{30};
// A cancel request goes to the postmaster, which answers at once unless it stopped answering.
inline constexpr std::chrono::seconds kCancelWithin{5};

// Whether the server accepts connections (PQping), waiting at most `within` for its answer: a
// server that is gone (killed, its socket removed) or stopped (SIGSTOP) does not.
bool server_answers(const std::string& conninfo, std::chrono::seconds within);

class SessionConnection {
 public:
  // Connects and applies the session settings, e.g. {"statement_timeout", "30s"}. Errors:
  // kInfrastructure "cannot connect to CONNINFO[ to PURPOSE]: why" with the conninfo redacted
  // (no answer within the connect timeout too); kInterrupted; kBadInput for a setting the
  // server rejects. `interrupted` also ends the connection's later waits.
  static Result<std::unique_ptr<SessionConnection>> open(
      const std::string& conninfo, const std::vector<std::pair<std::string, std::string>>& settings,
      const std::atomic<bool>* interrupted = nullptr, std::string_view purpose = {});
  // What open() takes, for open_together and ConnectionOpening (which copy what `purpose` views).
  struct ConnectRequest {
    std::string conninfo;
    std::vector<std::pair<std::string, std::string>> settings;
    std::string_view purpose;
  };
  // Opens every request's connection at once, on the calling thread, and waits for them all: one
  // ConnectionOpening each (connection_opening.h), stepped on one poll, so that their servers
  // start their processes side by side. Each result as open()'s, in the requests' order.
  static std::vector<Result<std::unique_ptr<SessionConnection>>> open_together(
      const std::vector<ConnectRequest>& requests, const std::atomic<bool>* interrupted = nullptr);
  ~SessionConnection();
  SessionConnection(const SessionConnection&) = delete;
  SessionConnection& operator=(const SessionConnection&) = delete;

  int socket() const;
  int backend_pid() const;
  // Keep the texts of the server's messages in each completion, at most kMaxKeptMessages per
  // statement (the rest only counted). For the user's own migration: a replayed session never
  // keeps them (captured traffic's notices can quote row values).
  void keep_message_texts() { keep_message_texts_ = true; }
  static constexpr std::size_t kMaxKeptMessages = 20;
  bool busy() const { return phase_ != Phase::kIdle; }
  TransactionState transaction_state() const;

  // Starts a statement without waiting for it. Error when the connection is broken.
  Status send(const StatementRequest& request);
  // Runs a statement to its end (send, then advance as the socket becomes readable). Past the
  // deadline, or on interrupt, the statement is cancelled: kInfrastructure "no answer within N s"
  // when the server does not end it at once, kInterrupted.
  Result<StatementCompletion> run(const StatementRequest& request, RowSink& sink, const WaitLimits& limits);
  // Waits for the statement send() started to end, as run() does: several connections' statements
  // can be sent first and then finished one after the other, so that their servers work at once.
  Result<StatementCompletion> finish(RowSink& sink, const WaitLimits& limits);
  // Runs a one-value query and waits for it (for a monitoring connection, never a replayed
  // session). NULL reads as "". Errors as run's, and kInfrastructure when the query fails.
  Result<std::string> query_scalar(const std::string& sql,
                                   const WaitLimits& limits = {std::chrono::milliseconds(kMonitorDeadline), nullptr});
  // The first column of every row a monitoring query returns (NULL reads as ""), in order.
  // Errors as query_scalar's.
  Result<std::vector<std::string>> query_column(const std::string& sql,
                                                const WaitLimits& limits = {std::chrono::milliseconds(kMonitorDeadline),
                                                                            nullptr});
  // `text` as an SQL string literal, quoted by libpq for this connection's settings.
  std::string quote_literal(std::string_view text) const;
  // `name` as an SQL identifier ("my table" -> "\"my table\""), quoted by libpq.
  std::string quote_identifier(std::string_view name) const;

  // Asks the server to cancel the statement in flight (it then ends with SQLSTATE 57014).
  // Waits at most `within` for the server to take the request: false when it did not (a
  // stopped server); the request is then abandoned, never waited for.
  bool cancel(std::chrono::milliseconds within = kCancelWithin);

  // Reads whatever the server sent (never blocks) and feeds rows to sink. Returns the
  // completion once the statement has finished, nullopt while it still runs.
  // Error kInfrastructure when the connection is lost.
  Result<std::optional<StatementCompletion>> advance(RowSink& sink);

 private:
  friend class ConnectionOpening;  // connection_opening.h: opens one step at a time
  enum class Phase { kIdle, kPreparing, kExecuting };
  struct ResultDeleter {
    void operator()(pg_result* result) const;
  };
  using OwnedResult = std::unique_ptr<pg_result, ResultDeleter>;

  SessionConnection() = default;
  Status send_execute();
  void absorb(OwnedResult result, RowSink& sink);
  Status apply_setting(const std::string& name, const std::string& value);
  std::string settings_command(const std::vector<std::pair<std::string, std::string>>& settings) const;
  static void on_notice(void* self, const pg_result* notice);

  pg_conn* conn_ = nullptr;
  const std::atomic<bool>* interrupted_ = nullptr;  // given to open(): ends this connection's own waits
  bool keep_message_texts_ = false;
  bool broken_ = false;  // a statement was given up without an answer: the connection is unusable
  Phase phase_ = Phase::kIdle;
  bool columns_sent_ = false;
  StatementCompletion completion_;
  bool failed_ = false;
  // The statement in flight (copied: the request may not outlive send()).
  std::string sql_;
  std::string statement_name_;
  bool extended_ = false;
  std::vector<std::optional<std::string>> parameters_;
  std::unordered_map<std::string, std::string> prepared_;  // name -> SQL prepared on this connection
};

}  // namespace pgshadow::pg
