#pragma once
// What a capture holds, for `pgshadow capture --stats`: sessions, statements by kind and
// protocol, production errors by SQLSTATE, query shapes, time span, and how every input line
// was used. No literal from the capture. Not thread-safe.
#include <cstdint>
#include <map>
#include <optional>
#include <ostream>
#include <string>
#include <unordered_map>
#include <vector>

#include <nlohmann/json.hpp>

#include "pgshadow/capture/event_filter.h"
#include "pgshadow/core/event.h"

namespace pgshadow::report {

class CaptureStatistics {
 public:
  void add(const Event& event);

  // `filtered` may be null when no filter was given.
  nlohmann::json to_json(const capture::EventSource& source,
                         const capture::FilteredEventSource* filtered) const;
  void print(std::ostream& out, const capture::EventSource& source,
             const capture::FilteredEventSource* filtered) const;

  std::uint64_t statements() const { return statements_; }

 private:
  std::uint64_t statements_ = 0;
  std::uint64_t extended_ = 0;
  std::uint64_t named_ = 0;
  std::uint64_t failed_ = 0;
  std::map<std::string, std::uint64_t> by_kind_;
  std::map<std::string, std::uint64_t> errors_by_sqlstate_;
  // Distinct sessions and shapes as 64-bit hashes (8 bytes each, deduplicated as they grow):
  // memory follows the number of sessions, never the size of the log, and stays small.
  class DistinctCounter {
   public:
    void add(std::uint64_t hash);
    std::size_t count();

   private:
    std::vector<std::uint64_t> hashes_;
    std::size_t deduplicated_ = 0;  // hashes_[0, deduplicated_) is sorted and unique
  };
  mutable DistinctCounter sessions_;
  mutable DistinctCounter shapes_;
  // Fingerprinting is the costly part; statements of the extended protocol repeat their text
  // exactly, so a cache by text hash saves most of it. Cleared when it grows too large.
  std::unordered_map<std::uint64_t, std::uint64_t> fingerprint_by_text_;
  std::optional<std::int64_t> first_start_us_;
  std::optional<std::int64_t> last_start_us_;
};

// The first keyword of a statement, upper-cased ("SELECT", "WITH", "BEGIN"), "" when none.
std::string statement_kind(std::string_view sql);

}  // namespace pgshadow::report
