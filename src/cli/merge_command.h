#pragma once
// `pgshadow merge SHARD.json... --report-dir DIR`: the shard reports of one run (a Kubernetes
// Indexed Job's pods, each `verify --shard i/n`) made one report with one verdict, after
// proving that the shards cover the capture exactly once (report::merge_shard_reports).
#include <string>
#include <vector>

#include <CLI/CLI.hpp>

#include "pgshadow/report/renderers.h"

namespace pgshadow::cli {

struct MergeOptions {
  std::vector<std::string> inputs;  // files, or directories searched for report.json
  std::string report_dir;           // report.json, report.xml, report.md, report.html
  std::string report_file;          // the merged JSON alone ("-": standard output)
  std::size_t markdown_budget = report::kDefaultMarkdownBudget;
  bool color = true;
};

void add_merge_command(CLI::App& app, MergeOptions& options);

// 0 safe (or review), 1 breaking (the merged gate's decision), 2 the files are not the shards
// of one run, 3 a shard is missing, a shard could not replay every statement, or a report
// cannot be written.
int run_merge(const MergeOptions& options);

}  // namespace pgshadow::cli
