#pragma once
// Adapts a side's streamed result (pg::RowSink) to a compare::SignatureBuilder: the seam that
// keeps libpq out of compare.
#include "pgshadow/compare/result_signature.h"
#include "pgshadow/pg/session_connection.h"

namespace pgshadow::replay {

class SignatureSink final : public pg::RowSink {
 public:
  SignatureSink() { builder_.emplace(); }
  void on_columns(const std::vector<pg::ColumnDescription>& columns) override;
  void on_row(const std::vector<std::optional<std::string_view>>& values) override;
  // The signature of the finished statement; the sink is ready for the next one.
  compare::ResultSignature finish(const pg::StatementCompletion& completion);

 private:
  std::optional<compare::SignatureBuilder> builder_;  // emplaced anew per statement
};

}  // namespace pgshadow::replay
