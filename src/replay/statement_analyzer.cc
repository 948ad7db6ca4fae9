#include "statement_analyzer.h"

#include <optional>

namespace pgshadow::replay {

StatementAnalysis StatementAnalyzer::analyze(const std::string& sql) {
  if (auto found = known_.find(sql); found != known_.end()) {
    ++hits_;
    return found->second;
  }
  const bool rememberable = sql.size() <= max_text_bytes_;
  std::optional<std::string> key = rememberable ? sql::facts_key(sql) : std::nullopt;
  if (key) {
    if (auto found = known_by_numbers_.find(*key); found != known_by_numbers_.end()) {
      ++hits_;
      ++hits_by_numbers_;
      return found->second;
    }
  }
  ++misses_;
  StatementAnalysis analysis{sql::facts_of(sql), sql::shape_of(sql)};
  if (key) {
    remember(known_by_numbers_, std::move(*key), analysis);
  } else if (rememberable) {
    remember(known_, sql, analysis);
  }
  return analysis;
}

void StatementAnalyzer::remember(std::unordered_map<std::string, StatementAnalysis>& memory, std::string key,
                                 const StatementAnalysis& analysis) {
  if (known_.size() + known_by_numbers_.size() >= max_entries_) {
    known_.clear();
    known_by_numbers_.clear();
  }
  memory.emplace(std::move(key), analysis);
}

}  // namespace pgshadow::replay
