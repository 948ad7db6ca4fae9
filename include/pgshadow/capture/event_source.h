#pragma once
// The provider side of capture (pgreplay's provider/consumer split): replay pulls Events one
// at a time, in capture order, so memory does not grow with the size of the input.
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "pgshadow/core/event.h"
#include "pgshadow/util/input_problems.h"
#include "pgshadow/util/result.h"

namespace pgshadow::capture {

// How every input line was used. Invariant once a source is exhausted:
//   lines_read == lines_in_events + lines_not_statements + problems.total()
// (a line that belongs to an event is counted once, however many lines the event spans).
struct InputAccounting {
  std::uint64_t lines_read = 0;
  std::uint64_t lines_in_events = 0;
  std::uint64_t lines_not_statements = 0;  // known non-statement lines: connections, checkpoints...
  std::uint64_t events = 0;
  std::map<std::string, std::uint64_t> not_statement_by_kind;  // "connection", "checkpoint", ...

  // Records that look like statements (a statement, execute or failed-statement record, or a
  // line that carries one but not the log_line_prefix) and could not be used, by problem
  // reason, with the first place each reason was met: what check_capture_quality weighs
  // (capture_quality.h). Each is also one of the problems.
  struct UnusableStatements {
    std::uint64_t count = 0;
    SourceLocation first;
    std::string first_detail;
  };
  std::map<std::string, UnusableStatements> unusable_statements;
  // How each time zone text of the log's times was read: "CET" -> "+01:00 (Europe/Berlin,
  // --log-timezone)", or "+01:00 (the default table: ...)".
  std::map<std::string, std::string> time_zones;

  std::uint64_t unusable_statement_count() const;
  void add_unusable_statement(const SourceLocation& where, const std::string& reason, const std::string& detail);
  // Adds another input's figures (a merge of inputs, or the next file of one input).
  void add(const InputAccounting& other);
};

// How far through its input bytes a source has read (compressed bytes for gzip files), for
// progress and the time left.
struct ReadProgress {
  std::uint64_t bytes_read = 0;
  std::uint64_t bytes_total = 0;
};

class EventSource {
 public:
  virtual ~EventSource() = default;

  // The next event in capture order (Event::sequence is gapless from 0), or nullopt at the end.
  // A malformed line goes to problems() and reading continues. An Error only for failures that
  // make going on pointless (a file that vanished, an I/O error), naming the file.
  virtual Result<std::optional<Event>> next() = 0;

  virtual const InputAccounting& accounting() const = 0;
  virtual const InputProblems& problems() const = 0;
  // Human description of what is being read, e.g. "csvlog: 3 files in traffic/".
  virtual std::string description() const = 0;
  // nullopt when the size is unknown (standard input).
  virtual std::optional<ReadProgress> read_progress() const { return std::nullopt; }
};

// Opens one or more capture inputs (docs/capture-format.md, "Input formats"): canonical capture
// files, PostgreSQL csvlog, jsonlog, stderr and syslog (rsyslog's files) logs, each told by its
// content, not its name, plain or gzip, bzip2 or xz (told by their first bytes), LF or CRLF;
// standard input ("-"); directories and glob patterns of rotated files (read in the order of
// their first timestamp, not their names; where the server wrote several formats side by side,
// only the most structured is read).
// Several inputs are merged by start time, ties kept in input order.
// Errors: a path that does not exist, a pattern matching nothing, a file that is no log by its
// content nor its name, a directory without log or capture files, a stderr log whose prefix
// cannot be guessed (or fits several prefixes), an unreadable settings file, an unknown zone name.
// How to read stderr logs: the server's log_line_prefix, given or read from a settings file
// (postgresql.conf, `SHOW log_line_prefix` or `postgres -C log_line_prefix` output); neither:
// derived from the lines (stderr_prefix_guess.h), and the description says what was guessed.
// Time zones: the zone after each log time ("CET", "+03", "UTC") is read with the server's
// log_timezone when it is known (log_timezone, or log_timezone in the settings file and the
// postgresql.auto.conf beside it), else with a table of common abbreviations (log_time_zone.h);
// a time whose zone cannot be read is a problem with reason "time zone not known".
struct CaptureReadOptions {
  std::optional<std::string> log_line_prefix;
  std::string log_settings_file;
  std::optional<std::string> log_timezone;  // an IANA name, e.g. Europe/Berlin
};

Result<std::unique_ptr<EventSource>> open_capture(const std::vector<std::string>& paths,
                                                  const CaptureReadOptions& options = {});

}  // namespace pgshadow::capture
