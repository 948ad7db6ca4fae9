#include "log_format.h"

#include <algorithm>
#include <cctype>

#include <nlohmann/json.hpp>

#include "timestamp.h"

namespace pgshadow::capture {
namespace {

std::string lower(std::string text) {
  std::transform(text.begin(), text.end(), text.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return text;
}

}  // namespace

std::string_view format_name(LogFormat format) {
  switch (format) {
    case LogFormat::kCsvlog: return "csvlog";
    case LogFormat::kJsonlog: return "jsonlog";
    case LogFormat::kStderr: return "stderr";
    case LogFormat::kCapture: return "capture";
  }
  return "unknown";
}

std::optional<LogFormat> format_of_name(const std::string& path) {
  std::string name = lower(path);
  if (name.ends_with(".gz")) name.resize(name.size() - 3);
  if (name.ends_with(".csv")) return LogFormat::kCsvlog;
  if (name.ends_with(".json")) return LogFormat::kJsonlog;
  if (name.ends_with(".log")) return LogFormat::kStderr;
  if (name.ends_with(".jsonl")) return LogFormat::kCapture;
  return std::nullopt;
}

LogFormat format_of_first_line(std::string_view line) {
  const nlohmann::json object = nlohmann::json::parse(line, nullptr, /*allow_exceptions=*/false);
  if (object.is_object()) {
    if (object.contains("pgshadow_capture")) return LogFormat::kCapture;
    if (object.contains("timestamp") && object.contains("error_severity")) return LogFormat::kJsonlog;
  }
  if (const auto comma = line.find(','); comma != std::string_view::npos &&
                                         parse_log_time(line.substr(0, comma)).ok()) {
    return LogFormat::kCsvlog;
  }
  return LogFormat::kStderr;
}

}  // namespace pgshadow::capture
