// Placeholder until the metrics module lands: no server, no metrics.
#include "observability.h"

namespace pgshadow::cli {
namespace {

class NoObservability final : public RunObservability, private replay::ReplayObserver {
 public:
  replay::ReplayObserver& observer() override { return *this; }
  void finish(int) override {}

 private:
  void on_compared(const replay::ComparedStatement&) override {}
  void on_skipped(const Event&, const std::string&) override {}
  void on_failed(const Event&, const std::string&) override {}
};

}  // namespace

void add_observability_options(CLI::App&, ObservabilityOptions&) {}

Result<std::unique_ptr<RunObservability>> RunObservability::start(const ObservabilityOptions&,
                                                                  const report::RunDescription&,
                                                                  const judge::FindingsBook&) {
  return std::unique_ptr<RunObservability>(std::make_unique<NoObservability>());
}

}  // namespace pgshadow::cli
