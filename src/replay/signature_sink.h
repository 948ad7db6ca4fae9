#pragma once
// Adapts a side's streamed result (pg::RowSink) to a compare::SignatureBuilder: the seam that
// keeps libpq out of compare.
#include <cstddef>
#include <optional>
#include <string>
#include <vector>

#include "pgshadow/compare/result_signature.h"
#include "pgshadow/pg/session_connection.h"
#include "pgshadow/sql/query_shape.h"

namespace pgshadow::replay {

// The columns of a result (by their names, in order) that hold an ORDER BY's keys, the leading
// keys up to the first the result does not show; `complete` when it shows all of them. A key by
// name needs exactly one column of that name (two would be ambiguous).
struct SortKeyPositions {
  std::vector<std::size_t> columns;
  bool complete = false;
};
SortKeyPositions resolve_sort_keys(const sql::SortOrder& order, const std::vector<std::string>& column_names);

class SignatureSink final : public pg::RowSink {
 public:
  SignatureSink() { builder_.emplace(); }
  // Every statement's signature from now on keeps its column prefix digests (the shadow's).
  void track_column_prefixes();
  // Only these columns of each row, in this order, make the signature (a re-read of the shadow's
  // result on the baseline's columns); applies to the next statement only.
  void project_onto(std::vector<std::size_t> positions) { projection_ = std::move(positions); }
  // The next statement's ORDER BY (nullopt: none), for its signature's tie runs. The order must
  // outlive that statement.
  void sort_by(const std::optional<sql::SortOrder>& order) { sort_order_ = order ? &*order : nullptr; }
  void on_columns(const std::vector<pg::ColumnDescription>& columns) override;
  void on_row(const std::vector<std::optional<std::string_view>>& values) override;
  // The signature of the finished statement; the sink is ready for the next one.
  compare::ResultSignature finish(const pg::StatementCompletion& completion);

 private:
  std::optional<compare::SignatureBuilder> builder_;  // emplaced anew per statement
  bool track_prefixes_ = false;
  std::optional<std::vector<std::size_t>> projection_;
  const sql::SortOrder* sort_order_ = nullptr;  // of the statement in flight
  std::vector<std::optional<std::string_view>> projected_;  // reused per row
};

}  // namespace pgshadow::replay
