#include "signature_sink.h"

namespace pgshadow::replay {

SortKeyPositions resolve_sort_keys(const sql::SortOrder& order, const std::vector<std::string>& column_names) {
  SortKeyPositions positions;
  for (const sql::SortKeyColumn& key : order.keys) {
    std::optional<std::size_t> found = key.position;
    if (!found) {
      for (std::size_t i = 0; i < column_names.size(); ++i) {
        if (column_names[i] != key.name) continue;
        if (found) return positions;  // ambiguous: the keys known so far
        found = i;
      }
    }
    if (!found || *found >= column_names.size()) return positions;
    positions.columns.push_back(*found);
  }
  positions.complete = order.all_keys_in_result;
  return positions;
}

namespace {

// The key positions of the statement's own result, carried onto the columns a projection keeps;
// a key in a column it drops ends the known keys.
SortKeyPositions onto_projection(SortKeyPositions keys, const std::vector<std::size_t>& projection) {
  SortKeyPositions projected;
  for (const std::size_t column : keys.columns) {
    std::optional<std::size_t> kept;
    for (std::size_t i = 0; i < projection.size() && !kept; ++i) {
      if (projection[i] == column) kept = i;
    }
    if (!kept) return projected;
    projected.columns.push_back(*kept);
  }
  projected.complete = keys.complete;
  return projected;
}

}  // namespace

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
  if (sort_order_ != nullptr) {
    std::vector<std::string> names;
    names.reserve(columns.size());
    for (const auto& column : columns) names.push_back(column.name);
    SortKeyPositions keys = resolve_sort_keys(*sort_order_, names);
    if (projection_) keys = onto_projection(std::move(keys), *projection_);
    builder_->set_sort_keys(std::move(keys.columns), keys.complete);
  }
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
  sort_order_ = nullptr;
  return signature;
}

}  // namespace pgshadow::replay
