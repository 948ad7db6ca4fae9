#pragma once
// What the terminal pgshadow prints to accepts.
namespace pgshadow::cli {

// Colors only when asked for (no --no-color), on a terminal, and when neither NO_COLOR
// (https://no-color.org: set and not empty) nor TERM=dumb says no.
bool use_color(bool asked, int fd);

}  // namespace pgshadow::cli
