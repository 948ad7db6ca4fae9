#include "log_event_assembler.h"

#include <cmath>
#include <utility>

#include "text_helpers.h"


namespace pgshadow::capture {
namespace {

// A few bytes of the offending text for a problem's detail; never a whole statement.
std::string offending_excerpt(std::string_view text) { return excerpt(text, 60); }

bool is_error_severity(std::string_view severity) {
  return severity == "ERROR" || severity == "FATAL" || severity == "PANIC";
}

// "unnamed portal with parameters: $1 = '7'" or "portal \"P\" with parameters: ...": the values
// list of the CONTEXT of a failed Execute (a context may hold other lines: PL/pgSQL frames).
std::optional<std::string_view> portal_parameters(std::string_view context) {
  constexpr std::string_view kWith = " with parameters: ";
  while (!context.empty()) {
    const auto newline = context.find('\n');
    const std::string_view line = context.substr(0, newline);
    const bool portal = line.starts_with("unnamed portal") || line.starts_with("portal \"");
    if (const auto at = line.find(kWith); portal && at != std::string_view::npos) {
      return line.substr(at + kWith.size());
    }
    if (newline == std::string_view::npos) break;
    context.remove_prefix(newline + 1);
  }
  return std::nullopt;
}

// The server cuts a value at log_parameter_max_length bytes (fewer, not to split a character)
// and writes "..." after it. Without the setting, a value ending in "..." is taken as cut: a
// statement is better skipped with a reason than replayed with text production never sent.
bool value_was_cut(const ParameterValue& value, std::optional<int> max_length) {
  if (!value || !value->ends_with("...")) return false;
  if (!max_length) return true;
  if (*max_length < 0) return false;
  const std::size_t kept = value->size() - 3;
  return kept <= static_cast<std::size_t>(*max_length) && kept + 4 > static_cast<std::size_t>(*max_length);
}

}  // namespace

const ServerLogSettings& unknown_server_log_settings() {
  static const ServerLogSettings settings;
  return settings;
}

LogEventAssembler::LogEventAssembler(InputProblems& problems, InputAccounting& accounting,
                                     const ServerLogSettings& settings, std::size_t max_buffered_events)
    : problems_(problems),
      accounting_(accounting),
      settings_(settings),
      time_reader_(settings.time_zone),
      max_buffered_events_(max_buffered_events) {}

void LogEventAssembler::report_unusable_statement(const SourceLocation& where, std::string_view reason,
                                                  std::string detail) {
  accounting_.add_unusable_statement(where, std::string(reason), detail);
  problems_.report(where, std::string(reason), std::move(detail));
}

bool LogEventAssembler::take_parameters(std::optional<std::vector<ParameterValue>> parsed,
                                        const SourceLocation& where, std::string_view text, Event& event) {
  if (!parsed) {
    report_unusable_statement(where, "malformed parameters detail", "DETAIL '" + offending_excerpt(text) + "'");
    return false;
  }
  for (const ParameterValue& value : *parsed) {
    if (value_was_cut(value, settings_.log_parameter_max_length)) event.parameters_truncated = true;
  }
  event.parameters = std::move(*parsed);
  return true;
}

void LogEventAssembler::add(const LogRecord& record, const SourceLocation& where) {
  const std::string_view severity = record.error_severity;
  if (severity == "LOG") return add_log_message(record, where);
  if (is_error_severity(severity)) return add_error(record, where);
  if (const auto kind = not_statement_kind_for_severity(severity); !kind.empty()) {
    return count_not_statement(kind);
  }
  problems_.report(where, "unknown error_severity", "error_severity '" + offending_excerpt(severity) + "'");
}

void LogEventAssembler::add_log_message(const LogRecord& record, const SourceLocation& where) {
  const LogMessage message = parse_log_message(record.message);
  switch (message.kind) {
    case LogMessageKind::kStatement:
    case LogMessageKind::kExecute:
      return begin_statement(record, where, message);
    case LogMessageKind::kExecuteFetch:
      return attach_fetch(record, where, message);
    case LogMessageKind::kBareDuration:
      if (record.command_tag == "PARSE" || record.command_tag == "BIND") return count_not_statement("parse_bind_duration");
      return attach_duration(record, *message.duration_ms);
    case LogMessageKind::kParse:
      finish_open_event(session_of(record.session_id));
      return count_not_statement("parse");
    case LogMessageKind::kBind:
      return remember_bind(record, where, message);
    case LogMessageKind::kNotStatement:
      if (message.not_statement_kind == "disconnection") {
        if (auto it = sessions_.find(record.session_id); it != sessions_.end()) {
          finish_open_event(it->second);
          sessions_.erase(it);  // bounds the session table by the sessions alive
        }
      }
      return count_not_statement(message.not_statement_kind);
    case LogMessageKind::kUnrecognised:
      break;
  }
  problems_.report(where, "unrecognised log message",
                   "LOG message starting '" + offending_excerpt(record.message) + "'");
}

void LogEventAssembler::begin_statement(const LogRecord& record, const SourceLocation& where,
                                           const LogMessage& message) {
  SessionState& session = session_of(record.session_id);
  finish_open_event(session);
  std::optional<Event> event = event_from(record, where);
  if (!event) return;
  event->sql = std::string(message.sql);
  if (message.kind != LogMessageKind::kStatement) {
    if (!take_parameters(parse_parameters_detail(record.detail), where, record.detail, *event)) return;
    event->protocol = Protocol::kExtended;
    event->statement_name = std::string(message.statement_name);
  }
  if (message.duration_ms) {
    // Logged when the statement ended: it started its duration earlier.
    event->duration_ms = message.duration_ms;
    event->start_us -= std::llround(*message.duration_ms * 1000.0);
  }
  session.last_bind.reset();
  open_event(session, std::move(*event));
  session.awaiting_duration = !message.duration_ms;
  count_in_event();
}

// "execute fetch from": more rows from the portal the session's open event started. It is the
// same statement execution, so it adds to that event (and its duration), not a new one.
void LogEventAssembler::attach_fetch(const LogRecord& record, const SourceLocation& where,
                                        const LogMessage& message) {
  SessionState& session = session_of(record.session_id);
  Event* open = open_event_of(session);
  if (open == nullptr || open->protocol != Protocol::kExtended || open->sql != message.sql ||
      !open->outcome.succeeded) {
    return begin_statement(record, where, message);
  }
  if (message.duration_ms) open->duration_ms = open->duration_ms.value_or(0.0) + *message.duration_ms;
  session.awaiting_duration = !message.duration_ms;
  count_in_event();
}

void LogEventAssembler::attach_duration(const LogRecord& record, double duration_ms) {
  auto it = sessions_.find(record.session_id);
  Event* open = it == sessions_.end() ? nullptr : open_event_of(it->second);
  if (open == nullptr || !it->second.awaiting_duration) {
    // No statement waits for it: the duration of a Parse or Bind step (log_duration), or of a
    // statement that was not logged. It carries no SQL, so nothing is lost.
    return count_not_statement("duration_without_statement");
  }
  open->duration_ms = open->duration_ms.value_or(0.0) + duration_ms;
  it->second.awaiting_duration = false;
  count_in_event();
}

void LogEventAssembler::remember_bind(const LogRecord& record, const SourceLocation& where,
                                         const LogMessage& message) {
  auto parameters = parse_parameters_detail(record.detail);
  if (!parameters) {
    report_unusable_statement(where, "malformed parameters detail", "DETAIL '" + offending_excerpt(record.detail) + "'");
    return;
  }
  SessionState& session = session_of(record.session_id);
  finish_open_event(session);
  session.last_bind = LastBind{std::string(message.sql), std::string(message.statement_name),
                               std::move(*parameters)};
  count_not_statement("bind");
}

// An ERROR/FATAL/PANIC record. It is the failure of the session's open statement when that
// statement was logged before it ran and the record names the same query; otherwise, when it
// names a query, that query was never logged as a statement (log_statement off, or it failed
// in Parse/Bind before Execute could log it) and the record becomes a failed event itself.
void LogEventAssembler::add_error(const LogRecord& record, const SourceLocation& where) {
  const std::string_view query = record.query;
  const bool before_execute = record.command_tag == "PARSE" || record.command_tag == "BIND";
  SessionState& session = session_of(record.session_id);
  Event* open = open_event_of(session);
  // An ERROR without a query still belongs to a running statement (log_min_error_statement
  // hides it); a FATAL without one ends an idle session and says nothing about its last statement.
  const bool fails_open_statement =
      open != nullptr && session.awaiting_duration && !before_execute &&
      (query.empty() ? record.error_severity == "ERROR" : query == open->sql);
  if (fails_open_statement) {
    open->outcome = {false, std::string(record.sql_state_code)};
    session.awaiting_duration = false;
    return count_in_event();
  }
  if (query.empty()) return count_not_statement("error_without_statement");

  finish_open_event(session);
  std::optional<Event> event = event_from(record, where);
  if (!event) return;
  event->sql = std::string(query);
  event->outcome = {false, std::string(record.sql_state_code)};
  if (before_execute) {
    event->protocol = Protocol::kExtended;  // its parameters were never logged
  } else if (session.last_bind && session.last_bind->sql == query) {
    event->protocol = Protocol::kExtended;
    event->statement_name = std::move(session.last_bind->statement_name);
    Event& failed = *event;
    take_parameters(std::move(session.last_bind->parameters), where, {}, failed);
  } else if (const auto values = portal_parameters(record.context)) {
    // log_parameter_max_length_on_error: the failed Execute's values are in its CONTEXT.
    event->protocol = Protocol::kExtended;
    if (!take_parameters(parse_parameters_detail("parameters: " + std::string(*values)), where,
                         *values, *event)) {
      return;
    }
  }
  session.last_bind.reset();
  open_event(session, std::move(*event));
  count_in_event();
}

std::optional<Event> LogEventAssembler::event_from(const LogRecord& record,
                                                      const SourceLocation& where) {
  auto start = time_reader_.read(record.log_time);
  if (!start) {
    report_unusable_statement(where, time_reader_.reason(), start.error().message);
    return std::nullopt;
  }
  if (auto reading = time_reader_.take_new_reading()) accounting_.time_zones.insert(std::move(*reading));
  Event event;
  event.session_id = std::string(record.session_id);
  event.user = std::string(record.user_name);
  event.database = std::string(record.database_name);
  event.application = std::string(record.application_name);
  event.start_us = *start;
  event.source = where;
  return event;
}

void LogEventAssembler::open_event(SessionState& session, Event event) {
  session.open = buffer_base_ + buffer_.size();
  buffer_.push_back({std::move(event), false});
  if (buffer_.size() > max_buffered_events_) {
    // Release the oldest as it stands (see the class comment).
    Slot& oldest = buffer_.front();
    if (auto it = sessions_.find(oldest.event.session_id);
        it != sessions_.end() && it->second.open == buffer_base_) {
      finish_open_event(it->second);
    }
    oldest.finished = true;
  }
}

Event* LogEventAssembler::open_event_of(SessionState& session) {
  if (!session.open) return nullptr;
  return &buffer_[*session.open - buffer_base_].event;
}

void LogEventAssembler::finish_open_event(SessionState& session) {
  if (session.open) buffer_[*session.open - buffer_base_].finished = true;
  session.open.reset();
  session.awaiting_duration = false;
}

LogEventAssembler::SessionState& LogEventAssembler::session_of(std::string_view session_id) {
  if (auto it = sessions_.find(session_id); it != sessions_.end()) return it->second;
  return sessions_.emplace(std::string(session_id), SessionState{}).first->second;
}

void LogEventAssembler::count_not_statement(std::string_view kind) {
  ++accounting_.lines_not_statements;
  ++accounting_.not_statement_by_kind[std::string(kind)];
}

void LogEventAssembler::finish_all() {
  for (Slot& slot : buffer_) slot.finished = true;
  for (auto& [id, session] : sessions_) {
    session.open.reset();
    session.awaiting_duration = false;
  }
}

std::optional<Event> LogEventAssembler::pop_finished() {
  if (buffer_.empty() || !buffer_.front().finished) return std::nullopt;
  Event event = std::move(buffer_.front().event);
  buffer_.pop_front();
  ++buffer_base_;
  return event;
}

}  // namespace pgshadow::capture
