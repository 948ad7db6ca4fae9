#include "pgshadow/pg/session_connection.h"

#include <libpq-fe.h>

#include "pgshadow/pg/conninfo.h"

namespace pgshadow::pg {
namespace {

std::string field_or_empty(const PGresult* result, int field) {
  const char* value = PQresultErrorField(result, field);
  return value == nullptr ? std::string() : std::string(value);
}

std::string connection_error(PGconn* conn) {
  std::string message = PQerrorMessage(conn);
  while (!message.empty() && (message.back() == '\n' || message.back() == ' ')) message.pop_back();
  return message;
}

}  // namespace

Result<std::unique_ptr<SessionConnection>> SessionConnection::open(
    const std::string& conninfo,
    const std::vector<std::pair<std::string, std::string>>& settings) {
  std::unique_ptr<SessionConnection> session(new SessionConnection());
  session->conn_ = PQconnectdb(conninfo.c_str());
  if (PQstatus(session->conn_) != CONNECTION_OK) {
    return Error::infrastructure("cannot connect to " + redact(conninfo) + ": " +
                                 connection_error(session->conn_));
  }
  for (const auto& [name, value] : settings) {
    char* quoted = PQescapeLiteral(session->conn_, value.c_str(), value.size());
    const std::string command = "SET " + name + " = " + (quoted ? quoted : "DEFAULT");
    PQfreemem(quoted);
    PGresult* result = PQexec(session->conn_, command.c_str());
    const bool ok = PQresultStatus(result) == PGRES_COMMAND_OK;
    const std::string message = field_or_empty(result, PG_DIAG_MESSAGE_PRIMARY);
    PQclear(result);
    if (!ok) return Error::bad_input("cannot set " + name + " to '" + value + "': " + message);
  }
  return session;
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

void SessionConnection::cancel() {
  PGcancel* handle = PQgetCancel(conn_);
  if (handle == nullptr) return;
  char error[256];
  PQcancel(handle, error, sizeof error);
  PQfreeCancel(handle);
}

std::string SessionConnection::quote_literal(std::string_view text) const {
  char* quoted = PQescapeLiteral(conn_, text.data(), text.size());
  if (quoted == nullptr) return "NULL";  // out of memory or invalid encoding: matches nothing
  std::string literal(quoted);
  PQfreemem(quoted);
  return literal;
}

Result<std::string> SessionConnection::query_scalar(const std::string& sql) {
  PGresult* result = PQexec(conn_, sql.c_str());
  if (PQresultStatus(result) != PGRES_TUPLES_OK) {
    std::string message = field_or_empty(result, PG_DIAG_MESSAGE_PRIMARY);
    if (message.empty()) message = connection_error(conn_);
    PQclear(result);
    return Error::infrastructure("monitoring query failed: " + message);
  }
  std::string value;
  if (PQntuples(result) > 0 && PQnfields(result) > 0 && !PQgetisnull(result, 0, 0)) {
    value = PQgetvalue(result, 0, 0);
  }
  PQclear(result);
  return value;
}

Status SessionConnection::send(const StatementRequest& request) {
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
        const std::string deallocate = "DEALLOCATE " + statement_name_;
        PQclear(PQexec(conn_, deallocate.c_str()));
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

void SessionConnection::absorb(PGresult* result, RowSink& sink) {
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
      }
      break;
    default:
      break;
  }
  PQclear(result);
}

Result<std::optional<StatementCompletion>> SessionConnection::advance(RowSink& sink) {
  if (PQconsumeInput(conn_) != 1) {
    phase_ = Phase::kIdle;
    return Error::infrastructure("connection lost: " + connection_error(conn_));
  }
  while (phase_ != Phase::kIdle) {
    if (PQisBusy(conn_)) return std::optional<StatementCompletion>();
    // COPY TO STDOUT: drain the copy data as one-column rows.
    PGresult* result = PQgetResult(conn_);
    if (result != nullptr && PQresultStatus(result) == PGRES_COPY_OUT) {
      PQclear(result);
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
    if (result != nullptr) {
      absorb(result, sink);
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
