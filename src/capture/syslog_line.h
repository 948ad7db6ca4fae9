#pragma once
// One line of a file rsyslog wrote from PostgreSQL's syslog records (log_destination =
// 'syslog'), in rsyslog's file formats: the traditional "Dec  1 09:28:01 HOST postgres[PID]: "
// or the RFC 3339 "2026-12-01T09:28:01.531+01:00 HOST postgres[PID]: ", then the server's
// record: "[SEQ-PART] " (syslog_sequence_numbers and syslog_split_messages, the defaults),
// "[SEQ] " (a record not split), "[PART] " (no sequence numbers) or nothing, and the text the
// server would have written to stderr, log_line_prefix included.
//
// The server splits a message into records at each newline (dropping the newline; the next line
// starts with the tab it writes after every newline) and at 900 bytes (at a word boundary); rsyslog
// writes control characters as "#ooo" (the tab as "#011"). So a part after the first that starts
// with a tab is the next line of the message, and one that does not continues the same line.
// Pure functions; thread-safe.
#include <cstdint>
#include <deque>
#include <unordered_map>
#include <string>
#include <string_view>

namespace pgshadow::capture {

// Owns its text: records wait in SyslogRecordOrder after the line they came from is gone.
struct SyslogLine {
  std::string program;  // "postgres" (syslog_ident)
  std::string pid;
  std::string rfc3339_time;  // empty for the traditional format (no year, no zone)
  std::uint64_t sequence = 0;     // 0 when the server did not number its records
  int part = 0;                   // 0 when the record was not split
  std::string text;               // the record's text, rsyslog's "#ooo" escapes undone
};

// False when `line` does not start with a syslog header.
bool parse_syslog_line(std::string_view line, SyslogLine& out);

// Whether `line` starts like a line rsyslog writes (for telling a file's format by its content).
bool looks_like_syslog(std::string_view line);

// "2026-12-01T09:28:01.531+01:00" as a log time "2026-12-01 09:28:01.531 +01:00".
std::string log_time_of_rfc3339(std::string_view time);

// The records of one message (one process, one sequence number: the message line and its
// DETAIL, STATEMENT... lines, each maybe split) are written by the server one after the other,
// but rsyslog receives the records of concurrent processes interleaved. So records are grouped
// by process and sequence number and given back group by group, in the order of each group's
// first record. A group is complete when its process starts its next message, when
// kMaxLinesApart lines have passed since its last record, or at the end of input; a record that
// cannot be parsed is a group of its own. Memory: the groups of the last kMaxLinesApart lines.
// Not thread-safe.
class SyslogRecordOrder {
 public:
  static constexpr std::uint64_t kMaxLinesApart = 1000;

  struct Record {
    SyslogLine line;
    bool parsed = false;
    std::string raw;          // the line as read, when it could not be parsed
    std::uint64_t number = 0;  // physical line
  };

  void add(std::string_view physical, std::uint64_t number);
  void finish() { finished_ = true; }
  // The next record in order, once its group is complete; false when none is ready.
  bool pop(Record& out);
  bool empty() const { return groups_.empty(); }

 private:
  struct Group {
    std::string pid;
    std::uint64_t sequence = 0;
    std::deque<Record> records;
    bool complete = false;
    std::uint64_t last_number = 0;
    std::uint64_t id = 0;
  };
  Group* open_group_of(const std::string& pid);

  std::deque<Group> groups_;
  std::unordered_map<std::string, std::uint64_t> open_by_pid_;  // pid -> Group::id
  std::uint64_t next_id_ = 0;
  std::uint64_t last_number_ = 0;
  bool finished_ = false;
};

}  // namespace pgshadow::capture
