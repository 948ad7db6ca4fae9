#include "pgshadow/compare/query_plan.h"

#include <nlohmann/json.hpp>

#include <cstdio>

namespace pgshadow::compare {
namespace {

using nlohmann::json;

void collect_scans(const json& node, std::vector<PlanScan>& scans) {
  if (!node.is_object()) return;
  if (node.contains("Relation Name")) {
    PlanScan scan;
    // A ModifyTable node says what it does in "Operation": "Update on users" reads better.
    scan.node_type = node.value("Node Type", "") == "ModifyTable" ? node.value("Operation", "ModifyTable")
                                                                  : node.value("Node Type", "");
    if (node.value("Parallel Aware", false)) scan.node_type = "Parallel " + scan.node_type;
    const std::string schema = node.value("Schema", "");
    scan.relation = (schema.empty() ? "" : schema + ".") + node.value("Relation Name", "");
    scan.index = node.value("Index Name", "");
    scans.push_back(std::move(scan));
  }
  if (const auto children = node.find("Plans"); children != node.end() && children->is_array()) {
    for (const json& child : *children) collect_scans(child, scans);
  }
}

std::string format_cost(double cost) {
  char buffer[32];
  std::snprintf(buffer, sizeof buffer, "%.1f", cost);
  return buffer;
}

}  // namespace

std::string QueryPlan::describe() const {
  std::string text;
  for (const PlanScan& scan : scans) {
    if (!text.empty()) text += "; ";
    text += scan.node_type;
    if (!scan.index.empty()) text += " using " + scan.index;
    text += " on " + scan.relation;
  }
  if (text.empty()) text = "no table scanned";
  return text + " (cost " + format_cost(total_cost) + ")";
}

Result<QueryPlan> parse_explain_json(std::string_view text) {
  const json document = json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (document.is_discarded()) return Error::bad_input("EXPLAIN output is not JSON");
  if (!document.is_array() || document.empty() || !document[0].is_object() || !document[0].contains("Plan")) {
    return Error::bad_input("EXPLAIN output has no \"Plan\"");
  }
  const json& root = document[0]["Plan"];
  const auto cost = root.find("Total Cost");
  if (cost == root.end() || !cost->is_number()) return Error::bad_input("EXPLAIN plan has no \"Total Cost\"");
  QueryPlan plan;
  plan.total_cost = cost->get<double>();
  collect_scans(root, plan.scans);
  return plan;
}

}  // namespace pgshadow::compare
