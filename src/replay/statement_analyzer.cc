#include "statement_analyzer.h"

namespace pgshadow::replay {

StatementAnalysis StatementAnalyzer::analyze(const std::string& sql) {
  if (auto found = known_.find(sql); found != known_.end()) {
    ++hits_;
    return found->second;
  }
  ++misses_;
  StatementAnalysis analysis{sql::facts_of(sql), sql::shape_of(sql)};
  if (sql.size() <= max_text_bytes_) {
    if (known_.size() >= max_entries_) known_.clear();
    known_.emplace(sql, analysis);
  }
  return analysis;
}

}  // namespace pgshadow::replay
