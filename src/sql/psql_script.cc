#include "pgshadow/sql/psql_script.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cctype>
#include <set>
#include <string>

#include "pg_query_calls.h"
#include "pgshadow/sql/query_shape.h"

namespace pgshadow::sql {
namespace {

using nlohmann::json;

constexpr std::string_view kMetaCommandRefused = "is not allowed in a plain-SQL baseline (psql would run it)";

struct Line {
  std::size_t start = 0;
  std::size_t end = 0;  // past the last character, newline excluded
};

std::vector<Line> lines_of(std::string_view text) {
  std::vector<Line> lines;
  std::size_t start = 0;
  for (;;) {
    const std::size_t newline = text.find('\n', start);
    if (newline == std::string_view::npos) {
      if (start < text.size()) lines.push_back({start, text.size()});
      return lines;
    }
    lines.push_back({start, newline});
    start = newline + 1;
  }
}

std::string lowercase(std::string_view text) {
  std::string lower(text);
  std::transform(lower.begin(), lower.end(), lower.begin(), [](unsigned char c) { return std::tolower(c); });
  return lower;
}

std::string_view trimmed_right(std::string_view line) {
  while (!line.empty() && std::isspace(static_cast<unsigned char>(line.back())) != 0) line.remove_suffix(1);
  return line;
}

// pg_dump's "\restrict KEY" and "\unrestrict KEY": psql then refuses every other meta-command
// until the matching \unrestrict, which is the protection we want anyway.
bool is_restrict_line(std::string_view line) {
  line = trimmed_right(line);
  for (std::string_view command : {"\\restrict ", "\\unrestrict "}) {
    if (line.substr(0, command.size()) != command) continue;
    const std::string_view key = line.substr(command.size());
    return !key.empty() && std::all_of(key.begin(), key.end(), [](unsigned char c) { return std::isalnum(c) != 0; });
  }
  return false;
}

// A line that may end a COPY ... FROM stdin statement: psql then reads the following lines as
// data. Only a guess; the parser confirms it (see read_psql_script).
bool may_end_copy_from_stdin(std::string_view line) {
  line = trimmed_right(line);
  return !line.empty() && line.back() == ';' && lowercase(line).find("stdin") != std::string::npos;
}

bool ends_copy_data(std::string_view line) { return line == "\\." || line == "\\.\r"; }

// The text psql's lexer sees: the data lines after each assumed COPY line (up to and including
// the "\." line, or to the end) and the \restrict lines emptied, every newline kept so that line
// numbers stay. Returns the assumed COPY lines that start a block (one inside an earlier block is
// data, not a statement).
std::string blank_copy_data(std::string_view text, const std::vector<Line>& lines,
                            const std::set<std::size_t>& assumed, std::set<std::size_t>& effective) {
  std::string sql;
  sql.reserve(text.size());
  bool in_data = false;
  for (std::size_t index = 0; index < lines.size(); ++index) {
    const std::string_view line = text.substr(lines[index].start, lines[index].end - lines[index].start);
    const bool blank = in_data || is_restrict_line(line);
    if (!blank) sql += line;
    if (lines[index].end < text.size()) sql += '\n';
    if (in_data) {
      if (ends_copy_data(line)) in_data = false;
      continue;
    }
    if (assumed.count(index) != 0) {
      effective.insert(index);
      in_data = true;
    }
  }
  return sql;
}

std::uint64_t last_line_of(const ScriptStatement& statement) {
  return statement.line + static_cast<std::uint64_t>(std::count(statement.sql.begin(), statement.sql.end(), '\n'));
}

// The one statement of a text, as its parse tree node, or null.
json only_statement(const std::string& sql) {
  auto parsed = detail::parse_to_json(sql);
  const auto* tree = std::get_if<std::string>(&parsed);
  if (tree == nullptr) return nullptr;
  json root = json::parse(*tree, nullptr, false);
  if (!root.is_object() || !root.contains("stmts") || root["stmts"].size() != 1) return nullptr;
  return root["stmts"][0].value("stmt", json());
}

// SET name = value / TO value with one constant value, lowercased; empty otherwise.
std::string set_value(const json& statement, std::string_view name) {
  if (!statement.is_object() || !statement.contains("VariableSetStmt")) return {};
  const json& set = statement["VariableSetStmt"];
  if (set.value("kind", "") != "VAR_SET_VALUE" || lowercase(set.value("name", "")) != name) return {};
  if (!set.contains("args") || set["args"].size() != 1 || !set["args"][0].contains("A_Const")) return {};
  const json& constant = set["args"][0]["A_Const"];
  if (constant.contains("sval")) return lowercase(constant["sval"].value("sval", ""));
  if (constant.contains("boolval")) return constant["boolval"].value("boolval", false) ? "true" : "false";
  if (constant.contains("ival")) return std::to_string(constant["ival"].value("ival", 0));
  return {};
}

// Encodings that only clients use: a byte of a multi-byte character can be a backslash, which
// the scanner (reading ASCII-compatible text) would take for one. Names as PostgreSQL matches
// them: case and non-alphanumerics ignored.
bool is_client_only_encoding(std::string value) {
  std::erase_if(value, [](unsigned char c) { return std::isalnum(c) == 0; });
  static const std::set<std::string> kClientOnly = {
      "sjis",    "shiftjis", "shiftjis2004", "mskanji", "win932", "windows932", "big5",   "win950", "windows950",
      "gbk",     "win936",   "windows936",   "uhc",     "win949", "windows949", "gb18030", "johab"};
  return kClientOnly.count(value) != 0;
}

// Why the statement would make psql read the rest of the file differently from the scanner, or
// empty. Looked for by name anywhere in the text: set_config('client_encoding', ...) counts too.
std::string changes_lexing(const ScriptStatement& statement) {
  const std::string lower = lowercase(statement.sql);
  const bool scs = lower.find("standard_conforming_strings") != std::string::npos;
  const bool encoding = lower.find("client_encoding") != std::string::npos;
  if (!scs && !encoding) return {};
  const json tree = only_statement(statement.sql);
  if (scs) {
    const std::string value = set_value(tree, "standard_conforming_strings");
    if (value != "on" && value != "true" && value != "1") {
      return "standard_conforming_strings may only be set to on in a plain-SQL baseline (psql would read the "
             "backslashes of the rest of the file differently)";
    }
  }
  if (encoding) {
    const std::string value = set_value(tree, "client_encoding");
    if (value.empty() || is_client_only_encoding(value)) {
      return "client_encoding may only be set to a server encoding (UTF8, LATIN1, ...) in a plain-SQL baseline "
             "(in a client-only encoding psql would read the rest of the file differently)";
    }
  }
  return {};
}

Error error_at(std::string_view file_name, std::uint64_t line, std::string_view what) {
  return Error::bad_input(std::string(file_name) + ":" + std::to_string(line) + ": " + std::string(what));
}

}  // namespace

Result<std::vector<ScriptStatement>> read_psql_script(std::string_view text, std::string_view file_name) {
  const std::vector<Line> lines = lines_of(text);
  std::set<std::size_t> assumed;  // 0-based lines taken to end a COPY ... FROM stdin
  for (std::size_t index = 0; index < lines.size(); ++index) {
    if (may_end_copy_from_stdin(text.substr(lines[index].start, lines[index].end - lines[index].start))) {
      assumed.insert(index);
    }
  }
  // The guesses are checked against the parser: a guessed line that does not end a COPY FROM
  // stdin statement (the words inside a string, say) is dropped, the earliest first, since the
  // scanner's reading of everything after it depends on it; and every COPY FROM stdin the parser
  // finds must end a guessed line.
  for (;;) {
    std::set<std::size_t> effective;
    const std::string sql = blank_copy_data(text, lines, assumed, effective);
    auto statements = split_script(sql, file_name, kMetaCommandRefused);
    if (!statements) return statements.error();
    std::set<std::size_t> confirmed;
    for (const ScriptStatement& statement : *statements) {
      if (facts_of(statement.sql).copies_from_client) confirmed.insert(static_cast<std::size_t>(last_line_of(statement) - 1));
    }
    std::optional<std::size_t> wrong_guess;
    for (std::size_t line : effective) {
      if (confirmed.count(line) == 0) {
        wrong_guess = line;
        break;
      }
    }
    if (wrong_guess) {
      assumed.erase(*wrong_guess);
      continue;
    }
    for (const ScriptStatement& statement : *statements) {
      if (facts_of(statement.sql).copies_from_client &&
          effective.count(static_cast<std::size_t>(last_line_of(statement) - 1)) == 0) {
        return error_at(file_name, last_line_of(statement),
                        "COPY ... FROM stdin must end its line with the semicolon, its data on the lines that "
                        "follow, up to a line \\. (as pg_dump writes it)");
      }
      if (std::string why = changes_lexing(statement); !why.empty()) return error_at(file_name, statement.line, why);
    }
    return statements;
  }
}

}  // namespace pgshadow::sql
