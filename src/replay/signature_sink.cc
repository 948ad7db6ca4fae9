#include "signature_sink.h"

namespace pgshadow::replay {

void SignatureSink::on_columns(const std::vector<pg::ColumnDescription>& columns) {
  std::vector<compare::ColumnHeader> headers;
  headers.reserve(columns.size());
  for (const auto& column : columns) headers.push_back({column.name, column.type_oid});
  builder_->set_columns(std::move(headers));
}

void SignatureSink::on_row(const std::vector<std::optional<std::string_view>>& values) {
  builder_->add_row(values);
}

compare::ResultSignature SignatureSink::finish(const pg::StatementCompletion& completion) {
  compare::ResultSignature signature =
      completion.succeeded ? builder_->finish_success(completion.command_tag)
                           : builder_->finish_error(completion.sqlstate, completion.message);
  signature.error_raised_by_user = completion.raised_by_user;
  signature.notices = completion.notices;
  signature.warnings = completion.warnings;
  builder_.emplace();
  return signature;
}

}  // namespace pgshadow::replay
