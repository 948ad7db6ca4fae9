#pragma once
// How every subcommand ends on an Error: its message on standard error, and the exit status
// its kind stands for (2 bad input, 3 infrastructure, 128 + the signal when interrupted).
#include <string_view>

#include "pgshadow/util/result.h"

namespace pgshadow::cli {

// Prints "WHO: MESSAGE" ("pgshadow: ...", "pgshadow: merge: ...") and returns the status.
int exit_status_for(const Error& error, std::string_view who = "pgshadow");

}  // namespace pgshadow::cli
