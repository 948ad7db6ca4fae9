#pragma once
// Keeps a Prometheus label's value set bounded: the first `limit` distinct values keep their own
// label, every later one shares "other". Prometheus stores one series per label set, so an
// unbounded label (a query shape per ad-hoc statement) would exhaust it. Not thread-safe.
#include <cstddef>
#include <set>
#include <string>

namespace pgshadow::metrics {

class BoundedLabel {
 public:
  static constexpr const char* kOther = "other";

  explicit BoundedLabel(std::size_t limit) : limit_(limit) {}

  // The label to use for `value`; takes a free slot when one is left. `is_new` (optional) is
  // set when this call gave the value its own label.
  std::string label_for(const std::string& value, bool* is_new = nullptr);
  bool has_own_label(const std::string& value) const { return values_.count(value) != 0; }
  std::size_t size() const { return values_.size(); }

 private:
  std::size_t limit_;
  std::set<std::string> values_;
};

}  // namespace pgshadow::metrics
