// Shards of one run hold disjoint sets of whole sessions of one capture: counts add, a shape
// seen by several shards is one shape, and each shard read every event (the shard filter keeps
// its own sessions and counts the others as "other shard").
#include "pgshadow/report/merge.h"

#include <algorithm>
#include <map>
#include <set>

#include "pgshadow/core/divergence_class.h"
#include "pgshadow/report/renderers.h"

namespace pgshadow::report {
namespace {

using nlohmann::json;

constexpr const char* kOtherShard = "other shard";
// Applied after the shard filter (event_filter.cc): counted only among a shard's own sessions.
constexpr const char* kSessionSample = "not in the session sample";

std::uint64_t count_of(const json& object, const char* key) { return object.value(key, std::uint64_t{0}); }

void add_counts(json& into, const json& from) {
  for (const auto& [key, value] : from.items()) {
    if (value.is_number_unsigned() || value.is_number_integer()) {
      into[key] = into.value(key, std::uint64_t{0}) + value.get<std::uint64_t>();
    }
  }
}

int severity_rank(const std::string& severity) { return severity == "breaking" ? 2 : severity == "review" ? 1 : 0; }
int verdict_rank(const std::string& verdict) { return severity_rank(verdict == "safe" ? "none" : verdict); }

std::string shard_name(const json& report) {
  const json shard = report["run"]["shard"];
  return std::to_string(shard.value("index", 0)) + "/" + std::to_string(shard.value("count", 1));
}

// What must be the same in every shard of one run, as one comparable value.
json identity_of(const json& report) {
  const json inputs = report.value("inputs", json::object());
  return {{"baseline", inputs.value("baseline", json())},
          {"migrations", inputs.value("migrations", json::array())},
          {"captures", inputs.value("captures", json::array())},
          {"capture_description", inputs.value("capture_description", json())}};
}

std::string first_difference(const json& a, const json& b) {
  for (const char* key : {"baseline", "migrations", "captures", "capture_description"}) {
    if (a[key] != b[key]) return std::string(key) + " (" + a[key].dump() + " here, " + b[key].dump() + " there)";
  }
  return "";
}

Status check_shards(const std::vector<ShardReport>& shards) {
  if (shards.empty()) return Error::bad_input("merge: no shard report given");
  const ShardReport& first = shards.front();
  for (const ShardReport& shard : shards) {
    if (Status s = check_report_json(shard.report, shard.path); !s) return s;
    if (!shard.report.contains("run") || !shard.report["run"].is_object()) {
      return Error::bad_input(shard.path + ": no run id and shard (written by an older pgshadow: verify again)");
    }
    const std::string id = shard.report["run"].value("id", "");
    const std::string expected = first.report["run"].value("id", "");
    if (id != expected) {
      return Error::bad_input(shard.path + ": run '" + id + "', but " + first.path + " is run '" + expected +
                              "': the shards of one run share --run-id");
    }
    if (const std::string d = first_difference(identity_of(shard.report), identity_of(first.report)); !d.empty()) {
      return Error::bad_input(shard.path + ": not the same inputs as " + first.path + ": " + d);
    }
    if (shard.report.contains("interrupted") && shard.report["interrupted"].is_object()) {
      const json& stop = shard.report["interrupted"];
      return Error::infrastructure(shard.path + ": shard " + shard_name(shard.report) + " was interrupted by " +
                                   stop.value("signal", "a signal") + " during the " + stop.value("during", "run") +
                                   ": its report is partial (run the shard again)");
    }
    const std::uint64_t events = count_of(shard.report["accounting"], "events");
    if (events != count_of(first.report["accounting"], "events")) {
      return Error::bad_input(shard.path + ": read " + std::to_string(events) + " events, " + first.path + " " +
                              std::to_string(count_of(first.report["accounting"], "events")) +
                              ": not the same capture");
    }
  }
  const int count = first.report["run"]["shard"].value("count", 1);
  std::map<int, std::string> seen;
  for (const ShardReport& shard : shards) {
    const json s = shard.report["run"]["shard"];
    if (s.value("count", 1) != count) {
      return Error::bad_input(shard.path + ": shard " + shard_name(shard.report) + ", but " + first.path +
                              " is one of " + std::to_string(count));
    }
    const auto [it, inserted] = seen.emplace(s.value("index", 0), shard.path);
    if (!inserted) {
      return Error::bad_input("shard " + shard_name(shard.report) + " given twice: " + it->second + " and " +
                              shard.path);
    }
  }
  std::string missing;
  for (int i = 0; i < count; ++i) {
    if (!seen.contains(i)) missing += (missing.empty() ? "" : ", ") + std::to_string(i) + "/" + std::to_string(count);
  }
  if (!missing.empty()) {
    return Error::infrastructure("shard " + missing + " missing: the run " + first.report["run"].value("id", "") +
                                 " is incomplete and its verdict unproven (" + std::to_string(shards.size()) + " of " +
                                 std::to_string(count) + " shard reports given)");
  }
  return Status::success();
}

// The events that no shard kept: those left out before the shard filter, the same in every
// shard; replayed or sampled-out events are each in exactly one shard.
Status check_coverage(const std::vector<ShardReport>& shards, json& coverage) {
  const json& first = shards.front().report["accounting"];
  const std::uint64_t events = count_of(first, "events");
  json before_shard = first.value("filtered_by_reason", json::object());
  before_shard.erase(kOtherShard);
  before_shard.erase(kSessionSample);
  std::uint64_t filtered_before = 0;
  for (const auto& [reason, n] : before_shard.items()) filtered_before += n.get<std::uint64_t>();
  std::uint64_t in_shards = 0;
  for (const ShardReport& shard : shards) {
    const json& a = shard.report["accounting"];
    json reasons = a.value("filtered_by_reason", json::object());
    const std::uint64_t sampled_out = count_of(reasons, kSessionSample);
    reasons.erase(kOtherShard);
    reasons.erase(kSessionSample);
    if (reasons != before_shard) {
      return Error::bad_input(shard.path + ": filtered " + reasons.dump() + " before sharding, " + shards.front().path +
                              " " + before_shard.dump() + ": not the same filters");
    }
    in_shards += count_of(a, "compared") + count_of(a, "skipped") + count_of(a, "failed") +
                 count_of(a, "not_replayed") + sampled_out;
  }
  if (in_shards + filtered_before != events) {
    return Error::bad_input("the shards do not cover the capture exactly once: " + std::to_string(in_shards) +
                            " events in the shards + " + std::to_string(filtered_before) +
                            " filtered before sharding != " + std::to_string(events) + " events read");
  }
  const std::string id = shards.front().report["run"].value("id", "");
  coverage = {{"run", id},
              {"shards", shards.size()},
              {"events", events},
              {"exactly_once", true},
              {"statement", std::to_string(shards.size()) + " shards of run " + id + " cover the capture's " +
                                std::to_string(events) + " events exactly once (" + std::to_string(in_shards) +
                                " in the shards, " + std::to_string(filtered_before) + " filtered before sharding)"}};
  return Status::success();
}

json merged_accounting(const std::vector<ShardReport>& shards) {
  const json& first = shards.front().report["accounting"];
  json out = first;
  for (const char* key : {"compared", "skipped", "failed", "not_replayed", "sessions"}) out[key] = 0;
  out["skipped_by_reason"] = json::object();
  out["failed_by_reason"] = json::object();
  out["fidelity"] = {{"reproduced", 0}, {"not_reproduced", 0}};
  json filtered = first.value("filtered_by_reason", json::object());
  filtered.erase(kOtherShard);
  filtered.erase(kSessionSample);
  std::uint64_t sampled_out = 0;
  for (const ShardReport& shard : shards) {
    const json& a = shard.report["accounting"];
    for (const char* key : {"compared", "skipped", "failed", "not_replayed", "sessions"}) {
      out[key] = out[key].get<std::uint64_t>() + count_of(a, key);
    }
    json skipped = out["skipped_by_reason"];
    add_counts(skipped, a.value("skipped_by_reason", json::object()));
    out["skipped_by_reason"] = skipped;
    json failed = out["failed_by_reason"];
    add_counts(failed, a.value("failed_by_reason", json::object()));
    out["failed_by_reason"] = failed;
    json fidelity = out["fidelity"];
    add_counts(fidelity, a.value("fidelity", json::object()));
    out["fidelity"] = fidelity;
    sampled_out += count_of(a.value("filtered_by_reason", json::object()), kSessionSample);
  }
  if (sampled_out > 0) filtered[kSessionSample] = sampled_out;
  std::uint64_t total_filtered = 0;
  for (const auto& [reason, n] : filtered.items()) total_filtered += n.get<std::uint64_t>();
  out["filtered_by_reason"] = filtered;
  out["filtered"] = total_filtered;
  out["balanced"] = count_of(out, "events") == count_of(out, "compared") + count_of(out, "skipped") +
                                                   count_of(out, "failed") + count_of(out, "not_replayed") +
                                                   total_filtered;
  return out;
}

// Latency per side: counts add; a percentile of the union is not known from the shards'
// percentiles, so the merged one is the highest shard's (an upper bound, said in the docs).
json merged_latency(const json& into, const json& from) {
  json out = into;
  for (const char* side : {"baseline", "shadow"}) {
    const json a = into.value(side, json::object());
    const json b = from.value(side, json::object());
    if (b.empty()) continue;
    if (a.empty()) {
      out[side] = b;
      continue;
    }
    json merged = a;
    merged["count"] = count_of(a, "count") + count_of(b, "count");
    for (const char* q : {"p50_ms", "p95_ms", "p99_ms"}) merged[q] = std::max(a.value(q, 0.0), b.value(q, 0.0));
    out[side] = merged;
  }
  if (!out.contains("plans") && from.contains("plans")) out["plans"] = from["plans"];
  if (from.value("regression", false) && !into.value("regression", false)) {
    out["regression"] = true;
    out["explanation"] = from.value("explanation", "");
  }
  return out;
}

int class_rank(const json& shape, const std::string& name) {
  return severity_rank(shape.value("class_severities", json::object()).value(name, "none"));
}

void merge_shape(json& into, const json& from) {
  into["statements"] = count_of(into, "statements") + count_of(from, "statements");
  into["not_reproduced"] = count_of(into, "not_reproduced") + count_of(from, "not_reproduced");
  for (const char* key : {"classes", "baseline_errors", "shadow_errors"}) {
    json counts = into.value(key, json::object());
    add_counts(counts, from.value(key, json::object()));
    into[key] = counts;
  }
  if (from.contains("messages")) {
    json messages = into.value("messages", json::object());
    for (const char* side : {"baseline", "shadow"}) {
      json counts = messages.value(side, json::object());
      add_counts(counts, from["messages"].value(side, json::object()));
      messages[side] = counts;
    }
    into["messages"] = messages;
  }
  json severities = into.value("class_severities", json::object());
  severities.update(from.value("class_severities", json::object()));
  into["class_severities"] = severities;
  if (severity_rank(from.value("severity", "none")) > severity_rank(into.value("severity", "none"))) {
    into["severity"] = from["severity"];
  }
  // The first divergence of the heaviest class; the earliest in the capture among equals
  // (sequences are positions in the one capture every shard read).
  if (from.contains("first_divergence") && from["first_divergence"].is_object()) {
    const json& candidate = from["first_divergence"];
    const bool have = into.contains("first_divergence") && into["first_divergence"].is_object();
    const auto rank = [&](const json& d) { return class_rank(into, d.value("class", "")); };
    if (!have || rank(candidate) > rank(into["first_divergence"]) ||
        (rank(candidate) == rank(into["first_divergence"]) &&
         count_of(candidate, "sequence") < count_of(into["first_divergence"], "sequence"))) {
      into["first_divergence"] = candidate;
    }
  }
  into["latency"] = merged_latency(into.value("latency", json::object()), from.value("latency", json::object()));
  for (const char* key : {"nondeterministic_reason", "sql_example"}) {
    if (!into.contains(key) && from.contains(key)) into[key] = from[key];
  }
  if (from.contains("allowed")) {
    json allowed = into.value("allowed", json::array());
    for (const auto& entry : from["allowed"]) {
      if (std::find(allowed.begin(), allowed.end(), entry) == allowed.end()) allowed.push_back(entry);
    }
    into["allowed"] = allowed;
  }
}

json merged_shapes(const std::vector<ShardReport>& shards) {
  std::map<std::string, json> by_fingerprint;
  for (const ShardReport& shard : shards) {
    for (const auto& shape : shard.report["shapes"]) {
      const std::string fingerprint = shape.value("fingerprint", "");
      auto [it, inserted] = by_fingerprint.try_emplace(fingerprint, shape);
      if (!inserted) merge_shape(it->second, shape);
    }
  }
  std::vector<json> shapes;
  for (auto& [fingerprint, shape] : by_fingerprint) shapes.push_back(std::move(shape));
  const auto differing = [](const json& s) { return count_of(s, "statements") - count_of(s.value("classes", json::object()), "match"); };
  std::stable_sort(shapes.begin(), shapes.end(), [&](const json& a, const json& b) {
    const int ra = severity_rank(a.value("severity", "none"));
    const int rb = severity_rank(b.value("severity", "none"));
    return ra != rb ? ra > rb : differing(a) > differing(b);
  });
  return shapes;
}

json merged_gate(const std::vector<ShardReport>& shards) {
  json gate = {{"verdict", "safe"}, {"fail_on", ""}, {"exit_code", 0}, {"passed", true},
               {"reasons", json::array()}, {"allowed", json::array()}, {"budgets", json::array()}};
  for (const ShardReport& shard : shards) {
    if (!shard.report.contains("gate")) continue;
    const json& g = shard.report["gate"];
    gate["fail_on"] = g.value("fail_on", "");
    if (verdict_rank(g.value("verdict", "safe")) > verdict_rank(gate["verdict"])) gate["verdict"] = g["verdict"];
    gate["exit_code"] = std::max(gate["exit_code"].get<int>(), g.value("exit_code", 0));
    gate["passed"] = gate["passed"].get<bool>() && g.value("passed", true);
    for (const auto& list : {"reasons", "allowed"}) {
      for (const auto& item : g.value(list, json::array())) {
        if (std::find(gate[list].begin(), gate[list].end(), item) == gate[list].end()) gate[list].push_back(item);
      }
    }
    for (auto budget : g.value("budgets", json::array())) {  // budgets are decided per shard
      budget["shard"] = shard_name(shard.report);
      gate["budgets"].push_back(budget);
    }
  }
  return gate;
}

std::vector<std::string> merged_reasons(const json& report) {
  std::vector<std::string> reasons;
  const json migration = report.value("migration", json::object());
  if (migration.contains("failure") && migration["failure"].is_object()) {
    reasons.push_back(migration["failure"].value("explanation", ""));
  }
  std::size_t breaking = 0, review = 0;
  for (const auto& shape : report["shapes"]) {
    const std::string severity = shape.value("severity", "none");
    breaking += severity == "breaking" ? 1 : 0;
    review += severity == "review" ? 1 : 0;
  }
  const auto plural = [](std::size_t n) { return std::to_string(n) + " query shape" + (n == 1 ? "" : "s"); };
  if (breaking > 0) {
    reasons.push_back(plural(breaking) + " the application runs today " + (breaking == 1 ? "breaks" : "break") +
                      " on the shadow schema");
  }
  if (review > 0) reasons.push_back(plural(review) + " to review");
  if (reasons.empty()) reasons.push_back("every replayed statement gave the same result on both sides");
  reasons.push_back(report["coverage"].value("statement", ""));
  return reasons;
}

}  // namespace

Result<json> merge_shard_reports(const std::vector<ShardReport>& shards) {
  if (Status s = check_shards(shards); !s) return s.error();
  json coverage;
  if (Status s = check_coverage(shards, coverage); !s) return s.error();

  const json& first = shards.front().report;
  json merged = first;
  merged.erase("timeline");  // per shard, by capture position: not summed here
  merged.erase("replay");
  merged["run"] = {{"id", first["run"].value("id", "")}, {"shard", {{"index", 0}, {"count", 1}}}};
  merged["coverage"] = coverage;
  json merged_from = json::array();
  std::string verdict = "safe";
  for (const ShardReport& shard : shards) {
    const json& r = shard.report;
    merged_from.push_back({{"path", shard.path},
                           {"shard", shard_name(r)},
                           {"verdict", r.value("verdict", "")},
                           {"wall_seconds", r.value("wall_seconds", 0.0)}});
    if (verdict_rank(r.value("verdict", "safe")) > verdict_rank(verdict)) verdict = r["verdict"];
    for (const char* key : {"wall_seconds", "setup_seconds"}) merged[key] = std::max(merged.value(key, 0.0), r.value(key, 0.0));
    merged["peak_rss_bytes"] = std::max(count_of(merged, "peak_rss_bytes"), count_of(r, "peak_rss_bytes"));
    merged["started_at"] = std::min(merged.value("started_at", ""), r.value("started_at", ""));
    merged["literals_included"] = merged.value("literals_included", false) || r.value("literals_included", false);
    if (r.value("migration", json::object()).value("failure", json()).is_object()) merged["migration"] = r["migration"];
  }
  merged["merged_from"] = merged_from;
  // Shard 0's flags stand for all: its own shard and report directory do not.
  json options = json::array();
  const json given = first.value("options", json::array());
  for (std::size_t i = 0; i < given.size(); ++i) {
    options.push_back(given[i]);
    if ((given[i] == "--shard" || given[i] == "--report-dir") && i + 1 < given.size()) {
      options.push_back(given[i] == "--shard" ? "i/" + std::to_string(shards.size()) : "(per shard)");
      ++i;
    }
  }
  merged["options"] = options;
  merged["verdict"] = verdict;
  merged["accounting"] = merged_accounting(shards);
  json classes = json::object();
  for (const ShardReport& shard : shards) add_counts(classes, shard.report["classes"]);
  merged["classes"] = classes;
  merged["shapes"] = merged_shapes(shards);
  if (std::any_of(shards.begin(), shards.end(), [](const ShardReport& s) { return s.report.contains("gate"); })) {
    merged["gate"] = merged_gate(shards);
  }
  merged["verdict_reasons"] = merged_reasons(merged);
  return merged;
}

}  // namespace pgshadow::report
