#include "log_format.h"

#include <algorithm>
#include <cctype>
#include <istream>

#include <nlohmann/json.hpp>

#include "input_stream.h"
#include "syslog_line.h"
#include "timestamp.h"

namespace pgshadow::capture {
namespace {

std::string lower(std::string text) {
  std::transform(text.begin(), text.end(), text.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return text;
}

bool is_log_time(std::string_view text) {
  std::int64_t wall_us = 0;
  std::string_view zone;
  return split_log_time(text, wall_us, zone);
}

bool all_digits(std::string_view text) {
  return !text.empty() && std::all_of(text.begin(), text.end(), [](char c) { return c >= '0' && c <= '9'; });
}

}  // namespace

std::string_view format_name(LogFormat format) {
  switch (format) {
    case LogFormat::kCsvlog: return "csvlog";
    case LogFormat::kJsonlog: return "jsonlog";
    case LogFormat::kStderr: return "stderr";
    case LogFormat::kSyslog: return "syslog";
    case LogFormat::kCapture: return "capture";
  }
  return "unknown";
}

std::optional<LogFormat> format_of_name(const std::string& path) {
  std::string name = lower(path);
  for (const char* suffix : {".gz", ".bz2", ".xz"}) {
    if (name.ends_with(suffix)) name.resize(name.size() - std::string_view(suffix).size());
  }
  // logrotate's numbered copies: postgresql-15-main.log.1
  if (const auto dot = name.rfind('.'); dot != std::string::npos && all_digits(std::string_view(name).substr(dot + 1))) {
    name.resize(dot);
  }
  if (name.ends_with(".csv")) return LogFormat::kCsvlog;
  if (name.ends_with(".json")) return LogFormat::kJsonlog;
  if (name.ends_with(".log")) return LogFormat::kStderr;
  if (name.ends_with(".jsonl")) return LogFormat::kCapture;
  return std::nullopt;
}

LogFormat format_of_first_line(std::string_view line, std::optional<LogFormat> by_name) {
  if (line.ends_with('\r')) line.remove_suffix(1);
  if (line.starts_with('{')) {
    const nlohmann::json object = nlohmann::json::parse(line, nullptr, /*allow_exceptions=*/false);
    if (object.is_object()) {
      if (object.contains("pgshadow_capture")) return LogFormat::kCapture;
      if (object.contains("timestamp") && object.contains("error_severity")) return LogFormat::kJsonlog;
    }
    // Not JSON as written (invalid UTF-8 the jsonlog reader repairs), or a capture without its
    // header (the capture reader says so): a JSON line all the same.
    const bool jsonlog_keys = line.find("\"error_severity\"") != std::string_view::npos &&
                              line.find("\"timestamp\"") != std::string_view::npos;
    if (jsonlog_keys) return LogFormat::kJsonlog;
    return by_name == LogFormat::kJsonlog ? LogFormat::kJsonlog : LogFormat::kCapture;
  }
  if (const auto comma = line.find(','); comma != std::string_view::npos && is_log_time(line.substr(0, comma))) {
    return LogFormat::kCsvlog;
  }
  if (looks_like_syslog(line)) return LogFormat::kSyslog;
  return LogFormat::kStderr;
}

bool looks_like_stderr_log(std::string_view line) {
  if (line.size() >= 5 && all_digits(line.substr(0, 4)) && line[4] == '-') return true;  // %m, %t
  if (line.size() >= 11 && all_digits(line.substr(0, 10))) return true;                 // %n
  if (line.starts_with('[')) return true;                                                // "[%p]"
  // The empty prefix of PostgreSQL 9.x: the severity first.
  for (std::string_view severity : {"LOG:  ", "ERROR:  ", "FATAL:  ", "WARNING:  ", "NOTICE:  "}) {
    if (line.starts_with(severity)) return true;
  }
  return false;
}

std::optional<SniffedFile> sniff_file(const std::string& path) {
  auto input = InputStream::open(path);
  if (!input) return std::nullopt;
  // At most the first MiB: a file without newlines costs no more than that.
  std::string start(std::size_t{1} << 20, '\0');
  try {
    std::istream& in = (*input)->stream();
    in.read(start.data(), static_cast<std::streamsize>(start.size()));
    start.resize(static_cast<std::size_t>(in.gcount()));
  } catch (...) {
    return std::nullopt;  // unreadable here: reported when the file is really read
  }
  std::string_view rest = start;
  while (!rest.empty()) {
    const auto newline = rest.find('\n');
    const std::string_view line = rest.substr(0, newline);
    if (line.find_first_not_of(" \t\r") != std::string_view::npos) {
      return SniffedFile{format_of_first_line(line, format_of_name(path)), std::string(line)};
    }
    if (newline == std::string_view::npos) break;
    rest.remove_prefix(newline + 1);
  }
  return std::nullopt;
}

}  // namespace pgshadow::capture
