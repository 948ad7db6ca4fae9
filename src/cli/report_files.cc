#include "report_files.h"

#include <algorithm>
#include <filesystem>
#include <iostream>
#include <string_view>

#include "path_arguments.h"
#include "pgshadow/report/renderers.h"

namespace pgshadow::cli {

namespace fs = std::filesystem;

std::vector<ReportRequest> reports_in_directory(const std::string& directory) {
  const fs::path dir(directory);
  return {{"--report-dir", (dir / "report.json").string(), "json"},
          {"--report-dir", (dir / "report.xml").string(), "junit"},
          {"--report-dir", (dir / "report.md").string(), "md"},
          {"--report-dir", (dir / "report.html").string(), "html"}};
}

Result<ReportFiles> ReportFiles::prepare(const std::string& directory, const std::vector<ReportRequest>& requests,
                                         const std::vector<FileIdentity>& inputs) {
  if (!directory.empty()) {
    if (Status s = check_input_path("--report-dir", directory, PathUse::kDirectory); !s) return s.error();
    std::error_code error;
    fs::create_directories(directory, error);
    if (error) return Error::bad_input("--report-dir " + directory + ": " + error.message());
  }
  ReportFiles files;
  std::vector<std::string> named;  // two flags naming one file would overwrite each other
  for (const auto& [flag, path, format] : requests) {
    const std::string resolved = path == "-" ? path : fs::weakly_canonical(path).string();
    if (std::find(named.begin(), named.end(), resolved) != named.end()) {
      return Error::bad_input(flag + " " + path + ": named by another report option too");
    }
    named.push_back(resolved);
    auto file = OutputFile::prepare(flag, path, inputs);
    if (!file) return file.error();
    files.reports_.push_back({std::move(*file), format});
  }
  return files;
}

bool ReportFiles::write(const nlohmann::json& report, std::size_t markdown_budget) {
  bool all_written = true;
  for (auto& [file, format] : reports_) {
    const std::string text = std::string_view(format) == "md" ? report::render_markdown(report, {markdown_budget})
                                                              : *report::render(report, format);
    if (Status written = file.write(text); !written) {
      std::cerr << "pgshadow: " << written.error().message << "\n";
      all_written = false;
    }
  }
  return all_written;
}

bool ReportFiles::to_standard_output() const {
  return std::any_of(reports_.begin(), reports_.end(), [](const Report& r) { return r.file.is_standard_output(); });
}

}  // namespace pgshadow::cli
