#include "signature_sink.h"

namespace pgshadow::replay {

void SignatureSink::track_column_prefixes() {
  track_prefixes_ = true;
  builder_->track_column_prefixes();
}

void SignatureSink::on_columns(const std::vector<pg::ColumnDescription>& columns) {
  std::vector<compare::ColumnHeader> headers;
  headers.reserve(columns.size());
  if (projection_) {
    for (const std::size_t position : *projection_) {
      if (position < columns.size()) headers.push_back({columns[position].name, columns[position].type_oid});
    }
  } else {
    for (const auto& column : columns) headers.push_back({column.name, column.type_oid});
  }
  builder_->set_columns(std::move(headers));
}

void SignatureSink::on_row(const std::vector<std::optional<std::string_view>>& values) {
  if (!projection_) {
    builder_->add_row(values);
    return;
  }
  projected_.clear();
  for (const std::size_t position : *projection_) {
    projected_.push_back(position < values.size() ? values[position] : std::nullopt);
  }
  builder_->add_row(projected_);
}

compare::ResultSignature SignatureSink::finish(const pg::StatementCompletion& completion) {
  compare::ResultSignature signature =
      completion.succeeded ? builder_->finish_success(completion.command_tag)
                           : builder_->finish_error(completion.sqlstate, completion.message);
  signature.error_raised_by_user = completion.raised_by_user;
  signature.notices = completion.notices;
  signature.warnings = completion.warnings;
  builder_.emplace();
  if (track_prefixes_) builder_->track_column_prefixes();
  projection_.reset();
  return signature;
}

}  // namespace pgshadow::replay
