#include "merge_command.h"

#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <iostream>

#include <nlohmann/json.hpp>

#include "pgshadow/core/verdict.h"
#include "pgshadow/report/merge.h"
#include "terminal.h"

namespace pgshadow::cli {
namespace {

namespace fs = std::filesystem;

constexpr const char* kMergeExitCodes =
    "Exit status:\n"
    "  0  safe (or review, unless the shards ran with --fail-on review)\n"
    "  1  breaking: the merged verdict fails the gate\n"
    "  2  the files are not the shards of one run (run id, inputs, shard i/n given twice, filters)\n"
    "  3  a shard is missing, a shard could not replay every statement, or a report cannot be written\n";

// A directory stands for the shard reports under it: DIR/*/report.json and DIR/report.json.
std::vector<std::string> expand(const std::vector<std::string>& inputs) {
  std::vector<std::string> files;
  for (const auto& input : inputs) {
    std::error_code error;
    if (!fs::is_directory(input, error)) {
      files.push_back(input);
      continue;
    }
    std::vector<std::string> found;
    for (const auto& entry : fs::recursive_directory_iterator(input, error)) {
      if (entry.is_regular_file() && entry.path().filename() == "report.json") found.push_back(entry.path().string());
    }
    std::sort(found.begin(), found.end());
    files.insert(files.end(), found.begin(), found.end());
  }
  return files;
}

Result<nlohmann::json> read_report(const std::string& path) {
  std::ifstream in(path);
  if (!in) return Error::bad_input("cannot read " + path);
  try {
    return nlohmann::json::parse(in);
  } catch (const nlohmann::json::parse_error& error) {
    return Error::bad_input(path + ": not valid JSON (" + error.what() + ")");
  }
}

int exit_for(const Error& error) {
  std::cerr << "pgshadow: merge: " << error.message << "\n";
  return static_cast<int>(error.kind == ErrorKind::kBadInput ? ExitCode::kBadInput : ExitCode::kInfrastructure);
}

std::string upper(std::string text) {
  for (char& c : text) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return text;
}

void print_summary(std::ostream& out, const nlohmann::json& merged, bool color) {
  const std::string verdict = merged.contains("gate") ? merged["gate"].value("verdict", "") : merged.value("verdict", "");
  const char* paint = verdict == "breaking" ? "1;31" : verdict == "review" ? "1;33" : "1;32";
  const std::string word = color ? std::string("\033[") + paint + "m" + upper(verdict) + "\033[0m" : upper(verdict);
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
  std::vector<report::ShardReport> shards;
  for (const auto& path : expand(options.inputs)) {
    auto json = read_report(path);
    if (!json) return exit_for(json.error());
    shards.push_back({path, std::move(*json)});
  }
  auto merged = report::merge_shard_reports(shards);
  if (!merged) return exit_for(merged.error());

  std::vector<std::pair<std::string, std::string>> outputs;  // path, format
  if (!options.report_dir.empty()) {
    std::error_code error;
    fs::create_directories(options.report_dir, error);
    if (error) return exit_for(Error::infrastructure("--report-dir " + options.report_dir + ": " + error.message()));
    for (const auto& [name, format] : {std::pair{"report.json", "json"}, {"report.xml", "junit"}, {"report.md", "md"},
                                       {"report.html", "html"}}) {
      outputs.emplace_back((fs::path(options.report_dir) / name).string(), format);
    }
  }
  if (!options.report_file.empty()) outputs.emplace_back(options.report_file, "json");
  bool to_stdout = false;
  for (const auto& [path, format] : outputs) {
    const std::string text = format == "md" ? report::render_markdown(*merged, {options.markdown_budget})
                                            : *report::render(*merged, format);
    if (path == "-") {
      std::cout << text << std::flush;
      to_stdout = true;
      continue;
    }
    std::ofstream out(path);
    out << text;
    if (!out) return exit_for(Error::infrastructure("cannot write " + path));
  }
  std::ostream& summary = to_stdout ? std::cerr : std::cout;
  print_summary(summary, *merged, use_color(options.color, to_stdout ? STDERR_FILENO : STDOUT_FILENO));
  if ((*merged)["accounting"].value("failed", std::uint64_t{0}) > 0) {
    std::cerr << "pgshadow: merge: " << (*merged)["accounting"].value("failed", std::uint64_t{0})
              << " statements could not be replayed in the shards: the run is incomplete\n";
    return static_cast<int>(ExitCode::kInfrastructure);
  }
  if (merged->contains("gate")) return (*merged)["gate"].value("exit_code", 0);
  return (*merged)["verdict"] == "breaking" ? static_cast<int>(ExitCode::kBreaking) : 0;
}

}  // namespace pgshadow::cli
