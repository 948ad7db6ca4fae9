#include "pgshadow/report/progress_line.h"

#include <cmath>
#include <cstdio>

namespace pgshadow::report {
namespace {

std::string grouped(std::uint64_t n) {
  std::string digits = std::to_string(n);
  for (int i = static_cast<int>(digits.size()) - 3; i > 0; i -= 3) digits.insert(static_cast<std::size_t>(i), ",");
  return digits;
}

}  // namespace

std::string format_duration(double seconds) {
  const auto total = static_cast<long long>(std::llround(std::max(0.0, seconds)));
  char text[32];
  if (total >= 3600) {
    std::snprintf(text, sizeof text, "%lldh%02lldm", total / 3600, total % 3600 / 60);
  } else if (total >= 60) {
    std::snprintf(text, sizeof text, "%lldm%02llds", total / 60, total % 60);
  } else {
    std::snprintf(text, sizeof text, "%llds", total);
  }
  return text;
}

std::string format_progress(const replay::ReplayProgress& progress, Verdict verdict_so_far) {
  std::string line = grouped(progress.events) + " events";
  if (progress.wall_seconds > 0) {
    const double rate = static_cast<double>(progress.events) / progress.wall_seconds;
    line += " (" + grouped(static_cast<std::uint64_t>(std::llround(rate))) + "/s)";
  }
  if (progress.input_fraction >= 0) {
    line += ", " + std::to_string(static_cast<int>(std::floor(progress.input_fraction * 100))) + "% read";
    if (progress.final) {
      line += ", done in " + format_duration(progress.wall_seconds);
    } else if (progress.input_fraction > 0 && progress.wall_seconds > 0) {
      const double remaining = progress.wall_seconds * (1 - progress.input_fraction) / progress.input_fraction;
      line += ", ETA " + format_duration(remaining);
    }
  } else if (progress.final) {
    line += ", done in " + format_duration(progress.wall_seconds);
  }
  line += ", " + grouped(progress.compared) + " compared";
  if (progress.failed > 0) line += ", " + grouped(progress.failed) + " failed";
  line += ", verdict so far: " + std::string(to_string(verdict_so_far));
  return line;
}

}  // namespace pgshadow::report
