#include "pgshadow/metrics/bounded_label.h"

namespace pgshadow::metrics {

std::string BoundedLabel::label_for(const std::string& value, bool* is_new) {
  if (is_new != nullptr) *is_new = false;
  if (values_.count(value) != 0) return value;
  // "other" itself must not become a value of its own: it would merge with the overflow.
  if (values_.size() >= limit_ || value == kOther) return kOther;
  values_.insert(value);
  if (is_new != nullptr) *is_new = true;
  return value;
}

}  // namespace pgshadow::metrics
