#pragma once
// One Event <-> one JSON object of the canonical capture format (docs/capture-format.md).
// The writer and the reader share this file so the two cannot drift apart. Thread-safe.
#include <optional>
#include <string>

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

// Fills everything but sequence and source. Unknown fields are ignored (forward compatibility).
std::optional<JsonlDecodeProblem> decode_event(const nlohmann::json& object, Event& event);

}  // namespace pgshadow::capture
