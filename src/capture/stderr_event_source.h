#pragma once
// Events from PostgreSQL stderr logs (log_destination = 'stderr', with or without the logging
// collector): each message is split by the log_line_prefix (stderr_line_prefix.h), grouped with
// its continuation and secondary lines (stderr_log_reader.h), given its session
// (stderr_sessions.h) and handed as a LogRecord to the LogEventAssembler shared with csvlog and
// jsonlog. Several files are one log cut by rotation, read one after the other through one
// assembler. Not thread-safe; borrows the problem sink.
//
// Accounting is in physical lines: a message of n lines that the assembler counts in an event
// (or as a non-statement of a kind) counts n there; one it cannot use is n problems.
#include <cstdint>
#include <istream>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "file_sequence.h"
#include "log_event_assembler.h"
#include "pgshadow/capture/event_source.h"
#include "replaying_streambuf.h"
#include "stderr_line_prefix.h"
#include "stderr_log_reader.h"
#include "stderr_sessions.h"

namespace pgshadow::capture {

// Where the log_line_prefix comes from, in this order of precedence.
struct StderrOptions {
  std::optional<std::string> log_line_prefix;  // given (--log-line-prefix); "" is the empty prefix
  std::string settings_file;                   // else read from this file (stderr_settings.h)
  // neither: guessed from the first lines of the first file (stderr_prefix_guess.h)
  bool syslog = false;  // the files are syslog files (rsyslog): each line is unwrapped first
};

class StderrEventSource final : public EventSource {
 public:
  // `files` in reading order; `first_opened`: files[0] already opened, whose first bytes
  // `first_taken` were already read from it (standard input, sampled to guess the prefix).
  StderrEventSource(std::vector<std::string> files, std::string description, LinePrefix prefix,
                    InputProblems& problems, const ServerLogSettings& settings, bool syslog = false,
                    std::unique_ptr<InputStream> first_opened = nullptr, std::string first_taken = {});

  Result<std::optional<Event>> next() override;
  const InputAccounting& accounting() const override { return accounting_; }
  const InputProblems& problems() const override { return problems_; }
  std::string description() const override { return description_; }
  std::optional<ReadProgress> read_progress() const override { return files_.read_progress(); }

  const std::string& log_line_prefix() const { return prefix_.text(); }

  // The log time of the first message of `file` read with `prefix`, for ordering rotated files;
  // nullopt when it has none.
  static std::optional<std::int64_t> first_timestamp(const std::string& file, const LinePrefix& prefix,
                                                     const LogTimeZone& zone, bool syslog = false);

 private:
  Status open_next_file();
  void add_message(const StderrMessage& message);

  FileSequence files_;
  std::string description_;
  LinePrefix prefix_;
  InputProblems& problems_;
  InputAccounting accounting_;
  InputAccounting record_accounting_;  // what the assembler made of the current message
  LogEventAssembler assembler_;
  StderrSessions sessions_;
  std::string first_taken_;  // replayed before the rest of files[0]
  std::unique_ptr<ReplayingStreambuf> replay_buffer_;
  std::unique_ptr<std::istream> replay_stream_;
  std::unique_ptr<StderrLogReader> reader_;  // null between files
  StderrMessage message_;
  std::uint64_t lines_of_closed_files_ = 0;
  bool input_ended_ = false;
  const ServerLogSettings& settings_;
  bool syslog_ = false;
};

// Opens a stderr log: `files` in reading order (rotated files oldest first), `description` as
// for the other formats ("stderr: 3 files in DIR"); the prefix and how it was found are
// appended to it, e.g. " (guessed log_line_prefix '%m [%p] ')".
// Errors (kBadInput): the settings file cannot be read or holds no log_line_prefix; nothing
// given and no common prefix fits: "FILE:1: no known log_line_prefix matches this log; give
// --log-line-prefix. First line: ..."; files[0] cannot be opened.
Result<std::unique_ptr<StderrEventSource>> open_stderr_log(std::vector<std::string> files,
                                                           std::string description,
                                                           const StderrOptions& options,
                                                           InputProblems& problems,
                                                           const ServerLogSettings& settings,
                                                           std::unique_ptr<InputStream> first_opened = nullptr);

// The same, standing alone: owns its problem sink and numbers the events (a MergedEventSource
// of one input).
Result<std::unique_ptr<EventSource>> open_stderr_log(const std::vector<std::string>& files,
                                                     const StderrOptions& options);

}  // namespace pgshadow::capture
