#include "jsonlog_event_source.h"

#include <utility>

#include "jsonlog_record.h"
#include "text_helpers.h"

namespace pgshadow::capture {

JsonlogEventSource::JsonlogEventSource(std::vector<std::string> files, std::string description,
                                       InputProblems& problems, const ServerLogSettings& settings,
                                       std::unique_ptr<InputStream> first_opened)
    : files_(std::move(files), std::move(first_opened)),
      description_(std::move(description)),
      problems_(problems),
      assembler_(problems, accounting_, settings) {}

Result<std::optional<Event>> JsonlogEventSource::next() {
  for (;;) {
    if (std::optional<Event> event = assembler_.pop_finished()) {
      ++accounting_.events;
      return event;
    }
    if (input_ended_) return std::optional<Event>{};
    if (!files_.is_open()) {
      auto opened = files_.open_next();
      if (!opened) return opened.error();
      if (!*opened) {
        assembler_.finish_all();
        input_ended_ = true;
        continue;
      }
      line_number_ = 0;
    }
    try {
      if (!std::getline(files_.stream(), line_)) {
        files_.close();
        continue;
      }
    } catch (...) {
      return read_error(files_.file());
    }
    read_line(line_);
  }
}

// Accounts the line exactly once: a problem here, a blank line, or whatever the assembler makes
// of its record.
void JsonlogEventSource::read_line(const std::string& line) {
  ++line_number_;
  ++accounting_.lines_read;
  if (is_blank_line(line)) {
    ++accounting_.lines_not_statements;
    ++accounting_.not_statement_by_kind["blank_line"];
    return;
  }
  const SourceLocation where{files_.file(), line_number_};
  LogRecord record;
  if (auto problem = parse_jsonlog_line(line, object_, record)) {
    problems_.report(where, std::move(problem->reason), std::move(problem->detail));
    return;
  }
  assembler_.add(record, where);
}

std::optional<std::int64_t> JsonlogEventSource::first_timestamp(const std::string& file, const LogTimeZone& zone) {
  LogTimeReader times(zone);
  auto in = InputStream::open(file);
  if (!in) return std::nullopt;
  std::string line;
  nlohmann::json object;
  try {
    while (std::getline((*in)->stream(), line)) {
      LogRecord record;
      if (parse_jsonlog_line(line, object, record)) continue;
      if (auto time = times.read(record.log_time)) return *time;
    }
  } catch (...) {
    // A read error is reported when the file is really read.
  }
  return std::nullopt;
}

}  // namespace pgshadow::capture
