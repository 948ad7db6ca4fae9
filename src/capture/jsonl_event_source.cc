#include "jsonl_event_source.h"

#include <utility>

#include <variant>

#include "pgshadow/capture/capture_writer.h"
#include "text_helpers.h"

namespace pgshadow::capture {

JsonlEventSource::JsonlEventSource(std::vector<std::string> files, std::string description,
                                   InputProblems& problems, std::unique_ptr<InputStream> first_opened)
    : files_(std::move(files), std::move(first_opened)), description_(std::move(description)), problems_(problems) {}

Result<std::optional<Event>> JsonlEventSource::next() {
  std::string& line = line_;  // kept: its capacity (and simdjson's padding) serves the next line
  for (;;) {
    if (!files_.is_open()) {
      auto opened = files_.open_next();
      if (!opened) return opened.error();
      if (!*opened) return std::optional<Event>{};
      header_seen_ = false;
      line_number_ = 0;
    }
    try {
      if (!std::getline(files_.stream(), line)) {
        files_.close();
        continue;
      }
    } catch (...) {
      return read_error(files_.file());
    }
    ++line_number_;
    ++accounting_.lines_read;
    auto result = read_line(line);
    if (!result || result->has_value()) return result;
  }
}

Result<std::optional<Event>> JsonlEventSource::read_line(std::string& line) {
  const auto count_not_statement = [this](const char* kind) {
    ++accounting_.lines_not_statements;
    ++accounting_.not_statement_by_kind[kind];
  };
  if (is_blank_line(line)) {
    count_not_statement("blank_line");
    return std::optional<Event>{};
  }
  auto decoded = decoder_.decode(line);
  if (const auto* header = std::get_if<JsonlHeader>(&decoded)) {
    if (header->version != kCaptureFormatVersion) {
      return Error::bad_input(here().to_string() + ": unsupported capture format version " + header->version_text +
                              " (this pgshadow reads version " + std::to_string(kCaptureFormatVersion) + ")");
    }
    header_seen_ = true;
    count_not_statement("header");
    return std::optional<Event>{};
  }
  if (!header_seen_) {
    return Error::bad_input(here().to_string() +
                            ": not a pgshadow capture file: the first line must be the header "
                            "{\"pgshadow_capture\":1,...}");
  }
  // In a capture every line after the header is an event: one that cannot be used is a lost
  // statement, weighed by the capture quality check.
  if (auto* problem = std::get_if<JsonlDecodeProblem>(&decoded)) {
    accounting_.add_unusable_statement(here(), problem->reason, problem->detail);
    problems_.report(here(), std::move(problem->reason), std::move(problem->detail));
    return std::optional<Event>{};
  }
  Event event = std::move(std::get<Event>(decoded));
  event.source = here();
  ++accounting_.lines_in_events;
  ++accounting_.events;
  return std::optional<Event>{std::move(event)};
}

std::optional<std::int64_t> JsonlEventSource::first_timestamp(const std::string& file) {
  InputProblems ignored;  // reported when the file is really read
  JsonlEventSource source({file}, file, ignored);
  auto first = source.next();
  if (!first || !first->has_value()) return std::nullopt;
  return (*first)->start_us;
}

}  // namespace pgshadow::capture
