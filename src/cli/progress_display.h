#pragma once
// Progress of a long replay on stderr: on a terminal one line rewritten in place (about 4 times
// a second, as the replay reports); otherwise (CI logs) a plain line every ~10 s and at the end.
// Reads the FindingsBook for the verdict so far; called from the replay thread only.
#include <memory>
#include <ostream>

#include "pgshadow/judge/findings.h"
#include "pgshadow/replay/replay.h"

namespace pgshadow::cli {

std::unique_ptr<replay::ReplayObserver> make_progress_display(const judge::FindingsBook& findings, bool terminal,
                                                              std::ostream& out);

}  // namespace pgshadow::cli
