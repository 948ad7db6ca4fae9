#include "syslog_line.h"

#include <cctype>

#include "text_helpers.h"

namespace pgshadow::capture {
namespace {

// "Dec  1 09:28:01 " (15 bytes and a space).
std::size_t traditional_time_length(std::string_view line) {
  static constexpr std::string_view kMonths = "JanFebMarAprMayJunJulAugSepOctNovDec";
  if (line.size() < 16 || kMonths.find(line.substr(0, 3)) == std::string_view::npos || line[3] != ' ') return 0;
  if (!(line[4] == ' ' || is_digit(line[4])) || !is_digit(line[5]) || line[6] != ' ') return 0;
  if (!is_digit(line[7]) || !is_digit(line[8]) || line[9] != ':' || line[12] != ':' || line[15] != ' ') return 0;
  return 15;
}

// "2026-12-01T09:28:01[.ffffff](Z|+hh:mm)".
std::size_t rfc3339_time_length(std::string_view line) {
  if (line.size() < 20 || !is_digit(line[0]) || line[4] != '-' || line[10] != 'T' || line[13] != ':') return 0;
  const auto space = line.find(' ');
  return space == std::string_view::npos ? 0 : space;
}

// "#ooo" for a control character (rsyslog's EscapeControlCharactersOnReceive) back to the byte.
std::string unescape(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '#' && i + 3 < text.size() && text[i + 1] == '0' &&
        text[i + 2] >= '0' && text[i + 2] <= '3' && text[i + 3] >= '0' && text[i + 3] <= '7') {
      out.push_back(static_cast<char>((text[i + 2] - '0') * 8 + (text[i + 3] - '0')));
      i += 3;
      continue;
    }
    out.push_back(text[i]);
  }
  return out;
}

bool read_number(std::string_view& text, std::uint64_t& value) {
  std::size_t n = 0;
  value = 0;
  while (n < text.size() && is_digit(text[n])) value = value * 10 + static_cast<std::uint64_t>(text[n++] - '0');
  text.remove_prefix(n);
  return n > 0;
}

}  // namespace

bool parse_syslog_line(std::string_view line, SyslogLine& out) {
  out = SyslogLine{};
  std::size_t time_length = traditional_time_length(line);
  if (time_length == 0 && (time_length = rfc3339_time_length(line)) != 0) out.rfc3339_time = line.substr(0, time_length);
  if (time_length == 0) return false;
  std::string_view rest = line.substr(time_length + 1);
  const auto host_end = rest.find(' ');
  if (host_end == std::string_view::npos) return false;
  rest.remove_prefix(host_end + 1);
  // "postgres[123]: "
  const auto colon = rest.find(": ");
  const auto bracket = rest.find('[');
  if (colon == std::string_view::npos || bracket == std::string_view::npos || bracket > colon ||
      rest[colon - 1] != ']') {
    return false;
  }
  out.program = rest.substr(0, bracket);
  out.pid = rest.substr(bracket + 1, colon - bracket - 2);
  rest.remove_prefix(colon + 2);
  // "[SEQ-PART] ", "[SEQ] " or "[PART] ": which of the last two it is, only the server's
  // syslog_sequence_numbers says; a "-" says both are there.
  if (rest.starts_with('[')) {
    std::string_view numbers = rest.substr(1);
    std::uint64_t first = 0, second = 0;
    if (read_number(numbers, first)) {
      bool both = false;
      if (numbers.starts_with('-')) {
        numbers.remove_prefix(1);
        both = read_number(numbers, second);
      }
      if (numbers.starts_with("] ") || numbers == "]") {
        out.sequence = first;
        out.part = both ? static_cast<int>(second) : 0;
        rest = numbers.substr(numbers.size() >= 2 ? 2 : 1);
      }
    }
  }
  out.text = unescape(rest);
  return true;
}

bool looks_like_syslog(std::string_view line) {
  SyslogLine parsed;
  return parse_syslog_line(line, parsed);
}

std::string log_time_of_rfc3339(std::string_view time) {
  std::string text(time);
  if (text.size() > 10 && text[10] == 'T') text[10] = ' ';
  const auto zone = text.find_first_of("Z+-", 19);
  if (zone == std::string::npos) return text;
  if (text[zone] == 'Z') return text.substr(0, zone) + " UTC";
  return text.substr(0, zone) + " " + text.substr(zone);
}

SyslogRecordOrder::Group* SyslogRecordOrder::open_group_of(const std::string& pid) {
  const auto it = open_by_pid_.find(pid);
  if (it == open_by_pid_.end() || groups_.empty() || it->second < groups_.front().id) return nullptr;
  Group& group = groups_[it->second - groups_.front().id];
  return group.complete ? nullptr : &group;
}

void SyslogRecordOrder::add(std::string_view physical, std::uint64_t number) {
  last_number_ = number;
  Record record;
  record.number = number;
  record.parsed = parse_syslog_line(physical, record.line);
  if (!record.parsed) {
    record.raw.assign(physical);
    groups_.push_back({"", 0, {}, true, number, next_id_++});
    groups_.back().records.push_back(std::move(record));
    return;
  }
  const std::string pid(record.line.pid);
  Group* open = open_group_of(pid);
  const bool continues = open != nullptr && record.line.part > 1 && open->sequence == record.line.sequence;
  if (continues) {
    open->records.push_back(std::move(record));
    open->last_number = number;
    return;
  }
  if (open != nullptr) open->complete = true;  // the process started its next message
  const std::uint64_t sequence = record.line.sequence;
  const bool single = record.line.part == 0 && sequence != 0;  // "[SEQ] text": never split
  groups_.push_back({pid, sequence, {}, single, number, next_id_});
  groups_.back().records.push_back(std::move(record));
  open_by_pid_[pid] = next_id_++;
}

bool SyslogRecordOrder::pop(Record& out) {
  while (!groups_.empty()) {
    Group& front = groups_.front();
    if (!front.complete && (finished_ || last_number_ - front.last_number >= kMaxLinesApart)) front.complete = true;
    if (!front.complete) return false;
    if (front.records.empty()) {
      groups_.pop_front();
      continue;
    }
    out = std::move(front.records.front());
    front.records.pop_front();
    return true;
  }
  return false;
}

}  // namespace pgshadow::capture
