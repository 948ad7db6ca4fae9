#include "stderr_settings.h"

#include <charconv>
#include <filesystem>
#include <fstream>
#include <map>
#include <iterator>
#include <optional>
#include <sstream>
#include <vector>

namespace pgshadow::capture {
namespace {

constexpr std::string_view kName = "log_line_prefix";
constexpr std::string_view kSettingNames[] = {"log_line_prefix", "log_timezone", "log_parameter_max_length"};

bool is_space(char c) { return c == ' ' || c == '\t'; }

std::string_view trim(std::string_view text) {
  while (!text.empty() && is_space(text.front())) text.remove_prefix(1);
  while (!text.empty() && (is_space(text.back()) || text.back() == '\r')) text.remove_suffix(1);
  return text;
}

std::vector<std::string_view> lines_of(std::string_view text) {
  std::vector<std::string_view> lines;
  while (!text.empty()) {
    const auto newline = text.find('\n');
    std::string_view line = text.substr(0, newline);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    lines.push_back(line);
    if (newline == std::string_view::npos) break;
    text.remove_prefix(newline + 1);
  }
  return lines;
}

// The body of a postgresql.conf quoted value after its opening quote, as the server's
// configuration lexer undoes it (guc-file.l, DeescapeQuotedString): '' is a quote, backslash
// escapes \b \f \n \r \t and octal \ooo, any other \x is x. nullopt when the quote never closes.
std::optional<std::string> unquote_conf_value(std::string_view body) {
  std::string value;
  for (std::size_t i = 0; i < body.size(); ++i) {
    const char c = body[i];
    if (c == '\'') {
      if (i + 1 < body.size() && body[i + 1] == '\'') {
        value.push_back('\'');
        ++i;
        continue;
      }
      return value;
    }
    if (c != '\\' || i + 1 == body.size()) {
      value.push_back(c);
      continue;
    }
    const char e = body[++i];
    switch (e) {
      case 'b': value.push_back('\b'); break;
      case 'f': value.push_back('\f'); break;
      case 'n': value.push_back('\n'); break;
      case 'r': value.push_back('\r'); break;
      case 't': value.push_back('\t'); break;
      default:
        if (e >= '0' && e <= '7') {
          int code = e - '0';
          for (int k = 0; k < 2 && i + 1 < body.size() && body[i + 1] >= '0' && body[i + 1] <= '7'; ++k) {
            code = code * 8 + (body[++i] - '0');
          }
          value.push_back(static_cast<char>(code));
        } else {
          value.push_back(e);
        }
    }
  }
  return std::nullopt;
}

// A "NAME [=] value" line of postgresql.conf: nullopt when the line is something else; an Error
// when its quote is not closed.
std::optional<Result<std::string>> conf_value(std::string_view line, const std::string& where,
                                              std::string_view name = kName) {
  line = trim(line);
  if (!line.starts_with(name)) return std::nullopt;
  std::string_view rest = line.substr(name.size());
  if (rest.empty() || (!is_space(rest.front()) && rest.front() != '=')) return std::nullopt;
  rest = trim(rest);
  if (rest.starts_with('=')) rest = trim(rest.substr(1));
  if (rest.starts_with('\'')) {
    auto value = unquote_conf_value(rest.substr(1));
    if (!value) {
      return Result<std::string>(Error::bad_input(where + ": unterminated quoted value of " + std::string(name)));
    }
    return Result<std::string>(std::move(*value));
  }
  // An unquoted value is one word; a comment may follow.
  const auto end = rest.find_first_of(" \t#");
  return Result<std::string>(std::string(rest.substr(0, end)));
}

bool is_table_rule(std::string_view line) {
  line = trim(line);
  return !line.empty() && line.find_first_not_of("-+") == std::string_view::npos;
}

}  // namespace

Result<std::string> log_line_prefix_from_settings(std::string_view text, const std::string& file_name) {
  const std::vector<std::string_view> lines = lines_of(text);

  // postgresql.conf: the last setting wins, as in the server.
  std::optional<Result<std::string>> setting;
  for (std::size_t i = 0; i < lines.size(); ++i) {
    auto value = conf_value(lines[i], file_name + ":" + std::to_string(i + 1));
    if (value && !*value) return value->error();
    if (value) setting = std::move(value);
  }
  if (setting) return std::move(*setting);

  // psql's aligned SHOW output: header, rule, then " value" (one space of cell padding).
  for (std::size_t i = 0; i + 2 < lines.size(); ++i) {
    if (trim(lines[i]) == kName && is_table_rule(lines[i + 1])) {
      std::string_view value = lines[i + 2];
      if (value.starts_with(' ')) value.remove_prefix(1);
      return std::string(value);
    }
  }

  // `postgres -C` / `psql -At`: the value alone (possibly empty).
  if (lines.size() <= 1) return std::string(lines.empty() ? std::string_view{} : lines[0]);
  return Error::bad_input(file_name + ": no log_line_prefix setting found (expected a postgresql.conf "
                          "line \"log_line_prefix = '...'\", the output of SHOW log_line_prefix, or "
                          "the output of postgres -C log_line_prefix)");
}

Result<std::string> read_log_line_prefix_setting(const std::string& file) {
  std::ifstream in(file, std::ios::binary);
  if (!in) return Error::bad_input("cannot read settings file " + file);
  std::ostringstream text;
  text << in.rdbuf();
  return log_line_prefix_from_settings(text.str(), file);
}

Result<std::map<std::string, std::string>> conf_settings(std::string_view text, const std::string& file_name) {
  std::map<std::string, std::string> settings;
  const std::vector<std::string_view> lines = lines_of(text);
  for (std::size_t i = 0; i < lines.size(); ++i) {
    for (std::string_view name : kSettingNames) {
      auto value = conf_value(lines[i], file_name + ":" + std::to_string(i + 1), name);
      if (!value) continue;
      if (!*value) return value->error();
      settings[std::string(name)] = std::move(**value);  // the last line wins, as in the server
    }
  }
  return settings;
}

namespace {

std::optional<std::string> read_whole(const std::string& file) {
  std::ifstream in(file, std::ios::binary);
  if (!in) return std::nullopt;
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

void take(std::map<std::string, std::string>& settings, const std::string& from, LogSettings& out) {
  for (auto& [name, value] : settings) {
    if (name == "log_line_prefix") {
      out.log_line_prefix = value;
      out.log_line_prefix_from = from;
    } else if (name == "log_timezone") {
      out.log_timezone = value;
      out.log_timezone_from = from;
    } else if (name == "log_parameter_max_length") {
      int length = 0;
      const auto [end, ec] = std::from_chars(value.data(), value.data() + value.size(), length);
      if (ec == std::errc() && end == value.data() + value.size()) out.log_parameter_max_length = length;
    }
  }
}

}  // namespace

Result<LogSettings> read_log_settings(const std::string& file) {
  std::error_code error;
  if (std::filesystem::is_directory(file, error)) {
    return Error::bad_input("--log-settings names a directory, " + file +
                            ": name the server's postgresql.conf (postgresql.auto.conf beside it is read too)");
  }
  const auto text = read_whole(file);
  if (!text) return Error::bad_input("cannot read settings file " + file);
  LogSettings out;
  auto settings = conf_settings(*text, file);
  if (!settings) return settings.error();
  if (settings->empty()) {
    // Not a postgresql.conf: the output of SHOW log_line_prefix or postgres -C log_line_prefix.
    auto prefix = log_line_prefix_from_settings(*text, file);
    if (!prefix) return prefix.error();
    out.log_line_prefix = std::move(*prefix);
    out.log_line_prefix_from = file;
    return out;
  }
  take(*settings, file, out);
  // The server reads postgresql.auto.conf (ALTER SYSTEM) after postgresql.conf: it wins.
  const std::filesystem::path beside = std::filesystem::path(file).parent_path() / "postgresql.auto.conf";
  if (std::filesystem::path(file).filename() != "postgresql.auto.conf") {
    if (const auto auto_text = read_whole(beside.string())) {
      auto auto_settings = conf_settings(*auto_text, beside.string());
      if (!auto_settings) return auto_settings.error();
      take(*auto_settings, beside.string(), out);
    }
  }
  return out;
}

}  // namespace pgshadow::capture
