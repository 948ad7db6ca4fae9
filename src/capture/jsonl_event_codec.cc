#include "jsonl_event_codec.h"

#include "timestamp.h"

namespace pgshadow::capture {
namespace {

using nlohmann::json;

JsonlDecodeProblem missing(const char* field) {
  return {"missing field", std::string("field '") + field + "' is missing"};
}
JsonlDecodeProblem wrong_type(const char* field, const char* expected) {
  return {"wrong field type", std::string("field '") + field + "' must be " + expected};
}

// Reads a required (or, with `required` false, optional) string field into `out`.
std::optional<JsonlDecodeProblem> read_string(const json& object, const char* field,
                                              std::string& out, bool required = true) {
  const auto it = object.find(field);
  if (it == object.end()) return required ? std::optional(missing(field)) : std::nullopt;
  if (!it->is_string()) return wrong_type(field, "a string");
  out = it->get<std::string>();
  return std::nullopt;
}

std::optional<JsonlDecodeProblem> read_parameters(const json& object, Event& event) {
  const auto it = object.find("parameters");
  if (it == object.end()) return missing("parameters");
  if (it->is_null()) return std::nullopt;
  if (!it->is_array()) return wrong_type("parameters", "an array of strings and nulls, or null");
  for (const json& value : *it) {
    if (value.is_null()) {
      event.parameters.emplace_back(std::nullopt);
    } else if (value.is_string()) {
      event.parameters.emplace_back(value.get<std::string>());
    } else {
      return wrong_type("parameters", "an array of strings and nulls, or null");
    }
  }
  return std::nullopt;
}

std::optional<JsonlDecodeProblem> read_outcome(const json& object, Event& event) {
  const auto it = object.find("outcome");
  if (it == object.end()) return missing("outcome");
  if (!it->is_object()) return wrong_type("outcome", "an object like {\"ok\":true}");
  const auto ok = it->find("ok");
  if (ok == it->end() || !ok->is_boolean()) return wrong_type("outcome.ok", "true or false");
  event.outcome.succeeded = ok->get<bool>();
  if (event.outcome.succeeded) return std::nullopt;
  // Absent or null: the log did not say (a stderr log without %e and with terse errors).
  const auto sqlstate = it->find("sqlstate");
  if (sqlstate == it->end() || sqlstate->is_null()) return std::nullopt;
  if (auto problem = read_string(*it, "sqlstate", event.outcome.sqlstate)) return problem;
  if (event.outcome.sqlstate.size() != 5) {
    return JsonlDecodeProblem{"bad field value", "field 'outcome.sqlstate' must have 5 characters"};
  }
  return std::nullopt;
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

std::optional<JsonlDecodeProblem> decode_event(const json& object, Event& event) {
  if (auto p = read_string(object, "session", event.session_id)) return p;
  if (auto p = read_string(object, "user", event.user)) return p;
  if (auto p = read_string(object, "database", event.database)) return p;
  if (auto p = read_string(object, "application", event.application)) return p;
  std::string start;
  if (auto p = read_string(object, "start", start)) return p;
  auto start_us = parse_iso8601_utc(start);
  if (!start_us) return JsonlDecodeProblem{"bad field value", "field 'start': " + start_us.error().message};
  event.start_us = *start_us;
  if (const auto it = object.find("duration_ms"); it != object.end() && !it->is_null()) {
    if (!it->is_number()) return wrong_type("duration_ms", "a number");
    event.duration_ms = it->get<double>();
  }
  if (auto p = read_string(object, "sql", event.sql)) return p;
  std::string protocol;
  if (auto p = read_string(object, "protocol", protocol)) return p;
  if (protocol == "simple") {
    event.protocol = Protocol::kSimple;
  } else if (protocol == "extended") {
    event.protocol = Protocol::kExtended;
  } else {
    return JsonlDecodeProblem{"bad field value", "field 'protocol' must be \"simple\" or \"extended\""};
  }
  if (auto p = read_string(object, "statement_name", event.statement_name, /*required=*/false)) return p;
  if (auto p = read_parameters(object, event)) return p;
  if (const auto it = object.find("parameters_truncated"); it != object.end() && !it->is_null()) {
    if (!it->is_boolean()) return wrong_type("parameters_truncated", "true or false");
    event.parameters_truncated = it->get<bool>();
  }
  return read_outcome(object, event);
}

}  // namespace pgshadow::capture
