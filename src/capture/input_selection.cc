#include "input_selection.h"

#include <glob.h>

#include <algorithm>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <map>
#include <optional>
#include <system_error>
#include <utility>

#include "csvlog_event_source.h"
#include "jsonl_event_source.h"
#include "jsonlog_event_source.h"
#include "stderr_event_source.h"
#include "stderr_line_prefix.h"
#include "stderr_prefix_guess.h"
#include "syslog_line.h"

namespace pgshadow::capture {
namespace {

namespace fs = std::filesystem;

// A stderr file's time needs its log_line_prefix: the one given, or guessed from the file's first
// lines (the reader later uses the prefix given, or the same guess). A file no prefix fits has no
// time here and goes last, by name.
std::optional<std::int64_t> stderr_first_timestamp(const std::string& file, const SelectionContext& context,
                                                   bool syslog) {
  std::string prefix_text;
  if (context.log_line_prefix) {
    prefix_text = *context.log_line_prefix;
  } else {
    auto in = InputStream::open(file);
    if (!in) return std::nullopt;
    std::vector<std::string> first_lines;
    SyslogLine unwrapped;
    try {
      for (std::string line; first_lines.size() < 2000 && std::getline((*in)->stream(), line);) {
        if (line.ends_with('\r')) line.pop_back();
        if (syslog && parse_syslog_line(line, unwrapped)) line = unwrapped.text;
        first_lines.push_back(std::move(line));
      }
    } catch (...) {
      return std::nullopt;
    }
    auto guess = guess_log_line_prefix(first_lines, file);
    if (!guess) return std::nullopt;
    prefix_text = guess->log_line_prefix;
  }
  auto prefix = LinePrefix::compile(prefix_text);
  if (!prefix) return std::nullopt;
  return StderrEventSource::first_timestamp(file, *prefix, context.zone, syslog);
}

std::optional<std::int64_t> first_timestamp(LogFormat format, const std::string& file,
                                            const SelectionContext& context) {
  switch (format) {
    case LogFormat::kCsvlog: return CsvlogEventSource::first_timestamp(file, context.zone);
    case LogFormat::kJsonlog: return JsonlogEventSource::first_timestamp(file, context.zone);
    case LogFormat::kCapture: return JsonlEventSource::first_timestamp(file);
    case LogFormat::kStderr: return stderr_first_timestamp(file, context, false);
    case LogFormat::kSyslog: return stderr_first_timestamp(file, context, true);
  }
  return std::nullopt;
}

// A file's format by its content (by its name when it is empty). A file that sniffs as a stderr
// log is taken only when its name or first line says it is a log, or a prefix was given: other
// files (a README, in a directory) are named as ignored.
std::optional<LogFormat> format_of(const std::string& file, const SelectionContext& context) {
  const auto sniffed = sniff_file(file);
  const auto by_name = format_of_name(file);
  if (!sniffed) return by_name;
  if (sniffed->format != LogFormat::kStderr) return sniffed->format;
  if (by_name == LogFormat::kStderr || context.log_line_prefix || looks_like_stderr_log(sniffed->first_line)) {
    return LogFormat::kStderr;
  }
  return std::nullopt;
}

// Rotated files are read in the order of their first record's time, since names need not sort
// by time. Files without a timestamp go last, by name.
std::vector<std::string> in_reading_order(LogFormat format, std::vector<std::string> files,
                                          const SelectionContext& context) {
  struct Dated {
    std::optional<std::int64_t> first;
    std::string file;
  };
  std::vector<Dated> dated;
  for (std::string& file : files) dated.push_back({first_timestamp(format, file, context), std::move(file)});
  std::sort(dated.begin(), dated.end(), [](const Dated& a, const Dated& b) {
    if (a.first.has_value() != b.first.has_value()) return a.first.has_value();
    if (a.first != b.first) return *a.first < *b.first;
    return a.file < b.file;
  });
  std::vector<std::string> ordered;
  for (Dated& d : dated) ordered.push_back(std::move(d.file));
  return ordered;
}

std::string count_of_files(std::size_t n, std::string_view format = {}) {
  std::string text = std::to_string(n) + " ";
  if (!format.empty()) text += std::string(format) + " ";
  return text + (n == 1 ? "file" : "files");
}

// `files` found `where` ("in DIR", "matching PATTERN"): the format to read and the others
// named as ignored.
Result<InputSelection> select_among(const std::vector<std::string>& files, const std::string& where,
                                    const SelectionContext& context) {
  std::map<LogFormat, std::vector<std::string>> by_format;  // ordered: most structured first
  std::size_t other_files = 0;
  for (const std::string& file : files) {
    if (const auto format = format_of(file, context)) {
      by_format[*format].push_back(file);
    } else {
      ++other_files;
    }
  }
  if (by_format.empty()) {
    return Error::bad_input("no log or capture files " + where +
                            " (PostgreSQL csvlog, jsonlog, stderr or syslog logs, or .jsonl captures, "
                            "plain or .gz, .bz2, .xz)");
  }
  if (by_format.contains(LogFormat::kCapture) && by_format.size() > 1) {
    return Error::bad_input("both pgshadow captures (.jsonl) and server logs " + where +
                            "; name one kind at a time");
  }
  auto chosen = by_format.begin();
  InputSelection selection{chosen->first, in_reading_order(chosen->first, std::move(chosen->second), context), {}};
  selection.description = std::string(format_name(selection.format)) + ": " +
                          count_of_files(selection.files.size()) + " " + where;
  // "3 jsonlog and 3 stderr files": the noun once, after the last count.
  std::string ignored;
  for (auto it = std::next(chosen); it != by_format.end(); ++it) {
    const bool last = std::next(it) == by_format.end();
    if (!ignored.empty()) ignored += last ? " and " : ", ";
    ignored += last ? count_of_files(it->second.size(), format_name(it->first))
                    : std::to_string(it->second.size()) + " " + std::string(format_name(it->first));
  }
  if (!ignored.empty()) selection.description += " (also found " + ignored + ": ignored, same traffic)";
  if (other_files > 0) {
    selection.description += " (" + std::to_string(other_files) + (other_files == 1 ? " other file" : " other files") +
                             " ignored: not a log)";
  }
  return selection;
}

Result<InputSelection> select_in_directory(const std::string& directory, const SelectionContext& context) {
  std::vector<std::string> files;
  std::error_code error;
  for (const auto& entry : fs::directory_iterator(directory, error)) {
    if (entry.is_regular_file()) files.push_back(entry.path().string());
  }
  if (error) return Error::bad_input("cannot read directory " + directory + ": " + error.message());
  return select_among(files, "in " + directory, context);
}

bool is_glob_pattern(const std::string& path) { return path.find_first_of("*?[") != std::string::npos; }

Result<InputSelection> select_matching(const std::string& pattern, const SelectionContext& context) {
  glob_t matches{};
  const int status = ::glob(pattern.c_str(), 0, nullptr, &matches);
  std::vector<std::string> files;
  for (std::size_t i = 0; status == 0 && i < matches.gl_pathc; ++i) {
    std::error_code ignored;
    if (fs::is_regular_file(matches.gl_pathv[i], ignored)) files.emplace_back(matches.gl_pathv[i]);
  }
  ::globfree(&matches);
  if (files.empty()) return Error::bad_input("no file matches " + pattern);
  return select_among(files, "matching " + pattern, context);
}

}  // namespace

Result<InputSelection> select_input(const std::string& path, const SelectionContext& context) {
  std::error_code error;
  const fs::file_status status = fs::status(path, error);
  if (!fs::exists(status)) {
    if (is_glob_pattern(path)) return select_matching(path, context);
    return Error::bad_input("no such file or directory: " + path);
  }
  if (fs::is_directory(status)) return select_in_directory(path, context);
  const auto format = format_of(path, context);
  if (!format) {
    return Error::bad_input("unknown capture format: " + path +
                            " (by its content, not a PostgreSQL log (csvlog, jsonlog, stderr, syslog) nor a "
                            "pgshadow .jsonl capture; plain or .gz, .bz2, .xz; for a stderr log of an unusual "
                            "prefix, give --log-line-prefix)");
  }
  return InputSelection{*format, {path}, std::string(format_name(*format)) + ": " + path};
}

}  // namespace pgshadow::capture
