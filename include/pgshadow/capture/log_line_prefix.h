#pragma once
// Checking a log_line_prefix the user gives (--log-line-prefix) before anything runs.
#include <string_view>

#include "pgshadow/util/result.h"

namespace pgshadow::capture {

// Every "%" starts one of PostgreSQL 15's escapes (%a %u %d %r %h %b %p %P %t %m %n %i %e %c %l
// %s %v %x %q %Q %%, with optional padding such as %-10u). The server prints nothing for an
// unknown escape, so "%z" or a dangling "%" is a typo that would make no line match: kBadInput
// naming the escape, e.g. "%z (at character 4) is not a log_line_prefix escape".
Status check_log_line_prefix(std::string_view prefix);

}  // namespace pgshadow::capture
