#include "pgshadow/replay/observer_fanout.h"

namespace pgshadow::replay {

void ObserverFanout::on_compared(const ComparedStatement& statement) {
  for (ReplayObserver* observer : observers_) observer->on_compared(statement);
}

void ObserverFanout::on_skipped(const Event& event, const std::string& reason) {
  for (ReplayObserver* observer : observers_) observer->on_skipped(event, reason);
}

void ObserverFanout::on_failed(const Event& event, const std::string& reason) {
  for (ReplayObserver* observer : observers_) observer->on_failed(event, reason);
}

void ObserverFanout::on_not_replayed(const Event& event) {
  for (ReplayObserver* observer : observers_) observer->on_not_replayed(event);
}

void ObserverFanout::on_progress(const ReplayProgress& progress) {
  for (ReplayObserver* observer : observers_) observer->on_progress(progress);
}

}  // namespace pgshadow::replay
