#include "stderr_line_prefix.h"

#include <algorithm>
#include <cstring>

#include "text_helpers.h"

namespace pgshadow::capture {
namespace {

bool all_of(std::string_view text, bool (*pred)(char)) {
  return std::all_of(text.begin(), text.end(), pred);
}
bool digits(std::string_view text) { return !text.empty() && all_of(text, is_digit); }

// "A.B" where both parts satisfy `part`.
bool dotted(std::string_view text, char dot, bool (*part)(std::string_view)) {
  const auto at = text.find(dot);
  return at != std::string_view::npos && part(text.substr(0, at)) && part(text.substr(at + 1));
}
bool hex_digits(std::string_view text) { return !text.empty() && all_of(text, is_hex); }

// The server's "%Y-%m-%d %H:%M:%S[.mmm] %Z": the zone abbreviation or offset has no space.
bool timestamp(std::string_view text, bool with_milliseconds) {
  constexpr std::string_view kShape = "0000-00-00 00:00:00";
  if (text.size() < kShape.size()) return false;
  for (std::size_t i = 0; i < kShape.size(); ++i) {
    if (kShape[i] == '0' ? !is_digit(text[i]) : text[i] != kShape[i]) return false;
  }
  text.remove_prefix(kShape.size());
  if (with_milliseconds) {
    if (text.size() < 4 || text[0] != '.' || !digits(text.substr(1, 3))) return false;
    text.remove_prefix(4);
  }
  return text.size() >= 2 && text[0] == ' ' && text.find(' ', 1) == std::string_view::npos;
}

// Whether `value` can be what the server printed for `escape` (padding already removed).
bool valid_value(char escape, std::string_view value) {
  switch (escape) {
    case 'm': return timestamp(value, true);
    case 't':
    case 's': return timestamp(value, false);
    case 'n': return dotted(value, '.', digits);
    case 'p':
    case 'l':
    case 'x': return digits(value);
    case 'P': return value.empty() || digits(value);  // only parallel workers print a leader
    case 'Q': return digits(value.starts_with('-') ? value.substr(1) : value);
    case 'e': return value.size() == 5 && all_of(value, [](char c) { return is_digit(c) || (c >= 'A' && c <= 'Z'); });
    case 'c': return dotted(value, '.', hex_digits);
    case 'v': return value.empty() || dotted(value, '/', digits);
    default: return true;  // free text: %u %d %a %r %h %b %i
  }
}

std::string_view trim_spaces(std::string_view text) {
  while (!text.empty() && text.front() == ' ') text.remove_prefix(1);
  while (!text.empty() && text.back() == ' ') text.remove_suffix(1);
  return text;
}

constexpr std::string_view kSeverities[] = {"LOG",   "ERROR", "WARNING", "NOTICE", "INFO",
                                            "FATAL", "PANIC", "DEBUG"};
constexpr std::string_view kSecondaryKeywords[] = {"STATEMENT", "DETAIL",   "HINT",     "CONTEXT",
                                                   "QUERY",     "LOCATION", "BACKTRACE"};

}  // namespace

bool is_secondary_keyword(std::string_view word) {
  return std::find(std::begin(kSecondaryKeywords), std::end(kSecondaryKeywords), word) !=
         std::end(kSecondaryKeywords);
}

bool split_severity(std::string_view rest, std::string_view& severity, std::string_view& text) {
  // The longest keyword is 9 bytes ("STATEMENT", "BACKTRACE"); the server writes two spaces.
  const auto colon = rest.substr(0, 10).find(':');
  if (colon == std::string_view::npos || rest.substr(colon, 3) != ":  ") return false;
  const std::string_view word = rest.substr(0, colon);
  const bool known = std::find(std::begin(kSeverities), std::end(kSeverities), word) != std::end(kSeverities) ||
                     is_secondary_keyword(word);
  if (!known) return false;
  severity = word;
  text = rest.substr(colon + 3);
  return true;
}

Result<LinePrefix> LinePrefix::compile(std::string_view log_line_prefix) {
  LinePrefix prefix;
  prefix.text_ = std::string(log_line_prefix);
  // A literal before %q and one after it stay two elements: a process without a session prints
  // the first and stops.
  auto add_literal = [&](std::string_view text) {
    const bool at_q = prefix.has_q_ && prefix.q_index_ == prefix.elements_.size();
    if (prefix.elements_.empty() || !prefix.elements_.back().is_literal || at_q) {
      prefix.elements_.push_back({true, {}, 0, false});
    }
    prefix.elements_.back().literal.append(text);
  };
  // Mirrors the server's loop: literal bytes are copied, "%[-][width]X" is an escape; a
  // malformed or unknown escape prints nothing (and a dangling '%' ends the prefix).
  for (std::size_t i = 0; i < log_line_prefix.size(); ++i) {
    if (log_line_prefix[i] != '%') {
      add_literal(log_line_prefix.substr(i, 1));
      continue;
    }
    std::size_t j = i + 1;
    bool padded = false;
    if (j < log_line_prefix.size() && log_line_prefix[j] == '-') ++j, padded = true;
    while (j < log_line_prefix.size() && is_digit(log_line_prefix[j])) ++j, padded = true;
    if (j >= log_line_prefix.size()) break;
    const char escape = log_line_prefix[j];
    i = j;
    if (escape == '%') {
      add_literal("%");
    } else if (escape == 'q') {
      if (!prefix.has_q_) {
        prefix.has_q_ = true;
        prefix.q_index_ = prefix.elements_.size();
      }
    } else if (std::strchr("audrhbpPtmnieclsvxQ", escape) != nullptr) {
      prefix.elements_.push_back({false, {}, escape, padded});
    }
  }
  if (!prefix.has_q_) prefix.q_index_ = prefix.elements_.size();
  return prefix;
}

bool LinePrefix::has(char escape) const {
  return std::any_of(elements_.begin(), elements_.end(),
                     [&](const Element& e) { return !e.is_literal && e.escape == escape; });
}

bool LinePrefix::match(std::string_view line, PrefixFields& fields) const {
  fields = PrefixFields{};
  if (match_from(0, elements_.size(), line, 0, fields)) {
    fields.session_part = true;
    return true;
  }
  // A process without a client connection stops printing at %q.
  if (has_q_) {
    fields = PrefixFields{};
    return match_from(0, q_index_, line, 0, fields);
  }
  return false;
}

bool LinePrefix::match_from(std::size_t index, std::size_t end_index, std::string_view line,
                            std::size_t pos, PrefixFields& fields) const {
  if (index == end_index) return split_severity(line.substr(pos), fields.severity, fields.text);
  const Element& element = elements_[index];
  if (!element.is_literal) return match_field(index, end_index, line, pos, fields);
  if (line.substr(pos, element.literal.size()) != element.literal) return false;
  return match_from(index + 1, end_index, line, pos + element.literal.size(), fields);
}

// Tries the ends of the value in order: before each occurrence of the next literal, or, when
// the next element is not a literal, every position. The first end that leads to a whole match
// wins, so a value that contains the literal is found when the shorter reading fails.
bool LinePrefix::match_field(std::size_t index, std::size_t end_index, std::string_view line,
                             std::size_t pos, PrefixFields& fields) const {
  const Element& element = elements_[index];
  const std::size_t limit = std::min(line.size(), pos + kMaxFieldBytes);
  const Element* next = index + 1 < end_index ? &elements_[index + 1] : nullptr;
  const bool next_is_literal = next != nullptr && next->is_literal;
  std::size_t end = pos;
  for (;;) {
    if (next_is_literal) {
      end = line.find(next->literal, end);
      if (end == std::string_view::npos || end > limit) return false;
    } else if (end > limit) {
      return false;
    }
    const std::string_view raw = line.substr(pos, end - pos);
    const std::string_view value = element.padded ? trim_spaces(raw) : raw;
    if (valid_value(element.escape, value)) {
      const auto slot = static_cast<unsigned char>(element.escape);
      const std::string_view saved = fields.values[slot];
      fields.values[slot] = value;
      if (match_from(index + 1, end_index, line, end, fields)) return true;
      fields.values[slot] = saved;
    }
    ++end;
  }
}

}  // namespace pgshadow::capture
