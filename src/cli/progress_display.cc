#include "progress_display.h"

#include "pgshadow/report/progress_line.h"

namespace pgshadow::cli {
namespace {

constexpr double kPlainInterval = 10.0;  // seconds between plain lines: readable CI logs

class ProgressDisplay final : public replay::ReplayObserver {
 public:
  ProgressDisplay(const judge::FindingsBook& findings, bool terminal, std::ostream& out)
      : findings_(findings), terminal_(terminal), out_(out) {}

  void on_compared(const replay::ComparedStatement&) override {}
  void on_skipped(const Event&, const std::string&) override {}
  void on_failed(const Event&, const std::string&) override {}

  void on_progress(const replay::ReplayProgress& progress) override {
    const std::string line = "pgshadow: " + report::format_progress(progress, findings_.verdict());
    if (terminal_) {
      // \r and "erase to end of line": the line is rewritten in place, never scrolls.
      out_ << "\r" << line << "\033[K" << (progress.final ? "\n" : "") << std::flush;
      return;
    }
    // A short run prints nothing; a long one ends with its final line.
    if (progress.final ? printed_ : progress.wall_seconds >= next_plain_) {
      out_ << line << "\n" << std::flush;
      printed_ = true;
      next_plain_ = progress.wall_seconds + kPlainInterval;
    }
  }

 private:
  const judge::FindingsBook& findings_;
  bool terminal_;
  std::ostream& out_;
  double next_plain_ = kPlainInterval;  // the first line after 10 s: short runs stay quiet
  bool printed_ = false;
};

}  // namespace

std::unique_ptr<replay::ReplayObserver> make_progress_display(const judge::FindingsBook& findings, bool terminal,
                                                              std::ostream& out) {
  return std::make_unique<ProgressDisplay>(findings, terminal, out);
}

}  // namespace pgshadow::cli
