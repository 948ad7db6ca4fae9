#include "jsonl_event_codec.h"

#include <array>
#include <string_view>
#include <utility>

#include <simdjson.h>

#include "timestamp.h"

namespace pgshadow::capture {
namespace {

JsonlDecodeProblem missing(const char* field) {
  return {"missing field", std::string("field '") + field + "' is missing"};
}
JsonlDecodeProblem wrong_type(const char* field, const char* expected) {
  return {"wrong field type", std::string("field '") + field + "' must be " + expected};
}

// The fields an event line may carry, in the order their problems are reported.
enum Field {
  kSession,
  kUser,
  kDatabase,
  kApplication,
  kStart,
  kDurationMs,
  kSql,
  kProtocol,
  kStatementName,
  kParameters,
  kParametersTruncated,
  kOutcome,
  kCaptureVersion,  // the header's: a line that has it is the header, whatever else it has
  kFieldCount
};
constexpr std::array<std::string_view, kFieldCount> kFieldNames = {
    "session",        "user",       "database", "application",          "start",   "duration_ms",     "sql",
    "protocol",       "statement_name", "parameters", "parameters_truncated", "outcome", "pgshadow_capture"};

using Fields = std::array<std::optional<simdjson::dom::element>, kFieldCount>;

Fields fields_of(simdjson::dom::object object) {
  Fields fields;
  for (const simdjson::dom::key_value_pair field : object) {
    for (int at = 0; at < kFieldCount; ++at) {
      if (field.key == kFieldNames[static_cast<std::size_t>(at)]) {
        fields[static_cast<std::size_t>(at)] = field.value;  // a repeated field: the last counts
        break;
      }
    }
  }
  return fields;
}

// Reads a required (or, with `required` false, optional) string field into `out`.
std::optional<JsonlDecodeProblem> read_string(const std::optional<simdjson::dom::element>& value, const char* field,
                                              std::string& out, bool required = true) {
  if (!value) return required ? std::optional(missing(field)) : std::nullopt;
  std::string_view text;
  if (value->get_string().get(text) != simdjson::SUCCESS) return wrong_type(field, "a string");
  out.assign(text);
  return std::nullopt;
}

std::optional<JsonlDecodeProblem> read_parameters(const std::optional<simdjson::dom::element>& value, Event& event) {
  if (!value) return missing("parameters");
  if (value->is_null()) return std::nullopt;
  simdjson::dom::array values;
  if (value->get_array().get(values) != simdjson::SUCCESS) {
    return wrong_type("parameters", "an array of strings and nulls, or null");
  }
  event.parameters.reserve(values.size());
  for (const simdjson::dom::element parameter : values) {
    std::string_view text;
    if (parameter.is_null()) {
      event.parameters.emplace_back(std::nullopt);
    } else if (parameter.get_string().get(text) == simdjson::SUCCESS) {
      event.parameters.emplace_back(std::string(text));
    } else {
      return wrong_type("parameters", "an array of strings and nulls, or null");
    }
  }
  return std::nullopt;
}

std::optional<JsonlDecodeProblem> read_outcome(const std::optional<simdjson::dom::element>& value, Event& event) {
  if (!value) return missing("outcome");
  simdjson::dom::object outcome;
  if (value->get_object().get(outcome) != simdjson::SUCCESS) {
    return wrong_type("outcome", "an object like {\"ok\":true}");
  }
  std::optional<simdjson::dom::element> ok;
  std::optional<simdjson::dom::element> sqlstate;
  for (const simdjson::dom::key_value_pair field : outcome) {
    if (field.key == "ok") ok = field.value;
    if (field.key == "sqlstate") sqlstate = field.value;
  }
  bool succeeded = false;
  if (!ok || ok->get_bool().get(succeeded) != simdjson::SUCCESS) return wrong_type("outcome.ok", "true or false");
  event.outcome.succeeded = succeeded;
  if (event.outcome.succeeded) return std::nullopt;
  // Absent or null: the log did not say (a stderr log without %e and with terse errors).
  if (!sqlstate || sqlstate->is_null()) return std::nullopt;
  if (auto problem = read_string(sqlstate, "sqlstate", event.outcome.sqlstate)) return problem;
  if (event.outcome.sqlstate.size() != 5) {
    return JsonlDecodeProblem{"bad field value", "field 'outcome.sqlstate' must have 5 characters"};
  }
  return std::nullopt;
}

std::optional<JsonlDecodeProblem> decode_fields(const Fields& fields, Event& event) {
  if (auto p = read_string(fields[kSession], "session", event.session_id)) return p;
  if (auto p = read_string(fields[kUser], "user", event.user)) return p;
  if (auto p = read_string(fields[kDatabase], "database", event.database)) return p;
  if (auto p = read_string(fields[kApplication], "application", event.application)) return p;
  std::string start;
  if (auto p = read_string(fields[kStart], "start", start)) return p;
  auto start_us = parse_iso8601_utc(start);
  if (!start_us) return JsonlDecodeProblem{"bad field value", "field 'start': " + start_us.error().message};
  event.start_us = *start_us;
  if (const auto& duration = fields[kDurationMs]; duration && !duration->is_null()) {
    double milliseconds = 0;
    if (duration->get_double().get(milliseconds) != simdjson::SUCCESS) return wrong_type("duration_ms", "a number");
    event.duration_ms = milliseconds;
  }
  if (auto p = read_string(fields[kSql], "sql", event.sql)) return p;
  std::string protocol;
  if (auto p = read_string(fields[kProtocol], "protocol", protocol)) return p;
  if (protocol == "simple") {
    event.protocol = Protocol::kSimple;
  } else if (protocol == "extended") {
    event.protocol = Protocol::kExtended;
  } else {
    return JsonlDecodeProblem{"bad field value", "field 'protocol' must be \"simple\" or \"extended\""};
  }
  if (auto p = read_string(fields[kStatementName], "statement_name", event.statement_name, /*required=*/false)) return p;
  if (auto p = read_parameters(fields[kParameters], event)) return p;
  if (const auto& truncated = fields[kParametersTruncated]; truncated && !truncated->is_null()) {
    bool value = false;
    if (truncated->get_bool().get(value) != simdjson::SUCCESS) return wrong_type("parameters_truncated", "true or false");
    event.parameters_truncated = value;
  }
  return read_outcome(fields[kOutcome], event);
}

// nlohmann's wording of why a line is not JSON (with line and column), else simdjson's.
std::string why_not_json(const std::string& line, simdjson::error_code error) {
  try {
    [[maybe_unused]] const nlohmann::json parsed = nlohmann::json::parse(line);
  } catch (const nlohmann::json::parse_error& e) {
    return e.what();
  }
  return simdjson::error_message(error);
}

}  // namespace

nlohmann::ordered_json encode_event(const Event& event) {
  nlohmann::ordered_json line;
  line["session"] = event.session_id;
  line["user"] = event.user;
  line["database"] = event.database;
  line["application"] = event.application;
  line["start"] = format_iso8601_utc(event.start_us);
  if (event.duration_ms) line["duration_ms"] = *event.duration_ms;
  line["sql"] = event.sql;
  line["protocol"] = to_string(event.protocol);
  if (!event.statement_name.empty()) line["statement_name"] = event.statement_name;
  if (event.parameters_truncated) line["parameters_truncated"] = true;
  auto& parameters = line["parameters"] = nlohmann::ordered_json::array();
  for (const ParameterValue& value : event.parameters) {
    if (value) {
      parameters.push_back(*value);
    } else {
      parameters.push_back(nullptr);
    }
  }
  line["outcome"] = event.outcome.succeeded
                        ? nlohmann::ordered_json{{"ok", true}}
                        : event.outcome.sqlstate.empty()
                              ? nlohmann::ordered_json{{"ok", false}}
                              : nlohmann::ordered_json{{"ok", false}, {"sqlstate", event.outcome.sqlstate}};
  return line;
}

struct JsonlLineDecoder::Parser {
  simdjson::dom::parser parser;
};

JsonlLineDecoder::JsonlLineDecoder() : parser_(std::make_unique<Parser>()) {}
JsonlLineDecoder::~JsonlLineDecoder() = default;

std::variant<Event, JsonlHeader, JsonlDecodeProblem> JsonlLineDecoder::decode(std::string& line) {
  const std::size_t length = line.size();
  if (line.capacity() < length + simdjson::SIMDJSON_PADDING) line.reserve(length + simdjson::SIMDJSON_PADDING);
  simdjson::dom::element document;
  if (const auto error = parser_->parser.parse(line.data(), length, /*realloc_if_needed=*/false).get(document);
      error != simdjson::SUCCESS) {
    return JsonlDecodeProblem{"not JSON", why_not_json(line, error)};
  }
  simdjson::dom::object object;
  if (document.get_object().get(object) != simdjson::SUCCESS) {
    return JsonlDecodeProblem{"not a JSON object", "an event line must be a JSON object"};
  }
  const Fields fields = fields_of(object);
  if (const auto& version_field = fields[kCaptureVersion]) {
    JsonlHeader header;
    header.version_text = simdjson::minify(*version_field);
    std::int64_t version = 0;
    if (version_field->get_int64().get(version) == simdjson::SUCCESS) header.version = version;
    return header;
  }
  Event event;
  if (auto problem = decode_fields(fields, event)) return std::move(*problem);
  return event;
}

}  // namespace pgshadow::capture
