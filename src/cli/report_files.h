#pragma once
// The report files a command writes (`verify`, `merge`): --report-dir's four files and the
// one-format flags, each checked before the command does its work and written whole or not at
// all (OutputFile), from the one JSON report every format is rendered from.
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "output_file.h"
#include "pgshadow/util/result.h"

namespace pgshadow::cli {

struct ReportRequest {
  std::string flag;    // the option that named it, for messages: "--report-dir", "--junit"
  std::string path;    // "-": standard output
  const char* format;  // as report::render names it: json, junit, md, html
};

// --report-dir DIR's files: report.json, report.xml (JUnit), report.md, report.html.
std::vector<ReportRequest> reports_in_directory(const std::string& directory);

class ReportFiles {
 public:
  struct Report {
    OutputFile file;
    const char* format;
  };

  // Creates `directory` (--report-dir) when given, then checks every request for writing.
  // kBadInput naming the flag and path: a directory that cannot be made, a path named twice, a
  // path that is one of `inputs` or cannot be written (OutputFile::prepare).
  static Result<ReportFiles> prepare(const std::string& directory, const std::vector<ReportRequest>& requests,
                                     const std::vector<FileIdentity>& inputs);

  // Renders `report` in each format (Markdown within `markdown_budget` bytes) and writes each
  // whole. Every file is attempted; false when one could not be written (each named on stderr).
  bool write(const nlohmann::json& report, std::size_t markdown_budget);

  // A report goes to standard output: the command's summary then goes to standard error.
  bool to_standard_output() const;
  const std::vector<Report>& reports() const { return reports_; }

 private:
  std::vector<Report> reports_;
};

}  // namespace pgshadow::cli
