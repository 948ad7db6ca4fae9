#pragma once
// A statement's plan as the server's planner chose it (EXPLAIN (FORMAT JSON), never ANALYZE),
// reduced to what tells two plans apart for a reviewer: the estimated total cost and the scans.
// A plan is a function of the statement, the schema and the statistics, so two sides that hold
// the same statistics plan alike unless the migration changed something the planner uses (an
// index, a constraint, a column type). That makes it a repeatable measure where timings are not:
// one scheduler stall moves a p95, it never moves a plan.
#include <string>
#include <string_view>
#include <vector>

#include "pgshadow/util/result.h"

namespace pgshadow::compare {

struct PlanScan {
  std::string node_type;  // "Seq Scan", "Index Scan", "Index Only Scan", "Bitmap Heap Scan", ...
  std::string relation;   // schema-qualified when EXPLAIN names the schema
  std::string index;      // for index scans; empty otherwise
};

struct QueryPlan {
  double total_cost = 0;        // the root node's estimated total cost, in planner cost units
  std::vector<PlanScan> scans;  // every node that reads a relation, in plan order

  // "Index Scan using users_pkey on users; Seq Scan on orders (cost 75.7)": names of schema
  // objects and numbers only, never a value of the statement.
  std::string describe() const;
};

// Reads the text EXPLAIN (FORMAT JSON) returns: [{"Plan": {...}}]. Error kBadInput naming what
// is missing when the text is not such a plan.
Result<QueryPlan> parse_explain_json(std::string_view text);

}  // namespace pgshadow::compare
