#pragma once
// Writes the canonical capture format (JSON Lines, docs/capture-format.md).
#include <ostream>

#include "pgshadow/core/event.h"

namespace pgshadow::capture {

inline constexpr int kCaptureFormatVersion = 1;

// Writes the header line ({"pgshadow_capture": 1, ...}) on construction, then one line per
// event. Not thread-safe.
class CaptureWriter {
 public:
  explicit CaptureWriter(std::ostream& out);
  void write(const Event& event);

 private:
  std::ostream& out_;
};

}  // namespace pgshadow::capture
