#include <utility>

#include "command_tag.h"
#include "pgshadow/compare/result_signature.h"

namespace pgshadow::compare {
namespace {

void update_digest(Xxh3Hasher& hasher, const Digest128& digest) {
  hasher.update_u64(digest.low);
  hasher.update_u64(digest.high);
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

void SignatureBuilder::add_row(const std::vector<std::optional<std::string_view>>& values) {
  // Row digest: per cell a null flag, the length and the bytes. The length keeps ('ab','c')
  // apart from ('a','bc'); the flag keeps NULL apart from ''.
  if (track_prefixes_ && values.size() > 1) signature_.column_prefixes.resize(values.size() - 1);
  row_hasher_.reset();
  for (std::size_t i = 0; i < values.size(); ++i) {
    const auto& value = values[i];
    const unsigned char is_null = value.has_value() ? 0 : 1;
    row_hasher_.update(&is_null, 1);
    row_hasher_.update_u64(value.has_value() ? value->size() : 0);
    if (value.has_value()) row_hasher_.update(*value);
    if (track_prefixes_ && i + 1 < values.size()) {
      ResultSignature::Prefix& prefix = signature_.column_prefixes[i];
      chain(prefix.ordered_digest, prefix.multiset_digest, row_hasher_.digest());
    }
  }
  chain(signature_.ordered_digest, signature_.multiset_digest, row_hasher_.digest());
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
  sample_bytes_ = 0;
  return std::exchange(signature_, ResultSignature{});
}

ResultSignature SignatureBuilder::finish_error(std::string sqlstate, std::string message) {
  signature_.succeeded = false;
  signature_.sqlstate = std::move(sqlstate);
  signature_.error_message = std::move(message);
  signature_.column_prefixes.clear();
  sample_bytes_ = 0;
  return std::exchange(signature_, ResultSignature{});
}

}  // namespace pgshadow::compare
