#pragma once
// One replayed client session on one side: a non-blocking libpq connection that runs one
// statement at a time and streams its rows (single-row mode) to a RowSink, so memory does not
// grow with the size of a result. Owned by one replay loop; not thread-safe.
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

// How a statement ended.
struct StatementCompletion {
  bool succeeded = true;
  std::string command_tag;  // "INSERT 0 1", "SELECT 3", ... (last result of a multi-statement query)
  std::string sqlstate;     // when !succeeded
  std::string message;      // server's primary message, when !succeeded
};

struct StatementRequest {
  std::string_view sql;
  bool extended = false;          // Parse/Bind/Execute with parameters (types inferred by the server)
  std::string_view statement_name;  // extended only: named prepared statement, prepared once
  const std::vector<std::optional<std::string>>* parameters = nullptr;
};

enum class TransactionState { kIdle, kInTransaction, kFailed, kUnknown };

class SessionConnection {
 public:
  // Connects (blocking) and applies the session settings, e.g.
  // {"statement_timeout", "30s"}. Error kInfrastructure with the redacted conninfo.
  static Result<std::unique_ptr<SessionConnection>> open(
      const std::string& conninfo, const std::vector<std::pair<std::string, std::string>>& settings);
  ~SessionConnection();
  SessionConnection(const SessionConnection&) = delete;
  SessionConnection& operator=(const SessionConnection&) = delete;

  int socket() const;
  int backend_pid() const;
  bool busy() const { return phase_ != Phase::kIdle; }
  TransactionState transaction_state() const;

  // Starts a statement without waiting for it. Error when the connection is broken.
  Status send(const StatementRequest& request);
  // Runs a one-value query and waits for it (for a monitoring connection, never a replayed
  // session). NULL reads as "".
  Result<std::string> query_scalar(const std::string& sql);
  // `text` as an SQL string literal, quoted by libpq for this connection's settings.
  std::string quote_literal(std::string_view text) const;

  // Asks the server to cancel the statement in flight (it then ends with SQLSTATE 57014).
  void cancel();

  // Reads whatever the server sent (never blocks) and feeds rows to sink. Returns the
  // completion once the statement has finished, nullopt while it still runs.
  // Error kInfrastructure when the connection is lost.
  Result<std::optional<StatementCompletion>> advance(RowSink& sink);

 private:
  enum class Phase { kIdle, kPreparing, kExecuting };
  SessionConnection() = default;
  Status send_execute();
  void absorb(pg_result* result, RowSink& sink);

  pg_conn* conn_ = nullptr;
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
