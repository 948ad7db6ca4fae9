#include "rollout_checks.h"

#include <chrono>
#include <memory>

#include "pgshadow/pg/session_connection.h"

namespace pgshadow::cli {
namespace {

constexpr std::size_t kRowsKept = 2;  // a check passes on at most one row: two tell it failed
constexpr std::chrono::seconds kCheckDeadline{300};

// Keeps the first rows of a result as text.
class FirstRows final : public pg::RowSink {
 public:
  explicit FirstRows(std::size_t limit) : limit_(limit) {}
  void on_columns(const std::vector<pg::ColumnDescription>&) override {}
  void on_row(const std::vector<std::optional<std::string_view>>& values) override {
    if (rows.size() >= limit_) return;
    auto& row = rows.emplace_back();
    for (const auto& value : values) row.push_back(value ? std::optional<std::string>(std::string(*value)) : std::nullopt);
  }
  std::vector<std::vector<std::optional<std::string>>> rows;

 private:
  std::size_t limit_;
};

Result<std::unique_ptr<pg::SessionConnection>> open_reader(const std::string& conninfo,
                                                            const std::atomic<bool>* interrupted) {
  return pg::SessionConnection::open(conninfo, {{"default_transaction_read_only", "on"}, {"statement_timeout", "300s"}},
                                     interrupted, "run the rollout's data checks");
}

struct QueryOutcome {
  pg::StatementCompletion completion;
  std::vector<std::vector<std::optional<std::string>>> rows;
};

Result<QueryOutcome> run_query(pg::SessionConnection& connection, const std::string& sql, std::size_t keep,
                               const std::atomic<bool>* interrupted) {
  FirstRows sink(keep);
  pg::StatementRequest request;
  request.sql = sql;
  auto completion = connection.run(request, sink, {std::chrono::milliseconds(kCheckDeadline), interrupted});
  if (!completion) return completion.error();
  return QueryOutcome{*completion, std::move(sink.rows)};
}

constexpr const char* kTablesQuery =
    "SELECT format('%I.%I', n.nspname, c.relname) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
    "WHERE c.relkind IN ('r', 'p') AND n.nspname NOT IN ('pg_catalog', 'information_schema') "
    "AND n.nspname NOT LIKE 'pg_toast%' ORDER BY 1";

}  // namespace

Result<std::vector<rollout::CheckOutcome>> run_data_checks(const std::string& conninfo,
                                                           const std::vector<rollout::DataCheck>& checks,
                                                           const std::atomic<bool>* interrupted) {
  std::vector<rollout::CheckOutcome> outcomes;
  if (checks.empty()) return outcomes;
  auto connection = open_reader(conninfo, interrupted);
  if (!connection) return connection.error();
  for (const rollout::DataCheck& check : checks) {
    rollout::CheckOutcome outcome;
    outcome.name = check.name;
    outcome.where = check.where;
    auto ran = run_query(**connection, check.query, kRowsKept, interrupted);
    if (!ran) return ran.error();
    if (!ran->completion.succeeded) {
      outcome.state = rollout::CheckOutcome::State::kError;
      outcome.value = check.where + ": " + ran->completion.sqlstate + " " + ran->completion.message;
      // The session is left in a failed transaction only inside a block; a check runs alone.
    } else {
      outcome.state = rollout::judge_check_rows(ran->rows, outcome.value);
    }
    outcomes.push_back(std::move(outcome));
  }
  return outcomes;
}

Result<rollout::CheckOutcome> check_rows_preserved(const std::string& before, const std::string& after,
                                                   const std::atomic<bool>* interrupted) {
  rollout::CheckOutcome outcome;
  outcome.name = "rows preserved";
  outcome.kind = "rows_preserved";
  auto before_connection = open_reader(before, interrupted);
  if (!before_connection) return before_connection.error();
  auto after_connection = open_reader(after, interrupted);
  if (!after_connection) return after_connection.error();
  auto tables = run_query(**before_connection, kTablesQuery, SIZE_MAX, interrupted);
  if (!tables) return tables.error();
  if (!tables->completion.succeeded) return Error::infrastructure("cannot list the tables: " + tables->completion.message);
  std::uint64_t lost = 0;
  std::size_t tables_losing = 0;
  for (const auto& row : tables->rows) {
    const std::string table = row.front().value_or("");
    const std::string count = "SELECT count(*) FROM " + table;
    auto had = run_query(**before_connection, count, 1, interrupted);
    if (!had) return had.error();
    auto has = run_query(**after_connection, count, 1, interrupted);
    if (!has) return has.error();
    if (!had->completion.succeeded || had->rows.empty()) continue;
    const std::uint64_t rows_before = std::stoull(had->rows.front().front().value_or("0"));
    const std::uint64_t rows_after = has->completion.succeeded && !has->rows.empty()
                                         ? std::stoull(has->rows.front().front().value_or("0"))
                                         : 0;
    if (rows_after >= rows_before) continue;
    lost += rows_before - rows_after;
    ++tables_losing;
    outcome.detail += (outcome.detail.empty() ? "" : ", ") + table + ": " + std::to_string(rows_before) + " -> " +
                      (has->completion.succeeded ? std::to_string(rows_after) : std::string("dropped"));
  }
  outcome.state = lost == 0 ? rollout::CheckOutcome::State::kPassed : rollout::CheckOutcome::State::kFailed;
  outcome.value = lost == 0 ? "every table keeps its rows"
                            : std::to_string(lost) + " rows lost in " + std::to_string(tables_losing) + " table" +
                                  (tables_losing == 1 ? "" : "s");
  return outcome;
}

}  // namespace pgshadow::cli
