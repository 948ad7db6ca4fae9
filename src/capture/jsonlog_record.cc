#include "jsonlog_record.h"

namespace pgshadow::capture {
namespace {

using nlohmann::json;

// The line with every byte that is not part of valid UTF-8 replaced by U+FFFD, done by the
// JSON library itself: dump the line as one JSON string with the replacing error handler, and
// read that string back.
std::string with_invalid_utf8_replaced(std::string_view line) {
  const std::string quoted = json(std::string(line)).dump(-1, ' ', false, json::error_handler_t::replace);
  return json::parse(quoted).get<std::string>();
}

json parse_object(std::string_view line, std::string& error) {
  try {
    return json::parse(line);
  } catch (const json::parse_error& first) {
    try {
      return json::parse(with_invalid_utf8_replaced(line));
    } catch (const json::parse_error&) {
      error = first.what();  // the error about the line as it is written
    }
  }
  return json();
}

// Points `field` at object[key]'s text; absent (or null) is empty. False when it is not a string.
bool read_field(const json& object, const char* key, std::string_view& field) {
  const auto it = object.find(key);
  if (it == object.end() || it->is_null()) {
    field = {};
    return true;
  }
  if (!it->is_string()) return false;
  field = it->get_ref<const std::string&>();
  return true;
}

}  // namespace

std::optional<JsonlogLineProblem> parse_jsonlog_line(std::string_view line, json& object,
                                                     LogRecord& record) {
  std::string error;
  object = parse_object(line, error);
  if (!error.empty()) return JsonlogLineProblem{"not JSON", error};
  if (!object.is_object()) {
    return JsonlogLineProblem{"not a JSON object", "a jsonlog line must be a JSON object"};
  }
  const struct {
    const char* key;
    std::string_view LogRecord::*field;
  } fields[] = {
      {"timestamp", &LogRecord::log_time},
      {"user", &LogRecord::user_name},
      {"dbname", &LogRecord::database_name},
      {"session_id", &LogRecord::session_id},
      {"ps", &LogRecord::command_tag},
      {"error_severity", &LogRecord::error_severity},
      {"state_code", &LogRecord::sql_state_code},
      {"message", &LogRecord::message},
      {"detail", &LogRecord::detail},
      {"statement", &LogRecord::query},
      {"context", &LogRecord::context},
      {"application_name", &LogRecord::application_name},
  };
  for (const auto& [key, field] : fields) {
    if (!read_field(object, key, record.*field)) {
      return JsonlogLineProblem{"wrong field type", std::string("field '") + key + "' must be a string"};
    }
  }
  return std::nullopt;
}

}  // namespace pgshadow::capture
