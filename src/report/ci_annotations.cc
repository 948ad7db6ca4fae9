// Findings where CI systems show them beside the code: GitHub Actions workflow commands
// (annotations on the migration file in the pull request's diff) and GitLab's Code Quality
// report (the merge request widget). Both point a breaking finding at the migration, which is
// what the pull request changes: migration_failed at its file and line, a breaking or review
// shape at the first migration file (line 1), since the captured traffic is not in the diff.
#include <cstdlib>
#include <sstream>

#include "pgshadow/report/renderers.h"
#include "pgshadow/util/xxh3.h"
#include "lock_impact_view.h"
#include "report_view.h"

namespace pgshadow::report {
namespace {

using nlohmann::json;

struct Annotation {
  std::string level;  // error, warning
  std::string file;
  int line = 1;
  std::string title;
  std::string message;
  std::string check;        // the class, for Code Quality's check_name
  std::string fingerprint;  // stable per finding, for Code Quality
};

std::string first_migration(const json& report) {
  const json migrations = report.value("inputs", json::object()).value("migrations", json::array());
  return migrations.empty() ? std::string() : migrations[0].value("path", "");
}

std::string classes_of(const json& shape) {
  std::string classes;
  for (const auto& name : view::weighing_classes(shape)) classes += (classes.empty() ? "" : ", ") + name;
  return classes.empty() ? "latency" : classes;
}

// --migrate-during: at the migration statement that held its locks longest, what they did.
Annotation lock_impact_annotation(const json& lock_impact, const std::string& verdict, const std::string& first_file) {
  std::string location;
  double longest = -1;
  for (const auto& statement : lock_impact.value("statements", json::array())) {
    for (const auto& lock : statement.value("locks", json::array())) {
      const double ms = lock.value("held_ms", 0.0) + lock.value("waited_ms", 0.0);
      if (ms > longest) {
        longest = ms;
        location = statement.value("location", "");
      }
    }
  }
  Annotation annotation{verdict == "breaking" ? "error" : "warning", first_file, 1, "pgshadow: lock impact " + verdict,
                        "The migration was " + view::lock_impact_summary(lock_impact) + ".", "lock_impact", "lock_impact"};
  if (const auto colon = location.rfind(':'); colon != std::string::npos && colon + 1 < location.size()) {
    annotation.file = location.substr(0, colon);
    annotation.line = std::atoi(location.c_str() + colon + 1);
    annotation.fingerprint += " " + location;
  }
  return annotation;
}

std::vector<Annotation> annotations_of(const json& report) {
  std::vector<Annotation> out;
  const json migration = report.value("migration", json::object());
  if (migration.contains("failure") && migration["failure"].is_object()) {
    const json& failure = migration["failure"];
    out.push_back({"error", failure.value("file", ""), failure.value("line", 1),
                   "pgshadow: migration_failed (SQLSTATE " + failure.value("sqlstate", "") + ")",
                   failure.value("explanation", ""), "migration_failed", ""});
  }
  const std::string file = first_migration(report);
  if (const std::string verdict = view::lock_impact_verdict(report); verdict == "breaking" || verdict == "review") {
    out.push_back(lock_impact_annotation(report["lock_impact"], verdict, file));
  }
  for (const auto& shape : report.value("shapes", json::array())) {
    const std::string status = view::shape_status(shape);
    if (status != "breaking" && status != "review") continue;
    out.push_back({status == "breaking" ? "error" : "warning", file, 1,
                   "pgshadow: " + status + " " + classes_of(shape),
                   shape.value("normalized", "") + "\n" + view::explanation(shape), classes_of(shape),
                   shape.value("fingerprint", "")});
  }
  return out;
}

// Workflow command escaping: data loses %, CR and LF; properties also : and ,.
std::string escape_data(std::string_view text) {
  std::string out;
  for (const char c : text) {
    if (c == '%') out += "%25";
    else if (c == '\r') out += "%0D";
    else if (c == '\n') out += "%0A";
    else out += c;
  }
  return out;
}

std::string escape_property(std::string_view text) {
  std::string out;
  for (const char c : escape_data(text)) {
    if (c == ':') out += "%3A";
    else if (c == ',') out += "%2C";
    else out += c;
  }
  return out;
}

}  // namespace

std::string render_github_annotations(const json& report, std::size_t limit) {
  std::ostringstream out;
  const auto annotations = annotations_of(report);
  std::size_t written = 0;
  for (const Annotation& a : annotations) {
    if (written == limit) break;
    out << "::" << a.level;
    if (!a.file.empty()) out << " file=" << escape_property(a.file) << ",line=" << a.line << ",";
    else out << " ";
    out << "title=" << escape_property(a.title) << "::" << escape_data(a.message) << "\n";
    ++written;
  }
  if (annotations.size() > written) {
    out << "::notice title=pgshadow::" << annotations.size() - written
        << " more findings are in the job summary and the report artifacts\n";
  }
  return out.str();
}

std::string render_codequality(const json& report) {
  json issues = json::array();
  for (const Annotation& a : annotations_of(report)) {
    const bool failure = a.check == "migration_failed";
    Xxh3Hasher hasher;
    hasher.update(a.check + "\n" + (failure ? a.file + ":" + std::to_string(a.line) : a.fingerprint));
    issues.push_back({{"description", a.title + ": " + a.message},
                      {"check_name", "pgshadow." + a.check},
                      {"fingerprint", hasher.digest().to_hex()},
                      {"severity", failure ? "blocker" : a.level == "error" ? "critical" : "minor"},
                      {"location", {{"path", a.file}, {"lines", {{"begin", a.line}}}}}});
  }
  return issues.dump(2) + "\n";
}

}  // namespace pgshadow::report
