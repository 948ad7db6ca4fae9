#include "log_message.h"

#include <charconv>
#include <string>

namespace pgshadow::capture {
namespace {

bool consume(std::string_view& text, std::string_view prefix) {
  if (!text.starts_with(prefix)) return false;
  text.remove_prefix(prefix.size());
  return true;
}

// LOG messages that are not statements, by the start of their text. The server writes them in
// English unless lc_messages says otherwise; a translated message is reported as unrecognised.
struct KnownPrefix {
  std::string_view prefix;
  std::string_view kind;
};
constexpr KnownPrefix kNotStatementPrefixes[] = {
    {"connection received:", "connection"},
    {"connection authorized:", "connection"},
    {"connection authenticated:", "connection"},
    {"replication connection authorized:", "connection"},
    {"disconnection:", "disconnection"},
    {"checkpoint starting:", "checkpoint"},
    {"checkpoint complete:", "checkpoint"},
    {"checkpoints are occurring too frequently", "checkpoint"},
    {"restartpoint", "checkpoint"},
    {"automatic vacuum of table", "autovacuum"},
    {"automatic aggressive vacuum", "autovacuum"},
    {"automatic analyze of table", "autovacuum"},
    {"temporary file:", "temporary_file"},
    {"process ", "lock_wait"},  // "process 123 still waiting for ShareLock ...", "... acquired ..."
    {"starting PostgreSQL", "server_lifecycle"},
    {"listening on", "server_lifecycle"},
    {"database system", "server_lifecycle"},
    {"received fast shutdown request", "server_lifecycle"},
    {"received smart shutdown request", "server_lifecycle"},
    {"received immediate shutdown request", "server_lifecycle"},
    {"aborting any active transactions", "server_lifecycle"},
    {"background worker", "server_lifecycle"},
    {"shutting down", "server_lifecycle"},
    {"ending log output to stderr", "server_lifecycle"},
    {"redirecting log output", "server_lifecycle"},
    {"server process", "server_lifecycle"},
    {"terminating any other active server processes", "server_lifecycle"},
    {"all server processes terminated", "server_lifecycle"},
    {"received SIGHUP", "configuration"},
    {"parameter \"", "configuration"},
    {"configuration file", "configuration"},
    {"redo starts at", "recovery"},
    {"redo done at", "recovery"},
    {"invalid record length", "recovery"},
    {"consistent recovery state", "recovery"},
    {"archive recovery complete", "recovery"},
    {"logical replication", "replication"},
    {"logical decoding", "replication"},
    {"starting logical decoding", "replication"},
};

// "NAME[/PORTAL]: SQL" after "execute ", "bind " or "parse ". The name is "<unnamed>" for the
// unnamed statement; the portal name is not part of the statement's identity.
bool split_name_and_sql(std::string_view rest, LogMessage& out) {
  const auto colon = rest.find(": ");
  if (colon == std::string_view::npos) return false;
  std::string_view name = rest.substr(0, colon);
  if (const auto slash = name.find('/'); slash != std::string_view::npos) name = name.substr(0, slash);
  out.statement_name = name == "<unnamed>" ? std::string_view{} : name;
  out.sql = rest.substr(colon + 2);
  return true;
}

// The statement part of a message (after any "duration: X ms  ").
void classify_statement(std::string_view text, LogMessage& out) {
  if (consume(text, "statement: ")) {
    out.kind = LogMessageKind::kStatement;
    out.sql = text;
    return;
  }
  LogMessageKind kind = LogMessageKind::kUnrecognised;
  if (consume(text, "execute fetch from ")) {
    kind = LogMessageKind::kExecuteFetch;
  } else if (consume(text, "execute ")) {
    kind = LogMessageKind::kExecute;
  } else if (consume(text, "bind ")) {
    kind = LogMessageKind::kBind;
  } else if (consume(text, "parse ")) {
    kind = LogMessageKind::kParse;
  }
  if (kind != LogMessageKind::kUnrecognised && split_name_and_sql(text, out)) out.kind = kind;
}

}  // namespace

LogMessage parse_log_message(std::string_view message) {
  LogMessage out;
  std::string_view text = message;
  if (consume(text, "duration: ")) {
    double ms = 0;
    auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), ms);
    if (ec != std::errc()) return out;
    text.remove_prefix(static_cast<std::size_t>(end - text.data()));
    if (!consume(text, " ms")) return out;
    out.duration_ms = ms;
    if (text.empty()) {
      out.kind = LogMessageKind::kBareDuration;
      return out;
    }
    if (!consume(text, "  ")) return out;
    classify_statement(text, out);
    return out;
  }
  classify_statement(text, out);
  if (out.kind != LogMessageKind::kUnrecognised) return out;
  for (const auto& known : kNotStatementPrefixes) {
    if (message.starts_with(known.prefix)) {
      out.kind = LogMessageKind::kNotStatement;
      out.not_statement_kind = known.kind;
      return out;
    }
  }
  return out;
}

std::string_view not_statement_kind_for_severity(std::string_view severity) {
  if (severity == "WARNING") return "warning";
  if (severity == "NOTICE") return "notice";
  if (severity == "INFO") return "info";
  if (severity.starts_with("DEBUG")) return "debug";
  return {};
}

namespace {

// "$N = " for exactly this N, read in place: no string is built per parameter (building
// "$" + std::to_string(n) + " = " also set off GCC 12's false -Wrestrict at -O3, GCC PR 105329).
bool consume_parameter_name(std::string_view& text, std::size_t expected) {
  if (!consume(text, "$")) return false;
  std::size_t number = 0;
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), number);
  if (error != std::errc() || number != expected) return false;
  text.remove_prefix(static_cast<std::size_t>(end - text.data()));
  return consume(text, " = ");
}

}  // namespace

std::optional<std::vector<ParameterValue>> parse_parameters_detail(std::string_view detail) {
  std::vector<ParameterValue> values;
  if (detail.empty()) return values;
  std::string_view text = detail;
  if (!consume(text, "parameters: ")) return std::nullopt;
  for (;;) {
    // "$N = " with N the next position: the server always lists $1..$n in order.
    if (!consume_parameter_name(text, values.size() + 1)) return std::nullopt;
    if (consume(text, "NULL")) {
      values.emplace_back(std::nullopt);
    } else {
      if (!consume(text, "'")) return std::nullopt;
      std::string value;
      for (;;) {
        const auto quote = text.find('\'');
        if (quote == std::string_view::npos) return std::nullopt;
        value.append(text.substr(0, quote));
        text.remove_prefix(quote + 1);
        if (!consume(text, "'")) break;  // a lone quote closes the value
        value.push_back('\'');           // a doubled quote is one quote
      }
      values.emplace_back(std::move(value));
    }
    if (text.empty()) return values;
    if (!consume(text, ", ")) return std::nullopt;
  }
}

}  // namespace pgshadow::capture
