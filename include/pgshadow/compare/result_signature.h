#pragma once
// The result signature of the design: what a statement returned on one side, reduced to
// digests in one pass over the rows. Never includes libpq: the pg layer feeds values in.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "pgshadow/util/xxh3.h"

namespace pgshadow::compare {

struct ColumnHeader {
  std::string name;
  std::uint32_t type_oid = 0;
  friend bool operator==(const ColumnHeader&, const ColumnHeader&) = default;
};

using SampleRow = std::vector<std::optional<std::string>>;

struct ResultSignature {
  bool succeeded = true;
  std::string sqlstate;       // when !succeeded
  std::string error_message;  // server's primary message, when !succeeded (may quote literals)
  // First word of a command tag that ends in a count ("SELECT", "INSERT", "FETCH"), else the
  // whole tag ("BEGIN", "CREATE TABLE"), so two different DDL commands never look alike.
  std::string command_verb;
  std::optional<std::uint64_t> affected_rows;  // from the command tag, when it has a count
  std::vector<ColumnHeader> columns;           // empty for commands without a result set
  std::uint64_t row_count = 0;
  Digest128 ordered_digest;   // chained over rows in arrival order
  Digest128 multiset_digest;  // sum of row digests mod 2^128: independent of row order
  std::vector<SampleRow> sample_rows;  // the first rows, at most SignatureBuilder's limit
};

// Builds a ResultSignature as rows arrive; memory is bounded by the sample size.
// Value encoding per cell: a null flag byte, the length (8 bytes), the bytes; so
// ('ab','c') and ('a','bc') differ and NULL, '' and 'NULL' all differ; the row's column count
// is hashed first. finish_success/finish_error hand over the signature and leave the builder
// empty, ready for the next statement. Not thread-safe.
class SignatureBuilder {
 public:
  explicit SignatureBuilder(std::size_t max_sample_rows = 5);

  void set_columns(std::vector<ColumnHeader> columns);
  // One row: values in column order; nullopt is SQL NULL.
  void add_row(const std::vector<std::optional<std::string_view>>& values);
  // Finishes with the command tag as the server sent it ("INSERT 0 3", "SELECT 2", "BEGIN").
  ResultSignature finish_success(std::string_view command_tag);
  ResultSignature finish_error(std::string sqlstate, std::string message);

 private:
  std::size_t max_sample_rows_;
  ResultSignature signature_;
  Xxh3Hasher row_hasher_;
  Xxh3Hasher chain_hasher_;
};

}  // namespace pgshadow::compare
