#pragma once
// Adapts a side's streamed result (pg::RowSink) to a compare::SignatureBuilder: the seam that
// keeps libpq out of compare.
#include "pgshadow/compare/result_signature.h"
#include "pgshadow/pg/session_connection.h"

namespace pgshadow::replay {

class SignatureSink final : public pg::RowSink {
 public:
  SignatureSink() { builder_.emplace(); }
  // Every statement's signature from now on keeps its column prefix digests (the shadow's).
  void track_column_prefixes();
  // Only these columns of each row, in this order, make the signature (a re-read of the shadow's
  // result on the baseline's columns); applies to the next statement only.
  void project_onto(std::vector<std::size_t> positions) { projection_ = std::move(positions); }
  void on_columns(const std::vector<pg::ColumnDescription>& columns) override;
  void on_row(const std::vector<std::optional<std::string_view>>& values) override;
  // The signature of the finished statement; the sink is ready for the next one.
  compare::ResultSignature finish(const pg::StatementCompletion& completion);

 private:
  std::optional<compare::SignatureBuilder> builder_;  // emplaced anew per statement
  bool track_prefixes_ = false;
  std::optional<std::vector<std::size_t>> projection_;
  std::vector<std::optional<std::string_view>> projected_;  // reused per row
};

}  // namespace pgshadow::replay
