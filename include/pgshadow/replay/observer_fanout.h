#pragma once
// Hands every replay notification to several observers, in the order they were added: the
// judge, the metrics, the progress display each see every event.
#include <vector>

#include "pgshadow/replay/replay.h"

namespace pgshadow::replay {

class ObserverFanout final : public ReplayObserver {
 public:
  // The observer must outlive the fan-out.
  void add(ReplayObserver& observer) { observers_.push_back(&observer); }

  void on_compared(const ComparedStatement& statement) override;
  void on_skipped(const Event& event, const std::string& reason) override;
  void on_failed(const Event& event, const std::string& reason) override;
  void on_not_replayed(const Event& event) override;
  void on_progress(const ReplayProgress& progress) override;

 private:
  std::vector<ReplayObserver*> observers_;
};

}  // namespace pgshadow::replay
