#include "stderr_log_reader.h"

#include <charconv>
#include <chrono>
#include <cstdio>
#include <utility>

#include "text_helpers.h"

namespace pgshadow::capture {
namespace {

// A few bytes of a line for a problem's detail; never a whole statement.
std::string line_excerpt(std::string_view text) { return excerpt(text, 80); }

// The start of a line up to its message's first words ("... LOG:  statement: ..."): enough to
// see which prefix it has, never the statement's literals.
std::string prefix_excerpt(std::string_view line) {
  const auto severity = line.find(":  ");
  if (severity == std::string_view::npos) return line_excerpt(line);
  std::string_view message = line.substr(severity + 3);
  const auto word_end = message.find_first_of(" :");
  const std::size_t keep = severity + 3 + (word_end == std::string_view::npos ? 0 : word_end + 1);
  return line_excerpt(line.substr(0, keep)) + (keep < line.size() ? " ..." : "");
}

// The server prints "[unknown]" for a name it does not know yet (before authentication).
std::string_view known(std::string_view name) { return name == "[unknown]" ? std::string_view{} : name; }

// %n, "1732356000.123" (seconds since the epoch), as "2024-11-23 10:00:00.123 UTC": the one
// form the assembler's timestamp parser reads. Left as written (and so reported as a bad
// log_time later) when it is not a number.
std::string epoch_as_log_time(std::string_view epoch) {
  const auto dot = epoch.find('.');
  long long seconds = 0;
  const std::string_view whole = epoch.substr(0, dot);
  if (std::from_chars(whole.data(), whole.data() + whole.size(), seconds).ec != std::errc()) {
    return std::string(epoch);
  }
  using namespace std::chrono;
  const sys_seconds time{seconds * 1s};
  const auto day = floor<days>(time);
  const year_month_day date{day};
  const hh_mm_ss clock{time - day};
  char text[64];
  std::snprintf(text, sizeof text, "%04d-%02u-%02u %02ld:%02ld:%02lld%s%.*s UTC", static_cast<int>(date.year()),
                static_cast<unsigned>(date.month()), static_cast<unsigned>(date.day()),
                static_cast<long>(clock.hours().count()), static_cast<long>(clock.minutes().count()),
                static_cast<long long>(clock.seconds().count()), dot == std::string_view::npos ? "" : ".",
                dot == std::string_view::npos ? 0 : static_cast<int>(epoch.size() - dot - 1),
                dot == std::string_view::npos ? "" : epoch.data() + dot + 1);
  return text;
}

// log_error_verbosity=verbose puts the SQLSTATE before the text: "42703: column ...".
bool starts_with_sqlstate(std::string_view text) {
  if (text.size() < 7 || text.substr(5, 2) != ": ") return false;
  for (char c : text.substr(0, 5)) {
    if (!((c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z'))) return false;
  }
  return true;
}

}  // namespace

StderrLogReader::StderrLogReader(std::istream& in, std::string file, const LinePrefix& prefix,
                                 InputProblems& problems, bool syslog, InputAccounting* statements)
    : lines_(in), file_(std::move(file)), prefix_(prefix), problems_(problems), syslog_(syslog), statements_(statements) {}

void StderrLogReader::strip_crlf(std::string_view& line) {
  if (!first_line_seen_) {
    first_line_seen_ = true;
    crlf_ = line.ends_with('\r');
  }
  if (crlf_ && line.ends_with('\r')) line.remove_suffix(1);
}

bool StderrLogReader::next(StderrMessage& message) {
  if (syslog_) return next_from_syslog(message);
  for (;;) {
    std::string_view line;
    const StderrLineReader::Status status = lines_.next(line);
    line_number_ = lines_.line_number();
    switch (status) {
      case StderrLineReader::Status::kEnd:
        if (has_current_ && complete(message)) return true;
        return false;
      case StderrLineReader::Status::kTooLong:
        report_too_long();
        continue;
      case StderrLineReader::Status::kUnterminated: {
        strip_crlf(line);
        const bool done = take_line(line, message);
        mark_if_truncated();
        if (done) return true;
        continue;
      }
      case StderrLineReader::Status::kLine:
        strip_crlf(line);
        if (take_line(line, message)) return true;
        continue;
    }
  }
}

void StderrLogReader::report_too_long() {
  report_line(line_number_, "line too long",
              "longer than " + std::to_string(StderrLineReader::kDefaultMaxLineBytes) + " bytes");
  if (has_current_ && unusable_reason_.empty()) {
    unusable_reason_ = "a line of it was too long to read";  // it may have been part of it
  }
}

// The last line has no newline: the file was cut (or is still being written), so the message it
// belongs to may be incomplete and is not used.
void StderrLogReader::mark_if_truncated() {
  if (has_current_ && current_.first_line + current_.lines - 1 == line_number_) unusable_reason_ = "truncated last line";
}

bool StderrLogReader::next_from_syslog(StderrMessage& message) {
  SyslogRecordOrder::Record record;
  for (;;) {
    while (order_.pop(record)) {
      if (take_syslog_record(record, message)) return true;
    }
    if (input_done_) return has_current_ && complete(message);
    std::string_view line;
    switch (lines_.next(line)) {
      case StderrLineReader::Status::kEnd:
        input_done_ = true;
        order_.finish();
        continue;
      case StderrLineReader::Status::kTooLong:
        line_number_ = lines_.line_number();
        report_too_long();
        continue;
      case StderrLineReader::Status::kUnterminated:
        unterminated_line_ = lines_.line_number();
        [[fallthrough]];
      case StderrLineReader::Status::kLine:
        strip_crlf(line);
        order_.add(line, lines_.line_number());
        continue;
    }
  }
}

bool StderrLogReader::take_syslog_record(const SyslogRecordOrder::Record& record, StderrMessage& done) {
  line_number_ = record.number;
  if (!record.parsed) return take_line(record.raw, done);
  const std::string_view text = record.line.text;
  syslog_pid_.assign(record.line.pid);
  if (record.line.part <= 1) syslog_time_.assign(record.line.rfc3339_time);
  bool completed = false;
  if (record.line.part > 1 && !text.starts_with('\t') && !prefix_.match(text, fields_)) {
    // The server cut a line longer than 900 bytes here: the part continues it.
    if (has_current_ && current_.pid == syslog_pid_) {
      ++current_.lines;
      if (open_field_ != nullptr) open_field_->append(text);
    } else {
      report_line(line_number_, "continuation line without a message",
                  "a syslog record part continues a message, but no message precedes it");
    }
  } else {
    completed = take_line(text, done);
  }
  if (record.number == unterminated_line_) mark_if_truncated();
  return completed;
}

bool StderrLogReader::take_line(std::string_view line, StderrMessage& done) {
  if (line.starts_with('\t')) {
    if (has_current_) {
      add_continuation(line);
    } else {
      report_line(line_number_, "continuation line without a message",
                  "a line starting with a tab continues a message, but no message precedes it");
    }
    return false;
  }
  const bool matched = prefix_.match(line, fields_);
  if (!matched && has_current_ && line.starts_with(' ')) {
    // A continuation line whose tab a log shipper turned into spaces: they stand for the tab.
    const auto text = line.find_first_not_of(' ');
    add_continuation_text(line.substr(text == std::string_view::npos ? line.size() : text));
    return false;
  }
  if (!matched) {
    const std::string detail = "does not start with log_line_prefix '" + prefix_.text() + "' and a severity: '" +
                               prefix_excerpt(line) + "'";
    const bool carries_statement = line.find(": statement: ") != std::string_view::npos ||
                                   line.find(":  statement: ") != std::string_view::npos ||
                                   line.find(":  execute ") != std::string_view::npos ||
                                   line.find(":  duration: ") != std::string_view::npos;
    if (carries_statement && statements_ != nullptr) {
      statements_->add_unusable_statement({file_, line_number_}, "line without log_line_prefix", detail);
    }
    report_line(line_number_, "line without log_line_prefix", detail);
    return false;
  }
  if (is_secondary_keyword(fields_.severity)) {
    add_secondary(line);
    return false;
  }
  const bool completed = has_current_ && complete(done);
  start_message();
  return completed;
}

void StderrLogReader::start_message() {
  StderrMessage& m = current_;
  const PrefixFields& f = fields_;
  if (!f.value('m').empty()) {
    m.log_time.assign(f.value('m'));
  } else if (!f.value('n').empty()) {
    m.log_time = epoch_as_log_time(f.value('n'));
  } else if (!f.value('t').empty()) {
    m.log_time.assign(f.value('t'));
  } else {
    m.log_time = syslog_time_.empty() ? std::string() : log_time_of_rfc3339(syslog_time_);
  }
  m.user.assign(known(f.value('u')));
  m.database.assign(known(f.value('d')));
  m.application.assign(known(f.value('a')));
  m.pid.assign(f.value('p').empty() && syslog_ ? std::string_view(syslog_pid_) : f.value('p'));
  m.session_id.assign(f.value('c'));
  m.command_tag.assign(f.value('i'));
  m.sql_state.assign(f.value('e'));
  m.severity.assign(f.severity);
  m.text.assign(f.text);
  m.detail.clear();
  m.query.clear();
  m.context.clear();
  m.has_location = false;
  m.first_line = line_number_;
  m.lines = 1;
  has_current_ = true;
  open_field_ = &m.text;
  unusable_reason_.clear();
}

// A secondary line belongs to the message before it, which the same process wrote in the same
// piece: one whose pid or session differs is out of place (a damaged or spliced log).
void StderrLogReader::add_secondary(std::string_view line) {
  const std::string_view pid = fields_.value('p').empty() && syslog_ ? std::string_view(syslog_pid_) : fields_.value('p');
  const bool same_process = has_current_ && pid == current_.pid &&
                            fields_.value('c') == current_.session_id;
  if (!same_process) {
    report_line(line_number_, "secondary line without its message",
                "a " + std::string(fields_.severity) + ": line that follows no message of its process: '" +
                    line_excerpt(line) + "'");
    // Its continuation lines are not this message's either.
    if (has_current_) open_field_ = nullptr;
    return;
  }
  ++current_.lines;
  open_field_ = nullptr;
  if (fields_.severity == "DETAIL") {
    open_field_ = &current_.detail;
  } else if (fields_.severity == "STATEMENT") {
    open_field_ = &current_.query;
  } else if (fields_.severity == "CONTEXT") {
    open_field_ = &current_.context;
  } else if (fields_.severity == "LOCATION") {
    current_.has_location = true;
  }
  if (open_field_ != nullptr) open_field_->assign(fields_.text);
}

void StderrLogReader::add_continuation(std::string_view line) {
  add_continuation_text(line.substr(1));  // the tab the server wrote after the newline
}

void StderrLogReader::add_continuation_text(std::string_view text) {
  ++current_.lines;
  if (open_field_ == nullptr) return;
  open_field_->push_back('\n');
  open_field_->append(text);
}

bool StderrLogReader::complete(StderrMessage& done) {
  has_current_ = false;
  open_field_ = nullptr;
  if (!unusable_reason_.empty()) {
    const std::uint64_t first = current_.first_line;
    const std::string what = "the message of lines " + std::to_string(first) + "-" +
                             std::to_string(first + current_.lines - 1) + " cannot be used: ";
    if (unusable_reason_ == "truncated last line") {
      report_line(first, "truncated last line",
                  what + "the file ends without a newline inside it, so it may be cut");
    } else {
      report_line(first, "unusable message", what + unusable_reason_);
    }
    for (std::uint64_t line = first + 1; line < first + current_.lines; ++line) {
      report_line(line, "line of an unusable message", "part of the message at line " + std::to_string(first));
    }
    return false;
  }
  if (current_.has_location && starts_with_sqlstate(current_.text)) {
    if (current_.sql_state.empty()) current_.sql_state.assign(current_.text, 0, 5);
    current_.text.erase(0, 7);
  }
  std::swap(done, current_);
  return true;
}

void StderrLogReader::report_line(std::uint64_t line, std::string reason, std::string detail) {
  problems_.report({file_, line}, std::move(reason), std::move(detail));
}

}  // namespace pgshadow::capture
