#pragma once
// The rule that a run which compared nothing never ends in "safe" (issues 11 and 13), for what
// the capture check (capture_quality.h) cannot see before the replay: events that were read and
// kept, but every one of them skipped.
#include "pgshadow/replay/replay.h"
#include "pgshadow/util/result.h"

namespace pgshadow::cli {

// Error (kBadInput) when the replay compared no statement and none failed on a server (failures
// are the infrastructure's exit status): "nothing was compared: all N events were skipped ...".
Status check_something_compared(const replay::ReplaySummary& summary);

}  // namespace pgshadow::cli
