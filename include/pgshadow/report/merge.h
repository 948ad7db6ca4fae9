#pragma once
// One report from the shard reports of one run (`verify --shard i/n`, one process each, e.g. a
// Kubernetes Indexed Job): one verdict, one accounting, every shape once. Reads only the JSON
// contract (docs/report-format.md), like the renderers. Pure functions, thread-safe.
//
// Before merging it proves that the shards cover the capture exactly once: the same run id,
// the same inputs (baseline, migrations and captures with their digests), shard i/n for every i
// in 0..n-1 exactly once, and counts that add up (each shard read the same events; the events
// that no shard replayed are exactly those the other filters left out).
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "pgshadow/util/result.h"

namespace pgshadow::report {

struct ShardReport {
  std::string path;  // named in errors and in merged_from
  nlohmann::json report;
};

// The merged report: format 1 plus `merged_from` (each shard's path, shard, verdict, wall
// time) and `coverage` ({run, shards, events, exactly_once: true, statement}). Errors:
// kBadInput when the files are not shards of one run (naming the file and the difference);
// kInfrastructure when a shard is missing (the run is incomplete: its verdict is unproven).
Result<nlohmann::json> merge_shard_reports(const std::vector<ShardReport>& shards);

}  // namespace pgshadow::report
