#include "pgshadow/capture/capture_writer.h"

#include <nlohmann/json.hpp>

#include "jsonl_event_codec.h"

namespace pgshadow::capture {
namespace {

// JSON must be UTF-8; a log written in another encoding (SQL_ASCII databases) can hold other
// bytes. They are replaced by U+FFFD rather than failing the whole capture; see the format doc.
std::string to_line(const nlohmann::ordered_json& value) {
  return value.dump(-1, ' ', false, nlohmann::ordered_json::error_handler_t::replace);
}

}  // namespace

CaptureWriter::CaptureWriter(std::ostream& out) : out_(out) {
  nlohmann::ordered_json header;
  header["pgshadow_capture"] = kCaptureFormatVersion;
  header["written_by"] = "pgshadow " PGSHADOW_VERSION;
  out_ << to_line(header) << '\n';
}

void CaptureWriter::write(const Event& event) { out_ << to_line(encode_event(event)) << '\n'; }

}  // namespace pgshadow::capture
