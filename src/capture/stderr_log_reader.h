#pragma once
// Logical messages of a PostgreSQL stderr log: one prefixed "SEVERITY:  text" line, the
// continuation lines of its text (the server writes a tab after every newline inside a
// message), and the secondary lines it wrote with it (DETAIL:, HINT:, CONTEXT:, STATEMENT:,
// LOCATION:, QUERY:, BACKTRACE:, each with the same prefix). The server writes one message in
// one piece (the logging collector reassembles chunks per process; without it, one write), so
// a message's lines are adjacent even when sessions interleave.
//
// Every physical line is accounted for: a line of a message that is returned (message.lines
// says how many), or a problem reported here: a line without the prefix, a continuation or
// secondary line without a message, a line too long, or a message cut by the end of the file
// (the truncated last line of a file being written or half-copied). Not thread-safe; borrows
// the stream, the prefix and the problem sink.
#include <cstdint>
#include <istream>
#include <string>

#include "pgshadow/capture/event_source.h"
#include "pgshadow/util/input_problems.h"
#include "stderr_line_prefix.h"
#include "stderr_line_reader.h"
#include "syslog_line.h"

namespace pgshadow::capture {

// Owns its text: the reader reuses the buffers of the message passed to next().
struct StderrMessage {
  std::string log_time;  // as parse_log_time reads it (from %m, else %n converted, else %t)
  std::string user;      // %u ("[unknown]" is empty)
  std::string database;  // %d
  std::string application;  // %a
  std::string pid;          // %p
  std::string session_id;   // %c
  std::string command_tag;  // %i
  std::string sql_state;    // %e, else the "XXXXX: " of log_error_verbosity=verbose, else empty
  std::string severity;     // LOG, ERROR, ...
  std::string text;         // the message text (continuations joined with '\n', their tab removed)
  std::string detail;       // DETAIL:
  std::string query;        // STATEMENT:
  std::string context;      // CONTEXT:
  bool has_location = false;  // a LOCATION: line came with it (log_error_verbosity=verbose)
  std::uint64_t first_line = 0;
  std::uint64_t lines = 0;  // physical lines of the message, all of them
};

class StderrLogReader {
 public:
  // `syslog`: the file is rsyslog's (syslog_line.h): each line is unwrapped, and the parts of a
  // record the server split are joined again.
  // `statements`, when given, also counts the lines without the prefix that carry a statement
  // (capture_quality.h weighs them).
  StderrLogReader(std::istream& in, std::string file, const LinePrefix& prefix, InputProblems& problems,
                  bool syslog = false, InputAccounting* statements = nullptr);

  // The next message; false at the end of the file. I/O errors propagate as the stream's exceptions.
  bool next(StderrMessage& message);
  std::uint64_t lines_read() const { return lines_.line_number(); }
  const std::string& file() const { return file_; }

 private:
  // Consumes one physical line; true when it completed the current message into `done`.
  bool take_line(std::string_view line, StderrMessage& done);
  // A CRLF file's "\r" (the file's first line decides: a "\r" in a statement of an LF file stays).
  void strip_crlf(std::string_view& line);
  bool next_from_syslog(StderrMessage& message);
  // One record of a syslog file, in the order SyslogRecordOrder gives them.
  bool take_syslog_record(const SyslogRecordOrder::Record& record, StderrMessage& done);
  void report_too_long();
  void mark_if_truncated();
  void start_message();  // from fields_
  void add_secondary(std::string_view line);
  void add_continuation(std::string_view line);
  void add_continuation_text(std::string_view text);
  // Hands the current message over (false and reported when it cannot be used).
  bool complete(StderrMessage& done);
  void report_line(std::uint64_t line, std::string reason, std::string detail);

  StderrLineReader lines_;
  std::string file_;
  const LinePrefix& prefix_;
  InputProblems& problems_;
  PrefixFields fields_;
  StderrMessage current_;
  bool has_current_ = false;
  std::string* open_field_ = nullptr;  // where continuation lines go; null: a part not kept
  std::string unusable_reason_;        // non-empty: the current message is reported, not returned
  bool syslog_ = false;
  InputAccounting* statements_ = nullptr;
  bool crlf_ = false;                  // the file's first line ended in "\r\n": every line does
  bool first_line_seen_ = false;
  std::uint64_t line_number_ = 0;      // physical line being taken
  SyslogRecordOrder order_;
  bool input_done_ = false;
  std::uint64_t unterminated_line_ = 0;  // syslog: the file's last line, when it had no newline
  std::string syslog_pid_;             // of the line being taken, for a prefix without %p
  std::string syslog_time_;            // its RFC 3339 time, for a prefix without a time
};

}  // namespace pgshadow::capture
