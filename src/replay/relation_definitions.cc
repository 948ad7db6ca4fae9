#include "relation_definitions.h"

#include <cstdlib>
#include <optional>

#include "catalog_names.h"

namespace pgshadow::replay {
namespace {

constexpr std::size_t kMaxTrafficRelations = 10'000;

// One line: relkind, whether it has inheritance children, an md5 of its definition, and its
// total size in bytes, separated by '|'; "" when the catalog cannot name it. Each list is sorted
// by its own text so that catalog order (OIDs) does not count.
std::string definition_query(const pg::SessionConnection& catalog, const std::string& relation) {
  const auto sorted = [](const std::string& item, const std::string& from) {
    return "coalesce((SELECT string_agg(item, chr(2) ORDER BY item) FROM (SELECT " + item + " AS item FROM " + from +
           ") s), '')";
  };
  const std::string columns =
      "coalesce((SELECT string_agg(concat_ws(' ', a.attname, format_type(a.atttypid, a.atttypmod), a.attnotnull, "
      "a.attidentity, a.attgenerated, a.attcollation::regcollation, pg_get_expr(d.adbin, d.adrelid)), chr(2) ORDER BY a.attnum) "
      "FROM pg_attribute a LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum "
      "WHERE a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped), '')";
  const std::string indexes =
      sorted("concat_ws(' ', pg_get_indexdef(i.indexrelid), i.indisvalid)", "pg_index i WHERE i.indrelid = c.oid");
  const std::string constraints = sorted("concat_ws(' ', k.conname, pg_get_constraintdef(k.oid), k.convalidated)",
                                         "pg_constraint k WHERE k.conrelid = c.oid");
  const std::string triggers = sorted("concat_ws(' ', pg_get_triggerdef(t.oid), t.tgenabled, md5(p.prosrc))",
                                      "pg_trigger t JOIN pg_proc p ON p.oid = t.tgfoid "
                                      "WHERE t.tgrelid = c.oid AND NOT t.tgisinternal");
  const std::string rules = sorted("concat_ws(' ', r.rulename, pg_get_ruledef(r.oid))", "pg_rewrite r WHERE r.ev_class = c.oid");
  const std::string policies = sorted(
      "concat_ws(' ', p.polname, p.polcmd, p.polpermissive, pg_get_expr(p.polqual, p.polrelid), "
      "pg_get_expr(p.polwithcheck, p.polrelid))",
      "pg_policy p WHERE p.polrelid = c.oid");
  return "SELECT concat_ws('|', c.relkind, c.relhassubclass, md5(concat_ws(chr(1), " + columns + ", " + indexes +
         ", " + constraints + ", " + triggers + ", " + rules + ", " + policies +
         ", c.relpersistence, c.relrowsecurity, c.relforcerowsecurity, coalesce(array_to_string(c.reloptions, ','), ''))), "
         "pg_total_relation_size(c.oid)) FROM pg_class c WHERE c.oid = " + regclass_of(catalog, relation);
}

struct Definition {
  std::string kind;  // relkind
  bool has_children = false;
  std::string digest;
  long long bytes = 0;
};

std::optional<Definition> parse_definition(const std::string& line) {
  const std::size_t first = line.find('|');
  const std::size_t second = line.find('|', first == std::string::npos ? first : first + 1);
  const std::size_t third = line.find('|', second == std::string::npos ? second : second + 1);
  if (third == std::string::npos) return std::nullopt;
  Definition definition;
  definition.kind = line.substr(0, first);
  definition.has_children = line.substr(first + 1, second - first - 1) == "t";
  definition.digest = line.substr(second + 1, third - second - 1);
  definition.bytes = std::atoll(line.c_str() + third + 1);
  return definition;
}

}  // namespace

void RelationDefinitions::created_by_traffic(const std::set<std::string>& relations) {
  if (traffic_made_.size() + relations.size() > kMaxTrafficRelations) traffic_made_.clear();
  traffic_made_.insert(relations.begin(), relations.end());
}

RelationsStanding RelationDefinitions::standing(const std::set<std::string>& relations) {
  RelationsStanding all{true, ""};
  for (const std::string& relation : relations) {
    const RelationsStanding one = standing_of(relation);
    if (!one.unchanged) return {false, relation + ": " + one.detail};
    all.detail += (all.detail.empty() ? "" : ", ") + relation + ": " + one.detail;
  }
  return all;
}

// One relation's standing, its detail without its name.
RelationsStanding RelationDefinitions::standing_of(const std::string& relation) {
  std::array<std::optional<Definition>, 2> sides;
  for (std::size_t side = 0; side < 2; ++side) {
    auto line = catalogs_[side]->query_scalar(definition_query(*catalogs_[side], relation));
    if (!line.ok()) return {false, "its definition could not be read (" + line.error().message + ")"};
    if (!line->empty()) sides[side] = parse_definition(*line);
  }
  if (!sides[0] && !sides[1] && traffic_made_.count(relation) > 0) return {true, "created by the replayed traffic"};
  if (!sides[0] || !sides[1]) {
    return {false, std::string("unknown to the ") + (sides[0] ? "shadow" : "baseline") + "'s catalog"};
  }
  const Definition& baseline = *sides[0];
  const Definition& shadow = *sides[1];
  if (baseline.kind != "r" || shadow.kind != "r") return {false, "not a plain table on both sides"};
  if (baseline.has_children || shadow.has_children) return {false, "has inheritance children"};
  if (baseline.digest != shadow.digest) return {false, "defined differently on the shadow"};
  if (static_cast<double>(shadow.bytes) >
      static_cast<double>(baseline.bytes) * kSizeRatioSlack + static_cast<double>(kSizeBytesSlack)) {
    return {false, "larger on the shadow (" + std::to_string(shadow.bytes) + " bytes against " +
                       std::to_string(baseline.bytes) + ")"};
  }
  return {true, "defined alike on both sides"};
}

}  // namespace pgshadow::replay
