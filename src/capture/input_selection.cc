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

namespace pgshadow::capture {
namespace {

namespace fs = std::filesystem;

// A stderr file's time needs its log_line_prefix: guessed from the file's first lines (the
// reader later uses the prefix the user gave, or the same guess). A compressed file, or one
// no known prefix fits, has no time here and goes last, by name.
std::optional<std::int64_t> stderr_first_timestamp(const std::string& file) {
  if (file.size() > 3 && file.compare(file.size() - 3, 3, ".gz") == 0) return std::nullopt;
  std::ifstream in(file, std::ios::binary);
  std::vector<std::string> first_lines;
  for (std::string line; first_lines.size() < 200 && std::getline(in, line);) first_lines.push_back(line);
  auto guess = guess_log_line_prefix(first_lines, file);
  if (!guess) return std::nullopt;
  auto prefix = LinePrefix::compile(guess->log_line_prefix);
  if (!prefix) return std::nullopt;
  return StderrEventSource::first_timestamp(file, *prefix);
}

std::optional<std::int64_t> first_timestamp(LogFormat format, const std::string& file) {
  switch (format) {
    case LogFormat::kCsvlog: return CsvlogEventSource::first_timestamp(file);
    case LogFormat::kJsonlog: return JsonlogEventSource::first_timestamp(file);
    case LogFormat::kCapture: return JsonlEventSource::first_timestamp(file);
    case LogFormat::kStderr: return stderr_first_timestamp(file);
  }
  return std::nullopt;
}

// Rotated files are read in the order of their first record's time, since names need not sort
// by time. Files without a timestamp go last, by name.
std::vector<std::string> in_reading_order(LogFormat format, std::vector<std::string> files) {
  struct Dated {
    std::optional<std::int64_t> first;
    std::string file;
  };
  std::vector<Dated> dated;
  for (std::string& file : files) dated.push_back({first_timestamp(format, file), std::move(file)});
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
Result<InputSelection> select_among(const std::vector<std::string>& files, const std::string& where) {
  std::map<LogFormat, std::vector<std::string>> by_format;  // ordered: most structured first
  for (const std::string& file : files) {
    if (const auto format = format_of_name(file)) by_format[*format].push_back(file);
  }
  if (by_format.empty()) {
    return Error::bad_input("no log or capture files " + where +
                            " (expected .csv, .json, .log or .jsonl files, optionally .gz)");
  }
  if (by_format.contains(LogFormat::kCapture) && by_format.size() > 1) {
    return Error::bad_input("both pgshadow captures (.jsonl) and server logs " + where +
                            "; name one kind at a time");
  }
  auto chosen = by_format.begin();
  InputSelection selection{chosen->first, in_reading_order(chosen->first, std::move(chosen->second)), {}};
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
  return selection;
}

Result<InputSelection> select_in_directory(const std::string& directory) {
  std::vector<std::string> files;
  std::error_code error;
  for (const auto& entry : fs::directory_iterator(directory, error)) {
    if (entry.is_regular_file()) files.push_back(entry.path().string());
  }
  if (error) return Error::bad_input("cannot read directory " + directory + ": " + error.message());
  return select_among(files, "in " + directory);
}

bool is_glob_pattern(const std::string& path) { return path.find_first_of("*?[") != std::string::npos; }

Result<InputSelection> select_matching(const std::string& pattern) {
  glob_t matches{};
  const int status = ::glob(pattern.c_str(), 0, nullptr, &matches);
  std::vector<std::string> files;
  for (std::size_t i = 0; status == 0 && i < matches.gl_pathc; ++i) {
    std::error_code ignored;
    if (fs::is_regular_file(matches.gl_pathv[i], ignored)) files.emplace_back(matches.gl_pathv[i]);
  }
  ::globfree(&matches);
  if (files.empty()) return Error::bad_input("no file matches " + pattern);
  return select_among(files, "matching " + pattern);
}

}  // namespace

Result<InputSelection> select_input(const std::string& path) {
  std::error_code error;
  const fs::file_status status = fs::status(path, error);
  if (!fs::exists(status)) {
    if (is_glob_pattern(path)) return select_matching(path);
    return Error::bad_input("no such file or directory: " + path);
  }
  if (fs::is_directory(status)) return select_in_directory(path);
  const auto format = format_of_name(path);
  if (!format) {
    return Error::bad_input("unknown capture format: " + path +
                            " (expected a .jsonl capture, or a PostgreSQL log: .csv csvlog, .json "
                            "jsonlog or .log stderr; any of them may be .gz)");
  }
  return InputSelection{*format, {path}, std::string(format_name(*format)) + ": " + path};
}

}  // namespace pgshadow::capture
