#pragma once
// One Event <-> one JSON object of the canonical capture format (docs/capture-format.md).
// The writer and the reader share this file so the two cannot drift apart. encode_event is
// thread-safe; a JsonlLineDecoder is one reader's (it reuses its parser's buffers).
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <variant>

#include <nlohmann/json.hpp>

#include "pgshadow/core/event.h"

namespace pgshadow::capture {

// Why a capture line is not an event: a short stable reason and a human detail.
struct JsonlDecodeProblem {
  std::string reason;  // "missing field", "wrong field type", "bad field value"
  std::string detail;  // "field 'sql' must be a string"
};

// Insertion-ordered, so a capture file reads in the documented field order.
nlohmann::ordered_json encode_event(const Event& event);

// The header line {"pgshadow_capture":N,...}: `version` when N is an integer, `version_text`
// as written.
struct JsonlHeader {
  std::optional<std::int64_t> version;
  std::string version_text;
};

// Decodes capture lines with simdjson (every line is validated whole, as JSON and UTF-8): a
// capture is read at the speed of the replay it feeds, and nlohmann's DOM cost about 8 us a
// line. nlohmann still words the message for a line that is not JSON (line and column).
class JsonlLineDecoder {
 public:
  JsonlLineDecoder();
  ~JsonlLineDecoder();
  JsonlLineDecoder(const JsonlLineDecoder&) = delete;
  JsonlLineDecoder& operator=(const JsonlLineDecoder&) = delete;

  // An event (all but sequence and source filled), the header, or why the line is no event.
  // Unknown fields are ignored (forward compatibility); of a field given twice the last counts.
  // `line` is only read; its capacity may grow (simdjson reads a few bytes past the end).
  std::variant<Event, JsonlHeader, JsonlDecodeProblem> decode(std::string& line);

 private:
  struct Parser;
  std::unique_ptr<Parser> parser_;
};

}  // namespace pgshadow::capture
