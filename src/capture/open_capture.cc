// open_capture: from the paths a user named to one EventSource. Each path is one input (a file,
// or a directory of rotated files of one format); inputs are merged by MergedEventSource.
#include <algorithm>
#include <cctype>
#include <filesystem>
#include <optional>
#include <string>
#include <system_error>
#include <utility>
#include <vector>

#include "csvlog_event_source.h"
#include "jsonl_event_source.h"
#include "merged_event_source.h"
#include "pgshadow/capture/event_source.h"

namespace pgshadow::capture {
namespace {

namespace fs = std::filesystem;

enum class Format { kCsvlog, kJsonl };

std::optional<Format> format_of(const fs::path& path) {
  std::string extension = path.extension().string();
  std::transform(extension.begin(), extension.end(), extension.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  if (extension == ".csv") return Format::kCsvlog;
  if (extension == ".jsonl") return Format::kJsonl;
  return std::nullopt;
}

std::optional<std::int64_t> first_timestamp(Format format, const std::string& file) {
  return format == Format::kCsvlog ? CsvlogEventSource::first_timestamp(file)
                                   : JsonlEventSource::first_timestamp(file);
}

struct InputFiles {
  Format format;
  std::vector<std::string> files;  // reading order
  std::string description;
};

// A directory holds the rotated files of one log: read them in the order of their first
// record's time, since names need not sort by time. Files without a timestamp go last.
Result<InputFiles> files_of_directory(const std::string& directory) {
  std::vector<std::string> csv, jsonl;
  std::error_code error;
  for (const auto& entry : fs::directory_iterator(directory, error)) {
    if (!entry.is_regular_file()) continue;
    const auto format = format_of(entry.path());
    if (format) (*format == Format::kCsvlog ? csv : jsonl).push_back(entry.path().string());
  }
  if (error) return Error::bad_input("cannot read directory " + directory + ": " + error.message());
  if (csv.empty() && jsonl.empty()) {
    return Error::bad_input("empty directory: " + directory + " (no .csv or .jsonl files)");
  }
  if (!csv.empty() && !jsonl.empty()) {
    return Error::bad_input("directory " + directory +
                            " holds both .csv and .jsonl files; name one kind at a time");
  }
  const Format format = csv.empty() ? Format::kJsonl : Format::kCsvlog;
  std::vector<std::string>& files = csv.empty() ? jsonl : csv;

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
  InputFiles input{format, {}, {}};
  for (Dated& d : dated) input.files.push_back(std::move(d.file));
  input.description = std::string(format == Format::kCsvlog ? "csvlog" : "capture") + ": " +
                      std::to_string(input.files.size()) + (input.files.size() == 1 ? " file in " : " files in ") +
                      directory;
  return input;
}

Result<InputFiles> resolve(const std::string& path) {
  std::error_code error;
  const fs::file_status status = fs::status(path, error);
  if (!fs::exists(status)) return Error::bad_input("no such file or directory: " + path);
  if (fs::is_directory(status)) return files_of_directory(path);
  const auto format = format_of(path);
  if (!format) {
    return Error::bad_input("unknown capture format: " + path +
                            " (expected a .jsonl capture file or a .csv PostgreSQL csvlog)");
  }
  return InputFiles{*format, {path},
                    std::string(*format == Format::kCsvlog ? "csvlog" : "capture") + ": " + path};
}

}  // namespace

Result<std::unique_ptr<EventSource>> open_capture(const std::vector<std::string>& paths) {
  if (paths.empty()) return Error::bad_input("no capture input given");
  auto merged = std::make_unique<MergedEventSource>();
  for (const std::string& path : paths) {
    auto input = resolve(path);
    if (!input) return input.error();
    InputFiles& files = *input;
    if (files.format == Format::kCsvlog) {
      merged->add_input(std::make_unique<CsvlogEventSource>(
          std::move(files.files), std::move(files.description), merged->problem_sink()));
    } else {
      merged->add_input(std::make_unique<JsonlEventSource>(
          std::move(files.files), std::move(files.description), merged->problem_sink()));
    }
  }
  return std::unique_ptr<EventSource>(std::move(merged));
}

}  // namespace pgshadow::capture
