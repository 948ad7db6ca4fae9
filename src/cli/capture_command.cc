#include "capture_command.h"

#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <optional>

#include "exit_status.h"
#include "interrupt.h"
#include "output_file.h"
#include "path_arguments.h"
#include "pgshadow/capture/capture_quality.h"
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

// How the zones of the log's times were read: the reader must see a default-table reading of
// an ambiguous abbreviation (IST) to correct it with --log-timezone.
void print_time_zones(std::ostream& out, const capture::InputAccounting& accounting) {
  if (accounting.time_zones.empty()) return;
  out << "time zones of the log times:\n";
  for (const auto& [zone, how] : accounting.time_zones) out << "  " << zone << " read as " << how << "\n";
}

}  // namespace

void add_capture_command(CLI::App& app, CaptureOptions& options) {
  CLI::App* command = app.add_subcommand(
      "capture",
      "Read PostgreSQL logs and write the canonical capture (JSON Lines, docs/capture-format.md),\n"
      "or describe what they hold.\n\n"
      "  pgshadow capture LOGS... -o capture.jsonl\n"
      "  pgshadow capture LOGS... --stats [--json]\n\n"
      "Formats, told by the content, not the name: csvlog, jsonlog, stderr (any log_line_prefix),\n"
      "syslog as rsyslog writes it to a file, and pgshadow .jsonl captures; each plain, gzip, bzip2\n"
      "or xz, LF or CRLF. LOG is a file, a directory of rotated files (logrotate's .log.1,\n"
      ".log.2.gz too), a glob, or - for standard input.\n\n"
      "Times: UTC, numeric offsets and zone abbreviations (CET, CEST, MSK, EST, EDT, IST, ...),\n"
      "exact with --log-timezone or log_timezone in --log-settings, else by a table of common ones.\n\n"
      "A hosted service's log: give its prefix, e.g. Amazon RDS / Aurora:\n"
      "  pgshadow capture postgresql.log.2026-12-01-09 --log-line-prefix '%t:%r:%u@%d:[%p]:' --stats");
  command->footer(
      "Exit status:\n"
      "  0  read (and written with -o)\n"
      "  2  bad usage or input: no event could be read, or more than --max-unusable of the statement\n"
      "     records could not be used (the message names the main reason, its count and first\n"
      "     file:line; no -o file is put in place)\n"
      "  3  the output (-o, standard output) cannot be written\n"
      "  130/143  interrupted by SIGINT/SIGTERM (no -o file is put in place)\n");
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
    return exit_status_for(Error::bad_input("capture needs -o FILE, --stats, or both"));
  }
  if (options.json && !options.stats) return exit_status_for(Error::bad_input("--json goes with --stats"));

  std::vector<FileIdentity> inputs;
  for (const std::string& path : options.inputs) {
    std::error_code ignored;
    const bool directory = std::filesystem::is_directory(path, ignored);
    if (Status s = check_input_path("capture", path, directory ? PathUse::kDirectory : PathUse::kFileOrStream); !s) {
      return exit_status_for(s.error());
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
  if (!options.output.empty()) {
    auto prepared = OutputFile::prepare("-o", options.output, inputs);
    if (!prepared) return exit_status_for(prepared.error());
    file.emplace(std::move(*prepared));
  }
  const capture::FilteredEventSource* filtered = nullptr;
  // Unchecked: the capture quality is checked below, after --stats has shown what was read.
  auto source = open_filtered_capture(options.inputs, options.filters, &filtered, /*checked=*/false);
  if (!source) return exit_status_for(source.error());

  std::ostream* out = nullptr;
  if (file) {
    auto opened = file->open();
    if (!opened) return exit_status_for(opened.error());
    out = *opened;
  }
  std::optional<capture::CaptureWriter> writer;
  if (out != nullptr) writer.emplace(*out);

  report::CaptureStatistics statistics;
  std::uint64_t events = 0;  // kept by the filters
  {
    Progress progress(isatty(STDERR_FILENO) != 0);
    for (;;) {
      if (interrupt_requested().load()) return exit_status_for(Error{ErrorKind::kInterrupted, "interrupted"});
      auto next = (*source)->next();
      if (!next) return exit_status_for(next.error());
      if (!next->has_value()) break;
      ++events;
      if (writer) writer->write(**next);
      if (options.stats) statistics.add(**next);
      progress.update((*source)->accounting(), statistics.statements());
    }
  }
  // A capture with nothing to compare, or mostly unusable, is refused (exit 2), with its main
  // reason; its file is not put in place (a previous one stays as it was). Standard output has
  // had what was read already: the rest of it is written.
  const capture::CaptureReadFigures figures{(*source)->accounting(), (*source)->problems(), events,
                                            filtered != nullptr ? &filtered->filtered_by_reason() : nullptr,
                                            (*source)->description()};
  const Status quality = capture::check_capture_quality(figures, options.filters.max_unusable);
  if (file && (quality || file->is_standard_output())) {
    if (Status written = file->commit(); !written) return exit_status_for(written.error());
  }
  file.reset();  // a refused capture's temporary file is removed here

  std::ostream& summary = options.output == "-" ? std::cerr : std::cout;  // the capture has standard output
  if (options.stats && options.json) {
    nlohmann::json figures_json = statistics.to_json(**source, filtered);
    figures_json["time_zones"] = (*source)->accounting().time_zones;
    figures_json["capture_usable"] = quality.ok();
    if (!quality) figures_json["capture_refused_because"] = quality.error().message;
    summary << figures_json.dump(2) << "\n";
  } else if (options.stats) {
    statistics.print(summary, **source, filtered);
  }
  if (options.stats && !options.json) print_time_zones(summary, (*source)->accounting());
  if (!quality) return exit_status_for(quality.error());
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
