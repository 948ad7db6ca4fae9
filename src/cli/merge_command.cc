#include "merge_command.h"

#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <iostream>

#include <nlohmann/json.hpp>

#include "pgshadow/util/ascii_case.h"
#include "pgshadow/core/verdict.h"
#include "pgshadow/report/merge.h"
#include "exit_status.h"
#include "path_arguments.h"
#include "report_files.h"
#include "terminal.h"

namespace pgshadow::cli {
namespace {

namespace fs = std::filesystem;

constexpr const char* kMergeExitCodes =
    "Exit status:\n"
    "  0  safe (or review, unless the shards ran with --fail-on review)\n"
    "  1  breaking: the merged verdict fails the gate\n"
    "  2  bad usage, or the files are not the shard reports of one run (not a pgshadow report, another\n"
    "     run id, other inputs or filters, a shard i/n given twice)\n"
    "  3  a shard is missing or was interrupted, a shard could not replay every statement, or a report\n"
    "     cannot be written\n";

// A directory stands for the shard reports under it: DIR/*/report.json and DIR/report.json,
// except those in the merge's own --report-dir (an earlier merge of the same shards).
std::vector<std::string> expand(const std::vector<std::string>& inputs, const std::string& report_dir) {
  std::error_code error;
  const fs::path merged = report_dir.empty() ? fs::path() : fs::weakly_canonical(report_dir, error);
  std::vector<std::string> files;
  for (const auto& input : inputs) {
    if (!fs::is_directory(input, error)) {
      files.push_back(input);
      continue;
    }
    std::vector<std::string> found;
    for (const auto& entry : fs::recursive_directory_iterator(input, error)) {
      if (!entry.is_regular_file() || entry.path().filename() != "report.json") continue;
      if (!merged.empty() && fs::weakly_canonical(entry.path().parent_path(), error) == merged) continue;
      found.push_back(entry.path().string());
    }
    std::sort(found.begin(), found.end());
    files.insert(files.end(), found.begin(), found.end());
  }
  return files;
}

// A shard report is read once (it may be a FIFO, as `pgshadow report` reads one).
Result<nlohmann::json> read_report(const std::string& path) {
  auto text = read_input_once("merge", path);
  if (!text) return text.error();
  try {
    return nlohmann::json::parse(*text);
  } catch (const nlohmann::json::parse_error& error) {
    return Error::bad_input(path + ": not valid JSON (" + error.what() + ")");
  }
}

int exit_for(const Error& error) { return exit_status_for(error, "pgshadow: merge"); }


void print_summary(std::ostream& out, const nlohmann::json& merged, bool color) {
  const std::string verdict = merged.contains("gate") ? merged["gate"].value("verdict", "") : merged.value("verdict", "");
  const char* paint = verdict == "breaking" ? "1;31" : verdict == "review" ? "1;33" : "1;32";
  const std::string word = color ? std::string("\033[") + paint + "m" + ascii_upper(verdict) + "\033[0m" : ascii_upper(verdict);
  out << "pgshadow merge — run " << merged["run"].value("id", "") << "\n"
      << "  " << merged["coverage"].value("statement", "") << "\n\n"
      << "VERDICT: " << word << "\n";
  for (const auto& reason : merged.value("verdict_reasons", nlohmann::json::array())) {
    out << "  " << reason.get<std::string>() << "\n";
  }
  std::size_t shown = 0;
  for (const auto& shape : merged["shapes"]) {
    if (shape.value("severity", "none") != "breaking" || shown == 10) continue;
    out << "  BREAKING  " << shape.value("normalized", "") << "\n";
    ++shown;
  }
  for (const auto& shard : merged["merged_from"]) {
    out << "  shard " << shard.value("shard", "") << ": " << shard.value("verdict", "") << " (" << shard.value("path", "")
        << ")\n";
  }
}

}  // namespace

void add_merge_command(CLI::App& app, MergeOptions& options) {
  CLI::App* merge = app.add_subcommand(
      "merge",
      "Combine the shard reports of one run (verify --shard i/n, one process each) into one report with one "
      "verdict and one accounting, after checking that the shards cover the capture exactly once.\n\n"
      "  pgshadow merge reports/shard-*/report.json --report-dir reports/merged\n"
      "  pgshadow merge reports/ --report-dir reports/merged      (every report.json below reports/)");
  merge->footer(kMergeExitCodes);
  merge->add_option("shards", options.inputs, "Shard JSON reports, or directories holding them")
      ->required()
      ->type_name("SHARD.json|DIR");
  merge->add_option("--report-dir", options.report_dir,
                    "Write the merged report in every format into DIR: report.json, report.xml, report.md, report.html")
      ->type_name("DIR");
  merge->add_option("--report", options.report_file, "Write the merged JSON report here; - for standard output")
      ->type_name("FILE");
  merge->add_option("--markdown-budget", options.markdown_budget, "The Markdown report stays under this many bytes")
      ->capture_default_str()
      ->check(CLI::Range(std::size_t{1000}, std::size_t{100'000'000}))
      ->type_name("BYTES");
  merge->add_flag("!--no-color", options.color, "No colors in the summary");
}

int run_merge(const MergeOptions& options) {
  const std::vector<std::string> paths = expand(options.inputs, options.report_dir);
  std::vector<FileIdentity> inputs;  // no output may overwrite a shard report
  for (const auto& path : paths) {
    auto identities = identities_of(path);
    inputs.insert(inputs.end(), identities.begin(), identities.end());
  }
  std::vector<ReportRequest> requests;
  if (!options.report_dir.empty()) requests = reports_in_directory(options.report_dir);
  if (!options.report_file.empty()) requests.push_back({"--report", options.report_file, "json"});
  auto outputs = ReportFiles::prepare(options.report_dir, requests, inputs);
  if (!outputs) return exit_for(outputs.error());

  std::vector<report::ShardReport> shards;
  for (const auto& path : paths) {
    auto json = read_report(path);
    if (!json) return exit_for(json.error());
    shards.push_back({path, std::move(*json)});
  }
  auto merged = report::merge_shard_reports(shards);
  if (!merged) return exit_for(merged.error());

  const bool all_written = outputs->write(*merged, options.markdown_budget);
  const bool to_stdout = outputs->to_standard_output();
  std::ostream& summary = to_stdout ? std::cerr : std::cout;
  print_summary(summary, *merged, use_color(options.color, to_stdout ? STDERR_FILENO : STDOUT_FILENO));
  if ((*merged)["accounting"].value("failed", std::uint64_t{0}) > 0) {
    std::cerr << "pgshadow: merge: " << (*merged)["accounting"].value("failed", std::uint64_t{0})
              << " statements could not be replayed in the shards: the run is incomplete\n";
    return static_cast<int>(ExitCode::kInfrastructure);
  }
  if (!all_written) return static_cast<int>(ExitCode::kInfrastructure);
  if (merged->contains("gate")) return (*merged)["gate"].value("exit_code", 0);
  return (*merged)["verdict"] == "breaking" ? static_cast<int>(ExitCode::kBreaking) : 0;
}

}  // namespace pgshadow::cli
