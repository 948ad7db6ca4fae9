#pragma once
// The one line a long replay shows on stderr: events, rate, ETA (when the share of the input
// read is known) and the verdict so far. Pure formatting, thread-safe; the display that decides
// when to print it lives in src/cli/progress_display.
#include <string>

#include "pgshadow/core/verdict.h"
#include "pgshadow/replay/replay.h"

namespace pgshadow::report {

// "12,345 events (1,234/s), 42% read, ETA 1m05s, 12,000 compared, verdict so far: breaking"
std::string format_progress(const replay::ReplayProgress& progress, Verdict verdict_so_far);

// "1m05s", "2h03m", "9s".
std::string format_duration(double seconds);

}  // namespace pgshadow::report
