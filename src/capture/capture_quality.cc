#include "pgshadow/capture/capture_quality.h"

#include <cstdio>

namespace pgshadow::capture {
namespace {

std::string percent(double share) {
  char text[32];
  std::snprintf(text, sizeof text, "%.1f%%", share * 100.0);
  return text;
}

std::string plural(std::uint64_t n, const char* one, const char* many) {
  return std::to_string(n) + " " + (n == 1 ? one : many);
}

// "the main reason: time zone not known (812 records, the first at FILE:LINE: DETAIL)"
std::string main_unusable_reason(const InputAccounting& accounting) {
  const InputAccounting::UnusableStatements* main = nullptr;
  const std::string* reason = nullptr;
  for (const auto& [name, unusable] : accounting.unusable_statements) {
    if (main == nullptr || unusable.count > main->count) main = &unusable, reason = &name;
  }
  if (main == nullptr) return {};
  return "the main reason: " + *reason + " (" + plural(main->count, "record", "records") + ", the first at " +
         main->first.to_string() + ": " + main->first_detail + ")";
}

// The same for lines that do not look like statements, from the problems kept in full.
std::string main_problem(const InputProblems& problems) {
  const std::pair<const std::string, std::uint64_t>* main = nullptr;
  for (const auto& entry : problems.count_by_reason()) {
    if (main == nullptr || entry.second > main->second) main = &entry;
  }
  if (main == nullptr) return {};
  std::string text = "the main reason: " + main->first + " (" + plural(main->second, "line", "lines");
  for (const InputProblem& problem : problems.kept()) {
    if (problem.reason == main->first) {
      text += ", the first at " + problem.where.to_string() + ": " + problem.detail;
      break;
    }
  }
  return text + ")";
}

std::string filtered_summary(const std::map<std::string, std::uint64_t>& by_reason) {
  std::string text;
  for (const auto& [reason, count] : by_reason) {
    if (!text.empty()) text += ", ";
    text += std::to_string(count) + " " + reason;
  }
  return text;
}

}  // namespace

Status check_capture_quality(const CaptureReadFigures& figures, double max_unusable_share) {
  const InputAccounting& accounting = figures.accounting;
  const std::uint64_t unusable = accounting.unusable_statement_count();
  const std::uint64_t read = accounting.events;
  if (figures.events_kept == 0) {
    std::string why;
    if (read > 0) {
      why = "nothing to compare: the filters left out all " + plural(read, "event", "events") + " of the capture";
      if (figures.filtered_by_reason != nullptr) why += " (" + filtered_summary(*figures.filtered_by_reason) + ")";
    } else if (unusable > 0) {
      why = "no statement could be read from the capture: " + plural(unusable, "statement record", "statement records") +
            " could not be used; " + main_unusable_reason(accounting);
    } else if (figures.problems.total() > 0) {
      why = "no statement could be read from the capture: " +
            plural(figures.problems.total(), "line", "lines") + " could not be used; " + main_problem(figures.problems);
    } else if (accounting.lines_read == 0) {
      why = "the capture is empty: no line was read from " + figures.description;
    } else {
      why = "no statement in the capture: its " + plural(accounting.lines_read, "line is", "lines are") +
            " other messages (connections, checkpoints, ...); the server logs statements with "
            "log_statement = 'all' or log_min_duration_statement = 0";
    }
    return Error::bad_input(why);
  }
  const double share = static_cast<double>(unusable) / static_cast<double>(unusable + read);
  if (unusable > 0 && share > max_unusable_share) {
    return Error::bad_input(plural(unusable, "statement record", "statement records") + " of " +
                            std::to_string(unusable + read) + " (" + percent(share) +
                            ") could not be used, more than --max-unusable allows (" + percent(max_unusable_share) +
                            "); " + main_unusable_reason(accounting));
  }
  return Status::success();
}

}  // namespace pgshadow::capture
