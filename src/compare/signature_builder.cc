#include <optional>
#include <string_view>
#include <utility>
#include <vector>

#include "command_tag.h"
#include "pgshadow/compare/result_signature.h"

namespace pgshadow::compare {
namespace {

void update_digest(Xxh3Hasher& hasher, const Digest128& digest) {
  hasher.update_u64(digest.low);
  hasher.update_u64(digest.high);
}

// Per cell a null flag, the length and the bytes. The length keeps ('ab','c') apart from
// ('a','bc'); the flag keeps NULL apart from ''.
void update_cell(Xxh3Hasher& hasher, const std::optional<std::string_view>& value) {
  const unsigned char is_null = value.has_value() ? 0 : 1;
  hasher.update(&is_null, 1);
  hasher.update_u64(value.has_value() ? value->size() : 0);
  if (value.has_value()) hasher.update(*value);
}

}  // namespace

// Ordered: a chain, so each row's position matters. Multiset: a sum, so it does not, and a
// duplicated row still counts twice.
void SignatureBuilder::chain(Digest128& ordered, Digest128& multiset, const Digest128& row) {
  chain_hasher_.reset();
  update_digest(chain_hasher_, ordered);
  update_digest(chain_hasher_, row);
  ordered = chain_hasher_.digest();
  multiset += row;
}

SignatureBuilder::SignatureBuilder(std::size_t max_sample_rows, std::size_t max_sample_bytes)
    : max_sample_rows_(max_sample_rows), max_sample_bytes_(max_sample_bytes) {}

void SignatureBuilder::set_columns(std::vector<ColumnHeader> columns) {
  signature_.columns = std::move(columns);
}

void SignatureBuilder::set_sort_keys(std::vector<std::size_t> key_columns, bool complete) {
  key_columns_ = std::move(key_columns);
  signature_.tie_runs.emplace();
  signature_.tie_runs->keys_complete = complete;
  open_run_ = TieRun{};
}

// A row whose key differs from the open run's starts a run; the open one is then settled as
// the first run or chained into the middle ones. The last run stays open until the finish.
void SignatureBuilder::add_to_tie_runs(const std::vector<std::optional<std::string_view>>& values,
                                       const Digest128& row) {
  key_hasher_.reset();
  for (const std::size_t column : key_columns_) {
    update_cell(key_hasher_, column < values.size() ? values[column] : std::nullopt);
  }
  const Digest128 key = key_hasher_.digest();
  TieRuns& runs = *signature_.tie_runs;
  if (runs.count == 0 || key != open_run_.key) {
    if (runs.count > 0) close_tie_run();
    ++runs.count;
    open_run_ = TieRun{key, 0, {}};
  }
  ++open_run_.rows;
  open_run_.members += row;
}

void SignatureBuilder::close_tie_run() {
  TieRuns& runs = *signature_.tie_runs;
  if (runs.count == 1) {
    runs.first = open_run_;
    return;
  }
  chain_hasher_.reset();
  update_digest(chain_hasher_, runs.middle);
  update_digest(chain_hasher_, open_run_.key);
  chain_hasher_.update_u64(open_run_.rows);
  update_digest(chain_hasher_, open_run_.members);
  runs.middle = chain_hasher_.digest();
}

void SignatureBuilder::add_row(const std::vector<std::optional<std::string_view>>& values) {
  if (track_prefixes_ && values.size() > 1) signature_.column_prefixes.resize(values.size() - 1);
  row_hasher_.reset();
  for (std::size_t i = 0; i < values.size(); ++i) {
    update_cell(row_hasher_, values[i]);
    if (track_prefixes_ && i + 1 < values.size()) {
      ResultSignature::Prefix& prefix = signature_.column_prefixes[i];
      chain(prefix.ordered_digest, prefix.multiset_digest, row_hasher_.digest());
    }
  }
  const Digest128 row = row_hasher_.digest();
  chain(signature_.ordered_digest, signature_.multiset_digest, row);
  if (signature_.tie_runs) add_to_tie_runs(values, row);
  ++signature_.row_count;

  if (!signature_.sample_complete) return;  // the sample stays a prefix of the result
  std::size_t bytes = 0;
  for (const auto& value : values) bytes += value ? value->size() : 0;
  if (signature_.sample_rows.size() >= max_sample_rows_ || sample_bytes_ + bytes > max_sample_bytes_) {
    signature_.sample_complete = false;
    return;
  }
  sample_bytes_ += bytes;
  SampleRow sample;
  sample.reserve(values.size());
  for (const auto& value : values) {
    sample.push_back(value ? std::optional<std::string>(*value) : std::nullopt);
  }
  signature_.sample_rows.push_back(std::move(sample));
}

ResultSignature SignatureBuilder::finish_success(std::string_view command_tag) {
  detail::CommandTag parsed = detail::parse_command_tag(command_tag);
  signature_.succeeded = true;
  signature_.command_verb = std::move(parsed.verb);
  signature_.affected_rows = parsed.affected_rows;
  if (signature_.tie_runs && signature_.tie_runs->count > 0) {
    signature_.tie_runs->last = open_run_;
    if (signature_.tie_runs->count == 1) signature_.tie_runs->first = open_run_;
  }
  key_columns_.clear();
  sample_bytes_ = 0;
  return std::exchange(signature_, ResultSignature{});
}

ResultSignature SignatureBuilder::finish_error(std::string sqlstate, std::string message) {
  signature_.succeeded = false;
  signature_.sqlstate = std::move(sqlstate);
  signature_.error_message = std::move(message);
  signature_.column_prefixes.clear();
  signature_.tie_runs.reset();
  key_columns_.clear();
  sample_bytes_ = 0;
  return std::exchange(signature_, ResultSignature{});
}

}  // namespace pgshadow::compare
