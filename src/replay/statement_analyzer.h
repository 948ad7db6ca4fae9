#pragma once
// What the parser says of a statement (its facts and its shape), remembered by text: captured
// traffic repeats the same texts (prepared statements, ORM queries without literals) thousands
// of times, and libpg_query's parse, fingerprint and normalization cost more than replaying a
// short statement. Texts with literals inline (simple-protocol clients) are remembered by
// sql::facts_key, their numbers marked: `WHERE aid = 48213` and `WHERE aid = 7` are one entry.
// Bounded: when full, the memory is dropped and refilled by what comes next.
#include <cstddef>
#include <string>
#include <unordered_map>

#include "pgshadow/sql/query_shape.h"

namespace pgshadow::replay {

struct StatementAnalysis {
  sql::StatementFacts facts;
  sql::QueryShape shape;
};

class StatementAnalyzer {
 public:
  explicit StatementAnalyzer(std::size_t max_entries = 20'000, std::size_t max_text_bytes = 8 * 1024)
      : max_entries_(max_entries), max_text_bytes_(max_text_bytes) {}

  StatementAnalysis analyze(const std::string& sql);

  std::size_t hits() const { return hits_; }
  // Of the hits, those found by facts_key rather than by the text itself.
  std::size_t hits_by_numbers() const { return hits_by_numbers_; }
  std::size_t misses() const { return misses_; }

 private:
  std::size_t max_entries_;
  std::size_t max_text_bytes_;  // longer texts are rarely repeated and would hold much memory
  void remember(std::unordered_map<std::string, StatementAnalysis>& memory, std::string key,
                const StatementAnalysis& analysis);

  std::unordered_map<std::string, StatementAnalysis> known_;             // by text
  std::unordered_map<std::string, StatementAnalysis> known_by_numbers_;  // by facts_key
  std::size_t hits_ = 0;
  std::size_t hits_by_numbers_ = 0;
  std::size_t misses_ = 0;
};

}  // namespace pgshadow::replay
