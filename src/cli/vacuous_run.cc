#include "vacuous_run.h"

#include <string>

namespace pgshadow::cli {

Status check_something_compared(const replay::ReplaySummary& summary) {
  if (summary.compared > 0 || summary.failed > 0) return Status::success();
  return Error::bad_input("nothing was compared: all " + std::to_string(summary.events) +
                          " events of the capture were skipped by the replay, none compared");
}

}  // namespace pgshadow::cli
