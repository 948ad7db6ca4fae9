#include "pgshadow/report/capture_stats.h"

#include <algorithm>
#include <cctype>
#include <ctime>
#include <iomanip>

#include "pgshadow/core/sqlstate.h"
#include "pgshadow/sql/query_shape.h"
#include "pgshadow/util/utc_time.h"
#include "pgshadow/util/xxh3.h"

namespace pgshadow::report {
namespace {

using nlohmann::json;

constexpr std::size_t kFingerprintCacheLimit = 200'000;

std::string iso8601(std::int64_t unix_us) { return iso8601_utc(unix_us / 1'000'000); }

std::string counts_line(const std::map<std::string, std::uint64_t>& counts) {
  std::vector<std::pair<std::string, std::uint64_t>> ordered(counts.begin(), counts.end());
  std::stable_sort(ordered.begin(), ordered.end(), [](const auto& a, const auto& b) { return a.second > b.second; });
  std::string text;
  for (const auto& [name, count] : ordered) {
    text += (text.empty() ? "" : ", ") + (name.empty() ? std::string("(none)") : name) + " " + std::to_string(count);
  }
  return text.empty() ? "none" : text;
}

std::uint64_t hash_of(std::string_view text) {
  Xxh3Hasher hasher;
  hasher.update(text);
  return hasher.digest().low;
}

}  // namespace

void CaptureStatistics::DistinctCounter::add(std::uint64_t hash) {
  hashes_.push_back(hash);
  if (hashes_.size() >= 2 * deduplicated_ + 1024) count();
}

std::size_t CaptureStatistics::DistinctCounter::count() {
  std::sort(hashes_.begin(), hashes_.end());
  hashes_.erase(std::unique(hashes_.begin(), hashes_.end()), hashes_.end());
  deduplicated_ = hashes_.size();
  return deduplicated_;
}

std::string statement_kind(std::string_view sql) {
  std::size_t i = 0;
  for (;;) {
    while (i < sql.size() && (std::isspace(static_cast<unsigned char>(sql[i])) || sql[i] == '(')) ++i;
    if (sql.substr(i, 2) == "--") {
      const auto end = sql.find('\n', i);
      if (end == std::string_view::npos) return "";
      i = end + 1;
    } else if (sql.substr(i, 2) == "/*") {
      const auto end = sql.find("*/", i + 2);
      if (end == std::string_view::npos) return "";
      i = end + 2;
    } else {
      break;
    }
  }
  std::string kind;
  while (i < sql.size() && std::isalpha(static_cast<unsigned char>(sql[i]))) {
    kind += static_cast<char>(std::toupper(static_cast<unsigned char>(sql[i])));
    ++i;
  }
  return kind;
}

void CaptureStatistics::add(const Event& event) {
  ++statements_;
  if (event.protocol == Protocol::kExtended) {
    ++extended_;
    if (!event.statement_name.empty()) ++named_;
  }
  if (!event.outcome.succeeded) {
    ++failed_;
    ++errors_by_sqlstate_[event.outcome.sqlstate.empty() ? "unknown" : event.outcome.sqlstate];
  }
  ++by_kind_[statement_kind(event.sql)];
  sessions_.add(hash_of(event.session_id));
  if (!first_start_us_ || event.start_us < *first_start_us_) first_start_us_ = event.start_us;
  if (!last_start_us_ || event.start_us > *last_start_us_) last_start_us_ = event.start_us;

  const std::uint64_t text_hash = hash_of(event.sql);
  auto cached = fingerprint_by_text_.find(text_hash);
  if (cached == fingerprint_by_text_.end()) {
    if (fingerprint_by_text_.size() >= kFingerprintCacheLimit) fingerprint_by_text_.clear();
    cached = fingerprint_by_text_.emplace(text_hash, hash_of(sql::shape_of(event.sql).fingerprint)).first;
  }
  shapes_.add(cached->second);
}

json CaptureStatistics::to_json(const capture::EventSource& source,
                                const capture::FilteredEventSource* filtered) const {
  const capture::InputAccounting& lines = source.accounting();
  json problems = json::array();
  for (const auto& problem : source.problems().kept()) {
    problems.push_back({{"where", problem.where.to_string()}, {"reason", problem.reason}});
  }
  json errors = json::object();
  for (const auto& [sqlstate, count] : errors_by_sqlstate_) {
    errors[sqlstate] = {{"count", count}, {"condition", std::string(sqlstate_name(sqlstate))}};
  }
  return {
      {"pgshadow_capture_stats", 1},
      {"input", source.description()},
      {"sessions", sessions_.count()},
      {"statements", statements_},
      {"protocol", {{"simple", statements_ - extended_}, {"extended", extended_}, {"extended_named", named_}}},
      {"statements_by_kind", by_kind_},
      {"production_errors", failed_},
      {"production_errors_by_sqlstate", errors},
      {"shapes", shapes_.count()},
      {"first_start", first_start_us_ ? json(iso8601(*first_start_us_)) : json(nullptr)},
      {"last_start", last_start_us_ ? json(iso8601(*last_start_us_)) : json(nullptr)},
      {"filtered", filtered ? filtered->filtered() : 0},
      {"filtered_by_reason", filtered ? json(filtered->filtered_by_reason()) : json::object()},
      {"lines",
       {{"read", lines.lines_read},
        {"in_events", lines.lines_in_events},
        {"not_statements", lines.lines_not_statements},
        {"not_statements_by_kind", lines.not_statement_by_kind},
        {"unusable", source.problems().total()},
        {"unusable_by_reason", source.problems().count_by_reason()},
        {"unusable_examples", problems},
        {"balanced", lines.lines_read == lines.lines_in_events + lines.lines_not_statements +
                                           source.problems().total()}}},
  };
}

void CaptureStatistics::print(std::ostream& out, const capture::EventSource& source,
                              const capture::FilteredEventSource* filtered) const {
  const capture::InputAccounting& lines = source.accounting();
  out << "capture    " << source.description() << "\n";
  if (first_start_us_) {
    out << "time span  " << iso8601(*first_start_us_) << " .. " << iso8601(*last_start_us_) << " ("
        << std::fixed << std::setprecision(1)
        << static_cast<double>(*last_start_us_ - *first_start_us_) / 1e6 << " s)\n";
  }
  out << "sessions   " << sessions_.count() << "\n";
  out << "statements " << statements_ << ": simple " << statements_ - extended_ << ", extended "
      << extended_ << " (" << named_ << " of them named prepared statements)\n";
  out << "  by kind  " << counts_line(by_kind_) << "\n";
  out << "shapes     " << shapes_.count() << "\n";
  out << "production errors " << failed_;
  if (failed_ > 0) {
    out << ":";
    for (const auto& [sqlstate, count] : errors_by_sqlstate_) {
      const std::string_view name = sqlstate_name(sqlstate);
      out << " " << sqlstate << (name.empty() ? "" : " " + std::string(name)) << " " << count << ";";
    }
  }
  out << "\n";
  if (filtered != nullptr) {
    out << "filtered   " << filtered->filtered() << ": " << counts_line(filtered->filtered_by_reason()) << "\n";
  }
  out << "log lines  " << lines.lines_read << " = " << lines.lines_in_events << " in statements + "
      << lines.lines_not_statements << " other + " << source.problems().total() << " unusable\n";
  out << "  other    " << counts_line(lines.not_statement_by_kind) << "\n";
  for (const auto& [reason, count] : source.problems().count_by_reason()) {
    out << "  unusable " << count << ": " << reason << "\n";
  }
  std::size_t shown = 0;
  for (const auto& problem : source.problems().kept()) {
    if (++shown > 10) break;
    out << "    " << problem.where.to_string() << ": " << problem.reason << "\n";
  }
}

}  // namespace pgshadow::report
