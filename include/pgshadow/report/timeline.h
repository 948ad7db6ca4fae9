#pragma once
// Classes over the replay: how many statements of each class were compared in each stretch of
// the capture (by event sequence), for the HTML report's chart. Bounded: at most kMaxBuckets
// buckets whatever the capture's size (buckets widen by doubling and merge pairwise). A
// ReplayObserver the CLI adds beside the FindingsBook; called from the replay thread only,
// not thread-safe.
#include <array>
#include <cstdint>
#include <optional>
#include <vector>

#include <nlohmann/json.hpp>

#include "pgshadow/core/divergence_class.h"
#include "pgshadow/replay/replay.h"

namespace pgshadow::report {

class Timeline final : public replay::ReplayObserver {
 public:
  static constexpr std::size_t kMaxBuckets = 100;
  using ClassCounts = std::array<std::uint64_t, std::size(kAllDivergenceClasses)>;

  void on_compared(const replay::ComparedStatement& statement) override;
  void on_skipped(const Event&, const std::string&) override {}
  void on_failed(const Event&, const std::string&) override {}

  // Counts one statement of class `c` at capture position `sequence` (the observer's core).
  void add(std::uint64_t sequence, DivergenceClass c);
  // Where a statement stood against a --migrate-during migration: the window's bounds.
  void note_phase(std::uint64_t sequence, replay::MigrationPhase phase);

  // {"bucket_width": W, "buckets": [{"first_sequence", "last_sequence", "classes": {...}}]}
  // with only the classes seen in each bucket; buckets with no statement are left out. With
  // --migrate-during also "migration": {"statements_during": N, "first_sequence", "last_sequence"}:
  // the sequences sent while it ran, or, when none was, the first one sent after it (both
  // bounds; null when the migration ran after the traffic).
  nlohmann::json to_json() const;
  std::uint64_t bucket_width() const { return width_; }

 private:
  std::uint64_t width_ = 1;  // sequences per bucket; bucket i holds [i*W, (i+1)*W)
  std::vector<ClassCounts> buckets_;
  bool migrate_during_ = false;
  std::uint64_t statements_during_ = 0;
  std::optional<std::uint64_t> first_during_;
  std::optional<std::uint64_t> last_during_;
  std::optional<std::uint64_t> first_after_;
};

}  // namespace pgshadow::report
