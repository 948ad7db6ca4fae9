#include "capture_command.h"

#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <optional>
#include <iostream>

#include "interrupt.h"
#include "output_file.h"
#include "path_arguments.h"
#include "pgshadow/capture/capture_writer.h"
#include "pgshadow/core/verdict.h"
#include "pgshadow/report/capture_stats.h"

namespace pgshadow::cli {
namespace {

// A one-line progress display on a terminal, for long inputs.
class Progress {
 public:
  explicit Progress(bool enabled) : enabled_(enabled) {}
  void update(const capture::InputAccounting& lines, std::uint64_t events) {
    if (!enabled_ || ++calls_ % 4096 != 0) return;
    const auto now = std::chrono::steady_clock::now();
    if (now - shown_at_ < std::chrono::milliseconds(250)) return;
    shown_at_ = now;
    const double seconds = std::chrono::duration<double>(now - started_).count();
    std::fprintf(stderr, "\r  reading: %llu lines, %llu events, %.0f lines/s   ",
                 static_cast<unsigned long long>(lines.lines_read), static_cast<unsigned long long>(events),
                 static_cast<double>(lines.lines_read) / seconds);
    std::fflush(stderr);
    shown_ = true;
  }
  ~Progress() {
    if (shown_) std::fprintf(stderr, "\r%60s\r", "");
  }

 private:
  bool enabled_;
  bool shown_ = false;
  std::uint64_t calls_ = 0;
  std::chrono::steady_clock::time_point started_ = std::chrono::steady_clock::now();
  std::chrono::steady_clock::time_point shown_at_ = started_;
};

int fail(const Error& error) {
  std::cerr << "pgshadow: " << error.message << "\n";
  return static_cast<int>(error.kind == ErrorKind::kBadInput ? ExitCode::kBadInput : ExitCode::kInfrastructure);
}

}  // namespace

void add_capture_command(CLI::App& app, CaptureOptions& options) {
  CLI::App* command = app.add_subcommand(
      "capture",
      "Read PostgreSQL logs (csvlog, or pgshadow captures) and write the canonical capture\n"
      "(JSON Lines, docs/capture-format.md), or describe what they hold.\n\n"
      "  pgshadow capture LOGS... -o capture.jsonl\n"
      "  pgshadow capture LOGS... --stats [--json]");
  command->add_option("inputs", options.inputs, "Log files, directories of rotated files, or captures")
      ->required()->type_name("LOG");
  command->add_option("-o,--output", options.output, "Write the canonical capture here ('-': standard output)")
      ->type_name("FILE");
  command->add_flag("--stats", options.stats,
                    "Print what the input holds: sessions, statements by kind and protocol, production "
                    "errors, shapes, time span, and every line that could not be used");
  command->add_flag("--json", options.json, "With --stats: the same figures as JSON (docs/capture-format.md)");
  add_filter_options(*command, options.filters);
}

int run_capture(const CaptureOptions& options) {
  if (options.output.empty() && !options.stats) {
    return fail(Error::bad_input("capture needs -o FILE, --stats, or both"));
  }
  if (options.json && !options.stats) return fail(Error::bad_input("--json goes with --stats"));

  std::vector<FileIdentity> inputs;
  for (const std::string& path : options.inputs) {
    std::error_code ignored;
    const bool directory = std::filesystem::is_directory(path, ignored);
    if (Status s = check_input_path("capture", path, directory ? PathUse::kDirectory : PathUse::kFileOrStream); !s) {
      return fail(s.error());
    }
    auto identities = identities_of(path);
    inputs.insert(inputs.end(), identities.begin(), identities.end());
  }
  if (!options.filters.log_settings.empty()) {
    auto identities = identities_of(options.filters.log_settings);
    inputs.insert(inputs.end(), identities.begin(), identities.end());
  }
  // Checked before reading: the output must not be one of the inputs (it would be wiped).
  std::optional<OutputFile> file;
  if (!options.output.empty() && options.output != "-") {
    auto prepared = OutputFile::prepare("-o", options.output, inputs);
    if (!prepared) return fail(prepared.error());
    file.emplace(std::move(*prepared));
  }
  const capture::FilteredEventSource* filtered = nullptr;
  auto source = open_filtered_capture(options.inputs, options.filters, &filtered);
  if (!source) return fail(source.error());

  std::ostream* out = nullptr;
  if (options.output == "-") {
    out = &std::cout;
  } else if (file) {
    auto opened = file->open();
    if (!opened) return fail(opened.error());
    out = *opened;
  }
  std::optional<capture::CaptureWriter> writer;
  if (out != nullptr) writer.emplace(*out);

  report::CaptureStatistics statistics;
  {
    Progress progress(isatty(STDERR_FILENO) != 0);
    for (;;) {
      if (interrupt_requested().load()) return fail(Error{ErrorKind::kInterrupted, "interrupted"});
      auto next = (*source)->next();
      if (!next) return fail(next.error());
      if (!next->has_value()) break;
      if (writer) writer->write(**next);
      if (options.stats) statistics.add(**next);
      progress.update((*source)->accounting(), statistics.statements());
    }
  }
  if (file) {
    if (Status written = file->commit(); !written) return fail(written.error());
  }

  std::ostream& summary = options.output == "-" ? std::cerr : std::cout;
  if (options.stats && options.json) {
    summary << statistics.to_json(**source, filtered).dump(2) << "\n";
  } else if (options.stats) {
    statistics.print(summary, **source, filtered);
  }
  if (!options.stats) {
    // Always say what was lost, even without --stats.
    const auto& problems = (*source)->problems();
    if (problems.total() > 0) {
      std::cerr << "pgshadow: " << problems.total() << " log lines could not be used";
      for (const auto& [reason, count] : problems.count_by_reason()) std::cerr << "; " << count << " " << reason;
      std::cerr << " (run with --stats for where)\n";
    }
  }
  return 0;
}

}  // namespace pgshadow::cli
