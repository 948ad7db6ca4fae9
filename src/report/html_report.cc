// The HTML report: one self-contained page (inline CSS, JS and SVG; no network) with the
// verdict, a chart of classes over the replay, a sortable and filterable table of shapes, and
// per-shape detail with the differing rows and latency. Everything from the JSON is escaped;
// the script only sorts, filters and checks itself (it writes data-selfcheck="ok" on <body>, or
// the first error, so a headless browser can tell that the page really ran).
#include <cstdio>
#include <map>
#include <vector>
#include <sstream>

#include "pgshadow/util/ascii_case.h"
#include "html_chart.h"
#include "html_lock_impact.h"
#include "pgshadow/report/renderers.h"
#include "report_view.h"

namespace pgshadow::report {
namespace {

using nlohmann::json;
using view::escape_xml;

constexpr const char* kRunReportStyle = R"(
body{font:14px/1.4 system-ui,sans-serif;margin:1.5em;color:#222}
h1{font-size:1.4em}.verdict{display:inline-block;padding:.2em .6em;border-radius:4px;color:#fff;font-weight:bold}
.v-breaking{background:#c62828}.v-review{background:#ef6c00}.v-safe{background:#2e7d32}.v-incomplete{background:#6d4c41}
table{border-collapse:collapse;width:100%;margin:.5em 0}th,td{border:1px solid #ccc;padding:3px 6px;text-align:left;vertical-align:top}
th{background:#f3f3f3;cursor:pointer;user-select:none}th.sorted-asc::after{content:" ▲"}th.sorted-desc::after{content:" ▼"}
tr.s-breaking td:first-child{border-left:4px solid #c62828}tr.s-review td:first-child{border-left:4px solid #ef6c00}
tr.s-allowed td:first-child{border-left:4px solid #1565c0}code{font-size:12px;word-break:break-all}
details{margin:.4em 0;padding:.3em .6em;border:1px solid #ddd;border-radius:4px}summary{cursor:pointer}
table.rowdiff{width:auto}table.rowdiff caption{text-align:left;color:#666}
.muted{color:#666}#controls{margin:.5em 0}svg{max-width:820px;display:block}
#verified{width:auto}#verified th{cursor:default;background:#fafafa;white-space:nowrap}
#cards{display:flex;flex-wrap:wrap;gap:.6em;margin:.8em 0}.card{border:1px solid #ddd;border-radius:6px;padding:.4em .9em;min-width:7em}
.card b{display:block;font-size:1.5em}.card.c-breaking b{color:#c62828}.card.c-review b{color:#ef6c00}
.why{background:#fff8e1;border-left:4px solid #ef6c00;padding:.3em .6em}
)";

constexpr const char* kScript = R"(
(function(){
  'use strict';
  var table = document.getElementById('shapes');
  var body = table.tBodies[0];
  var filter = document.getElementById('filter');
  var status = document.getElementById('status');
  function apply(){
    var text = filter.value.toLowerCase(), want = status.value, shown = 0;
    Array.prototype.forEach.call(body.rows, function(row){
      var ok = (want === 'all' || row.dataset.status === want) &&
               row.textContent.toLowerCase().indexOf(text) >= 0;
      row.hidden = !ok; if (ok) shown++;
    });
    document.getElementById('shown').textContent = shown + ' of ' + body.rows.length + ' shapes';
  }
  function sortBy(th, index){
    var asc = !th.classList.contains('sorted-asc');
    Array.prototype.forEach.call(table.tHead.rows[0].cells, function(c){ c.classList.remove('sorted-asc','sorted-desc'); });
    th.classList.add(asc ? 'sorted-asc' : 'sorted-desc');
    var rows = Array.prototype.slice.call(body.rows);
    rows.sort(function(a, b){
      var x = a.cells[index].dataset.sort || a.cells[index].textContent;
      var y = b.cells[index].dataset.sort || b.cells[index].textContent;
      var nx = parseFloat(x), ny = parseFloat(y);
      var c = (!isNaN(nx) && !isNaN(ny)) ? nx - ny : x.localeCompare(y);
      return asc ? c : -c;
    });
    rows.forEach(function(r){ body.appendChild(r); });
  }
  Array.prototype.forEach.call(table.tHead.rows[0].cells, function(th, i){
    th.addEventListener('click', function(){ sortBy(th, i); });
  });
  filter.addEventListener('input', apply);
  status.addEventListener('change', apply);
  apply();
  if (!document.getElementById('verdict') || !document.getElementById('timeline')) throw new Error('page incomplete');
  if (document.body.dataset.selfcheck === undefined) document.body.dataset.selfcheck = 'ok';
})();
)";

std::string number(const json& value) {
  if (!value.is_number_float()) return value.is_number() ? value.dump() : "–";
  char text[32];
  std::snprintf(text, sizeof text, "%.2f", value.get<double>());
  return text;
}

void outcome_html(std::ostream& out, const char* side, const json& outcome) {
  out << "<tr><th>" << side << "</th><td>";
  if (outcome.value("succeeded", true)) {
    const json rows = outcome.value("row_count", json());
    out << escape_xml(outcome.value("command", "")) << ", " << number(rows) << (rows == json(1) ? " row" : " rows");
    if (outcome.contains("affected_rows")) out << ", " << number(outcome["affected_rows"]) << " affected";
    std::string columns;
    for (const auto& column : outcome.value("columns", json::array())) {
      columns += (columns.empty() ? "" : ", ") + column.get<std::string>();
    }
    out << "<br><span class=\"muted\">columns: " << escape_xml(columns) << "</span>";
  } else {
    out << "error " << escape_xml(outcome.value("sqlstate", "")) << " " << escape_xml(outcome.value("condition", ""));
    if (outcome.contains("message") && outcome["message"].is_string()) {
      out << ": " << escape_xml(outcome["message"].get<std::string>());
    }
  }
  out << "</td></tr>";
}

// The differing rows of the first divergence: one line per differing cell.
void row_differences_html(std::ostream& out, const json& differences) {
  const std::string note = view::row_differences_note(differences);
  out << "<table class=\"rowdiff\"><caption>differing rows" << (note.empty() ? "" : " — " + escape_xml(note))
      << "</caption>\n<tr><th>row</th><th>column</th><th>baseline</th><th>shadow</th></tr>\n";
  for (const auto& line : view::row_difference_lines(differences)) {
    out << "<tr><td>" << escape_xml(line.row) << "</td><td>" << escape_xml(line.column) << "</td><td>"
        << escape_xml(line.baseline) << "</td><td>" << escape_xml(line.shadow) << "</td></tr>\n";
  }
  out << "</table>\n";
}

// Where each shape's detail is, by fingerprint: a consequence links to its root.
using ShapeIndex = std::map<std::string, std::size_t>;

void shape_detail(std::ostream& out, const json& shape, std::size_t index, const ShapeIndex& shapes) {
  const std::string status = view::shape_status(shape);
  out << "<details id=\"shape-" << index << "\"" << (status == "breaking" ? " open" : "") << "><summary>"
      << escape_xml(ascii_upper(status)) << " <code>" << escape_xml(shape.value("normalized", "")) << "</code></summary>\n"
      << "<p>fingerprint <code>" << escape_xml(shape.value("fingerprint", "")) << "</code>; "
      << shape.value("statements", std::uint64_t{0}) << " statements: "
      << escape_xml(view::class_list(shape.value("classes", json::object()), false)) << "</p>\n";
  if (status == "review") {
    // A reviewer's first question: why is this here at all?
    std::string classes;
    for (const auto& name : view::weighing_classes(shape)) classes += (classes.empty() ? "" : ", ") + name;
    out << "<p class=\"why\"><b>Why to review:</b> "
        << escape_xml(classes.empty() ? "the shadow's plan is much costlier" : classes + " weighs as review in this run")
        << ": " << escape_xml(view::explanation(shape)) << "</p>\n";
  }
  const std::string allowed = view::allowed_reasons(shape);
  if (!allowed.empty()) out << "<p><b>Allowed:</b> " << escape_xml(allowed) << "</p>\n";
  if (shape.contains("first_divergence") && shape["first_divergence"].is_object()) {
    const json& root_value = shape["first_divergence"].value("root_fingerprint", json());
    const std::string root = root_value.is_string() ? root_value.get<std::string>() : std::string();
    if (const auto it = shapes.find(root); !root.empty()) {
      out << "<p>Consequence of the root finding ";
      if (it != shapes.end()) out << "<a class=\"root\" href=\"#shape-" << it->second << "\">";
      out << "<code>" << escape_xml(root) << "</code>" << (it != shapes.end() ? "</a>" : "") << ": fix that one first.</p>\n";
    }
  }
  if (shape.contains("nondeterministic_reason")) {
    out << "<p class=\"muted\">nondeterministic: " << escape_xml(shape.value("nondeterministic_reason", "")) << "</p>\n";
  }
  if (shape.contains("sql_example")) out << "<p>example: <code>" << escape_xml(shape.value("sql_example", "")) << "</code></p>\n";
  if (shape.contains("first_divergence") && shape["first_divergence"].is_object()) {
    const json& first = shape["first_divergence"];
    out << "<p>" << escape_xml(first.value("explanation", "")) << "<br><span class=\"muted\">first at "
        << escape_xml(first.value("source", "")) << " (event " << first.value("sequence", std::uint64_t{0})
        << ", " << escape_xml(first.value("class", "")) << ")</span></p>\n<table>";
    outcome_html(out, "baseline", first.value("baseline", json::object()));
    outcome_html(out, "shadow", first.value("shadow", json::object()));
    out << "</table>\n";
    if (first.contains("row_differences") && first["row_differences"].is_object()) {
      row_differences_html(out, first["row_differences"]);
    }
  }
  const json latency = shape.value("latency", json::object());
  // Latency is compared over statements that succeeded on both sides: a shape with none (it
  // fails on the shadow) has no figures, and a table of zeros would read as "instant".
  const auto timed = [&](const char* side) {
    const json count = latency.value(side, json::object()).value("count", json());
    return count.is_number() && count.get<double>() > 0;
  };
  if (timed("baseline") || timed("shadow")) {
    out << "<table><tr><th>latency (ms)</th><th>count</th><th>p50</th><th>p95</th><th>p99</th></tr>";
    for (const char* side : {"baseline", "shadow"}) {
      const json l = latency.value(side, json::object());
      out << "<tr><td>" << side << "</td><td>" << number(l.value("count", json())) << "</td><td>"
          << number(l.value("p50_ms", json())) << "</td><td>" << number(l.value("p95_ms", json())) << "</td><td>"
          << number(l.value("p99_ms", json())) << "</td></tr>";
    }
    out << "</table>";
  } else {
    out << "<p class=\"muted\">no latency: no statement of this shape succeeded on both sides</p>";
  }
  if (latency.contains("plans") && latency["plans"].is_object()) {
    out << "<table><tr><th>plan</th><th>estimated cost</th><th>scans</th></tr>";
    for (const char* side : {"baseline", "shadow"}) {
      const json plan = latency["plans"].value(side, json::object());
      out << "<tr><td>" << side << "</td><td>" << number(plan.value("cost", json())) << "</td><td>"
          << escape_xml(plan.value("description", "")) << "</td></tr>";
    }
    out << "</table>";
  }
  if (latency.value("regression", false)) {
    out << "<p><b>much slower on the shadow:</b> " << escape_xml(latency.value("explanation", "")) << "</p>";
  }
  out << "</details>\n";
}


// What psql would have printed while the migration ran ("drop cascades to view ..."), with
// where each came from: a reviewer must not miss it.
void migration_messages(std::ostream& out, const json& migration) {
  const json notes = migration.value("messages", json::array());
  const std::uint64_t counted_only = migration.value("messages_dropped", std::uint64_t{0});
  if (notes.empty() && counted_only == 0) return;
  out << "<h2>The migration's messages (" << notes.size() + counted_only << ")</h2>\n<table id=\"migration-messages\">"
      << "<tr><th>where</th><th>level</th><th>message</th></tr>\n";
  for (const auto& note : notes) {
    out << "<tr><td>" << escape_xml(note.value("location", "")) << "</td><td>" << escape_xml(note.value("severity", ""))
        << "</td><td>"
        << (note.value("text", json()).is_string()
                ? escape_xml(note["text"].get<std::string>())
                : std::string("<span class=\"muted\">text withheld: raised by the migration's own code; "
                              "--include-literals shows it</span>"))
        << "</td></tr>\n";
  }
  out << "</table>\n";
  if (counted_only > 0) out << "<p class=\"muted\">" << counted_only << " more, counted only.</p>\n";
}

// What was verified, first: a reviewer signs off on these inputs, not on "a run".
void verified_table(std::ostream& out, const json& report) {
  const json inputs = report.value("inputs", json::object());
  const auto file = [](const json& f) {
    if (!f.is_object()) return std::string("–");
    const std::string digest = f.value("xxh3_128", "");
    return "<code>" + escape_xml(f.value("path", "")) + "</code>" +
           (digest.empty() ? "" : " <span class=\"muted\">xxh3 " + escape_xml(digest.substr(0, 16)) + "</span>");
  };
  out << "<table id=\"verified\"><tr><th>migration" << (inputs.value("migrations", json::array()).size() == 1 ? "" : "s")
      << "</th><td>";
  std::string migrations;
  for (const auto& m : inputs.value("migrations", json::array())) migrations += (migrations.empty() ? "" : "<br>") + file(m);
  out << (migrations.empty() ? "none" : migrations) << "</td></tr>\n<tr><th>baseline</th><td>"
      << file(inputs.value("baseline", json())) << "</td></tr>\n<tr><th>capture</th><td>";
  std::string captures;
  for (const auto& c : inputs.value("captures", json::array())) captures += (captures.empty() ? "" : "<br>") + file(c);
  out << captures << "<br><span class=\"muted\">" << escape_xml(inputs.value("capture_description", ""))
      << "</span></td></tr>\n";
  const json servers = report.value("servers", json::object());
  out << "<tr><th>server</th><td>PostgreSQL " << escape_xml(servers.value("version", "")) << " ("
      << escape_xml(servers.value("mode", "")) << ")</td></tr>\n";
  if (const std::string scaled = view::scaled_tables_line(report); !scaled.empty()) {
    out << "<tr><th>tables</th><td>" << escape_xml(scaled) << "</td></tr>\n";
  }
  const json run = report.value("run", json::object());
  if (!run.empty()) {
    const json shard = run.value("shard", json::object());
    out << "<tr><th>run</th><td><code>" << escape_xml(run.value("id", "")) << "</code>";
    if (shard.value("count", 1) > 1) {
      out << ", shard " << shard.value("index", 0) << " of " << shard.value("count", 1) << " (this report covers only its sessions)";
    }
    if (report.contains("coverage")) out << "<br>" << escape_xml(report["coverage"].value("statement", ""));
    out << "</td></tr>\n";
  }
  std::string options;
  for (const auto& o : report.value("options", json::array())) options += (options.empty() ? "" : " ") + o.get<std::string>();
  out << "<tr><th>options</th><td><code>" << escape_xml(options.empty() ? "(defaults)" : options) << "</code></td></tr>\n"
      << "<tr><th>started</th><td>" << escape_xml(report.value("started_at", "")) << ", pgshadow "
      << escape_xml(report.value("pgshadow_version", "")) << "</td></tr></table>\n";
}

// The figures a reviewer reads first, as cards.
void key_figures(std::ostream& out, const json& report) {
  std::size_t breaking = 0, review = 0;
  for (const auto& shape : report.value("shapes", json::array())) {
    const std::string status = view::shape_status(shape);
    breaking += status == "breaking" ? 1 : 0;
    review += status == "review" ? 1 : 0;
  }
  const json accounting = report.value("accounting", json::object());
  const auto card = [&](const std::string& value, const char* label, const char* kind) {
    out << "<div class=\"card " << kind << "\"><b>" << escape_xml(value) << "</b>" << label << "</div>";
  };
  out << "<div id=\"cards\">";
  card(std::to_string(accounting.value("compared", std::uint64_t{0})), "statements compared", "");
  card(std::to_string(report.value("shapes", json::array()).size()), "query shapes", "");
  card(std::to_string(breaking), "breaking shapes", breaking > 0 ? "c-breaking" : "");
  card(std::to_string(review), "shapes to review", review > 0 ? "c-review" : "");
  card(number(report.value("wall_seconds", json())) + " s", "duration", "");
  out << "</div>\n";
}

}  // namespace

std::string render_html(const json& report) {
  std::ostringstream out;
  const std::string verdict = view::headline(report);
  const json inputs = report.value("inputs", json::object());
  // The page is about a scenario, or else about a run (a user's files): name what it is.
  std::string scenario = inputs.contains("scenario") && inputs["scenario"].is_string()
                             ? inputs["scenario"].get<std::string>() : std::string();
  if (scenario.empty() && report.contains("run") && report["run"].is_object()) {
    scenario = "run " + report["run"].value("id", "");
  }
  out << "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
      << "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'; "
         "script-src 'unsafe-inline'; img-src data:\">"
      << "<title>pgshadow " << escape_xml(verdict) << (scenario.empty() ? "" : " — " + escape_xml(scenario))
      << "</title><style>" << kRunReportStyle << "</style></head>\n<body>\n"
      << "<h1>pgshadow report" << (scenario.empty() ? "" : ": " + escape_xml(scenario)) << "</h1>\n"
      << "<p>Verdict: <span id=\"verdict\" class=\"verdict v-" << escape_xml(verdict) << "\">"
      << escape_xml(ascii_upper(verdict)) << "</span></p>\n<ul id=\"reasons\">";
  if (const std::string stop = view::interruption(report); !stop.empty()) {
    out << "<li id=\"interrupted\">" << escape_xml(stop) << "</li>";
  }
  for (const auto& reason : report.value("verdict_reasons", json::array())) out << "<li>" << escape_xml(reason.get<std::string>()) << "</li>";
  if (report.contains("gate")) {
    for (const auto& reason : report["gate"].value("reasons", json::array())) {
      out << "<li>gate: " << escape_xml(reason.get<std::string>()) << "</li>";
    }
  }
  out << "</ul>\n";
  verified_table(out, report);
  key_figures(out, report);
  const json migration = report.value("migration", json::object());
  if (migration.contains("failure") && migration["failure"].is_object()) {
    const json& failure = migration["failure"];
    out << "<p id=\"migration-failure\" class=\"s-breaking\"><b>migration_failed</b> "
        << escape_xml(failure.value("explanation", "")) << "<br><code>" << escape_xml(failure.value("statement", ""))
        << "</code></p>\n";
  }
  migration_messages(out, migration);
  out << lock_impact_html(report);
  out << "<h2>Classes over the replay</h2>\n" << classes_chart_svg(report);

  out << "<h2>Query shapes</h2>\n<div id=\"controls\"><input id=\"filter\" type=\"search\" placeholder=\"filter…\"> "
      << "<select id=\"status\"><option value=\"all\">all</option><option>breaking</option><option>review</option>"
      << "<option>allowed</option><option>none</option></select> <span id=\"shown\" class=\"muted\"></span></div>\n"
      << "<table id=\"shapes\"><thead><tr><th>status</th><th>query shape</th><th>classes</th><th>SQLSTATE</th>"
      << "<th>differing</th><th>statements</th><th>shadow p95 ms</th></tr></thead><tbody>\n";
  const json shapes = report.value("shapes", json::array());
  const auto rank = [](const std::string& status) {
    return status == "breaking" ? 3 : status == "review" ? 2 : status == "allowed" ? 1 : 0;
  };
  // Bounded on very large runs: every breaking and review shape, then the first kMaxQuietShapes
  // others; report.json has them all.
  constexpr std::size_t kMaxQuietShapes = 200;
  std::vector<std::size_t> listed;
  std::size_t quiet = 0;
  ShapeIndex index;
  for (std::size_t i = 0; i < shapes.size(); ++i) {
    const std::string status = view::shape_status(shapes[i]);
    if (status == "none" && ++quiet > kMaxQuietShapes) continue;
    listed.push_back(i);
    index[shapes[i].value("fingerprint", "")] = i;
  }
  for (const std::size_t i : listed) {
    const json& shape = shapes[i];
    const std::string status = view::shape_status(shape);
    // Latency is over the statements that succeeded on both sides: none for a shape that fails.
    const json shadow_latency = shape.value("latency", json::object()).value("shadow", json::object());
    const json p95 = shadow_latency.value("count", std::uint64_t{0}) > 0 ? shadow_latency.value("p95_ms", json()) : json();
    out << "<tr class=\"s-" << status << "\" data-status=\"" << status << "\"><td data-sort=\"" << rank(status)
        << "\">" << status << "</td><td><a href=\"#shape-" << i << "\"><code>"
        << escape_xml(shape.value("normalized", "")) << "</code></a></td><td>"
        << escape_xml(view::class_list(shape.value("classes", json::object()), false)) << "</td><td>"
        << escape_xml(view::sqlstates(shape)) << "</td><td>" << view::differing(shape) << "</td><td>"
        << shape.value("statements", std::uint64_t{0}) << "</td><td>" << number(p95) << "</td></tr>\n";
  }
  out << "</tbody></table>\n<h2>Details</h2>\n";
  if (quiet > kMaxQuietShapes) {
    out << "<p class=\"muted\" id=\"left-out\">" << quiet - kMaxQuietShapes
        << " more query shapes without a finding are left out of this page; report.json lists them all.</p>\n";
  }
  for (const std::size_t i : listed) shape_detail(out, shapes[i], i, index);
  out << "<h2>Accounting</h2>\n<p id=\"accounting\">" << escape_xml(view::accounting_line(report)) << "</p>\n<p>"
      << escape_xml(view::class_list(report.value("classes", json::object()), false)) << "</p>\n"
      << "<p class=\"muted\">pgshadow " << escape_xml(report.value("pgshadow_version", "")) << ", started "
      << escape_xml(report.value("started_at", "")) << ", " << number(report.value("wall_seconds", json()))
      << " s; literals " << (report.value("literals_included", false) ? "included" : "withheld") << "</p>\n"
      << "<script>window.addEventListener('error',function(e){document.body.dataset.selfcheck='error: '+e.message;});"
      << "</script>\n<script>" << kScript << "</script>\n</body></html>\n";
  return out.str();
}

}  // namespace pgshadow::report
