#include "pgshadow/report/timeline.h"

#include <algorithm>

namespace pgshadow::report {

void Timeline::on_compared(const replay::ComparedStatement& statement) {
  add(statement.event.sequence, statement.divergence);
  note_phase(statement.event.sequence, statement.locks.phase);
}

void Timeline::note_phase(std::uint64_t sequence, replay::MigrationPhase phase) {
  if (phase == replay::MigrationPhase::kNone) return;
  migrate_during_ = true;
  if (phase == replay::MigrationPhase::kDuring) {
    ++statements_during_;
    first_during_ = std::min(first_during_.value_or(sequence), sequence);
    last_during_ = std::max(last_during_.value_or(sequence), sequence);
  } else if (phase == replay::MigrationPhase::kAfter) {
    first_after_ = std::min(first_after_.value_or(sequence), sequence);
  }
}

void Timeline::add(std::uint64_t sequence, DivergenceClass c) {
  while (sequence / width_ >= kMaxBuckets) {
    // Widen: bucket i of the new width holds old buckets 2i and 2i+1.
    std::vector<ClassCounts> merged((buckets_.size() + 1) / 2, ClassCounts{});
    for (std::size_t i = 0; i < buckets_.size(); ++i) {
      for (std::size_t k = 0; k < merged[i / 2].size(); ++k) merged[i / 2][k] += buckets_[i][k];
    }
    buckets_ = std::move(merged);
    width_ *= 2;
  }
  const std::size_t index = sequence / width_;
  if (buckets_.size() <= index) buckets_.resize(index + 1, ClassCounts{});
  buckets_[index][static_cast<std::size_t>(c)] += 1;
}

nlohmann::json Timeline::to_json() const {
  nlohmann::json buckets = nlohmann::json::array();
  for (std::size_t i = 0; i < buckets_.size(); ++i) {
    nlohmann::json classes = nlohmann::json::object();
    for (std::size_t k = 0; k < buckets_[i].size(); ++k) {
      if (buckets_[i][k] > 0) classes[std::string(to_string(kAllDivergenceClasses[k]))] = buckets_[i][k];
    }
    if (classes.empty()) continue;
    buckets.push_back({{"first_sequence", i * width_}, {"last_sequence", (i + 1) * width_ - 1}, {"classes", classes}});
  }
  nlohmann::json timeline = {{"bucket_width", width_}, {"buckets", buckets}};
  if (migrate_during_) {
    const std::optional<std::uint64_t> first = statements_during_ > 0 ? first_during_ : first_after_;
    const std::optional<std::uint64_t> last = statements_during_ > 0 ? last_during_ : first_after_;
    timeline["migration"] = {{"statements_during", statements_during_},
                             {"first_sequence", first ? nlohmann::json(*first) : nlohmann::json(nullptr)},
                             {"last_sequence", last ? nlohmann::json(*last) : nlohmann::json(nullptr)}};
  }
  return timeline;
}

}  // namespace pgshadow::report
