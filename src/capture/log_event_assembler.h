#pragma once
// Turns server log records (LogRecord: csvlog, jsonlog or stderr, the format does not matter
// here) into Events. The server logs what one statement did over several
// records: the statement line (log_statement), then maybe a bare "duration:" line
// (log_min_duration_statement) or an ERROR record with its SQLSTATE — or, with
// log_min_duration_statement alone, one "duration: ... statement:" line after the fact, or only
// the ERROR record when it failed. Records of concurrent sessions interleave.
//
// So an event stays open until the next statement (or disconnection) of its session, or the end
// of input, and a reorder buffer releases events in the order of their first record with every
// earlier one finished. The buffer holds the events logged since the oldest still-open one: in
// practice a few per concurrent session. An idle session could hold it back indefinitely, so past
// max_buffered_events the oldest event is released as it stands (its outcome is then what was
// known; a late ERROR for it becomes an event of its own).
//
// Bare "duration:" records of the Parse and Bind steps (log_duration with log_statement) are a
// kind of their own ("parse_bind_duration", told by the command tag PARSE/BIND; without a tag,
// a bare duration no statement waits for is "duration_without_statement"): they carry no SQL.
// A failed extended-protocol statement logged only as its ERROR takes its parameters from
// "CONTEXT: unnamed portal with parameters: ..." (log_parameter_max_length_on_error). A bound
// value cut by log_parameter_max_length (it ends in "...") sets Event::parameters_truncated.
//
// Every record passed to add() is accounted exactly once: in an event, as a non-statement of a
// kind, or as a problem. Not thread-safe; borrows the problem sink and the accounting.
#include <cstddef>
#include <cstdint>
#include <deque>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "log_message.h"
#include "log_time_zone.h"
#include "log_record.h"
#include "pgshadow/capture/event_source.h"
#include "pgshadow/core/event.h"

namespace pgshadow::capture {

// What is known of how the server wrote its log, beyond the records themselves: its
// log_timezone (how the times' zones are read) and its log_parameter_max_length (whether a bound
// value ending in "..." was cut). Owned by the capture being read; borrowed by its readers.
struct ServerLogSettings {
  LogTimeZone time_zone;                        // default: the table of common abbreviations
  std::optional<int> log_parameter_max_length;  // nullopt: not known; -1: values never cut
};

// The settings when nothing is known (the default table, cut values told by their "...").
const ServerLogSettings& unknown_server_log_settings();

class LogEventAssembler {
 public:
  static constexpr std::size_t kDefaultMaxBufferedEvents = 100'000;

  LogEventAssembler(InputProblems& problems, InputAccounting& accounting,
                    const ServerLogSettings& settings = unknown_server_log_settings(),
                    std::size_t max_buffered_events = kDefaultMaxBufferedEvents);

  // One well-formed record; `where` is its file and first physical line. The record's views need
  // only live for the call: the assembler copies what it keeps.
  void add(const LogRecord& record, const SourceLocation& where);
  // End of input: every open event is finished.
  void finish_all();
  // The oldest event, once it and all before it are finished. Event::sequence is left at 0.
  std::optional<Event> pop_finished();

 private:
  struct Slot {
    Event event;
    bool finished = false;
  };
  // The last "bind" line of a session (logged with log_min_duration_statement): the parameters
  // of an Execute that then fails and is logged only as an ERROR record.
  struct LastBind {
    std::string sql;
    std::string statement_name;
    std::vector<ParameterValue> parameters;
  };
  struct SessionState {
    std::optional<std::uint64_t> open;  // position of the session's open event in the buffer
    bool awaiting_duration = false;     // its statement line was logged before it ran
    std::optional<LastBind> last_bind;
  };

  void add_log_message(const LogRecord& record, const SourceLocation& where);
  void add_error(const LogRecord& record, const SourceLocation& where);
  void begin_statement(const LogRecord& record, const SourceLocation& where,
                       const LogMessage& message);
  void attach_fetch(const LogRecord& record, const SourceLocation& where,
                    const LogMessage& message);
  void attach_duration(const LogRecord& record, double duration_ms);
  void remember_bind(const LogRecord& record, const SourceLocation& where,
                     const LogMessage& message);

  // An event with the record's session, user, database, application, time and location; nullopt
  // (and a problem reported) when the record's log_time cannot be read.
  std::optional<Event> event_from(const LogRecord& record, const SourceLocation& where);
  void open_event(SessionState& session, Event event);
  Event* open_event_of(SessionState& session);
  void finish_open_event(SessionState& session);
  // The session's state, created on first use.
  SessionState& session_of(std::string_view session_id);
  void count_not_statement(std::string_view kind);
  void count_in_event() { ++accounting_.lines_in_events; }
  // A record that carried a statement and cannot be used: a problem, and weighed by the
  // capture quality check.
  void report_unusable_statement(const SourceLocation& where, std::string_view reason, std::string detail);
  // Parameters of a DETAIL or CONTEXT, marking the event when a value was cut by
  // log_parameter_max_length; false (and reported) when the text does not parse.
  bool take_parameters(std::optional<std::vector<ParameterValue>> parsed, const SourceLocation& where,
                       std::string_view text, Event& event);

  InputProblems& problems_;
  InputAccounting& accounting_;
  const ServerLogSettings& settings_;
  LogTimeReader time_reader_;
  std::size_t max_buffered_events_;
  std::deque<Slot> buffer_;
  std::uint64_t buffer_base_ = 0;  // position of buffer_.front()
  // Looked up by the record's string_view without a copy (heterogeneous lookup).
  struct SessionIdHash {
    using is_transparent = void;
    std::size_t operator()(std::string_view id) const { return std::hash<std::string_view>{}(id); }
  };
  std::unordered_map<std::string, SessionState, SessionIdHash, std::equal_to<>> sessions_;
};

}  // namespace pgshadow::capture
