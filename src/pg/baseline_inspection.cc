#include "baseline_inspection.h"

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <sstream>

#include "child_process.h"
#include "pgshadow/sql/psql_script.h"
#include "server_user.h"

namespace pgshadow::pg {
namespace {

Result<std::string> read_whole(const std::string& file, const std::string& what) {
  std::ifstream in(file, std::ios::binary);
  if (!in) return Error::bad_input(file + ": cannot read the " + what + ": " + strerror(errno));
  std::stringstream text;
  text << in.rdbuf();
  if (in.bad()) return Error::bad_input(file + ": cannot read the " + what);
  return text.str();
}

// pg_restore with the archive on its standard input, writing `output` (in the scratch directory).
Status run_pg_restore(const std::string& bin_dir, const std::string& archive, std::vector<std::string> args) {
  auto user = unprivileged_server_user();
  if (!user) return user.error();
  ChildCommand command(bin_dir + "/pg_restore", std::move(args));
  command.env = {"LC_ALL=C", "LANG=C"};
  command.run_as = *user;
  command.capture_stdout = false;
  auto outcome = run_child(command, archive);
  if (!outcome) return outcome.error();
  if (outcome->succeeded()) return {};
  return Error::bad_input(archive + ": pg_restore cannot read the archive (" + outcome->describe() +
                          "):\n" + last_lines(outcome->output, kToolLinesInErrors));
}

// The DATABASE entry of `pg_restore -l -C`: "3344; 1262 16388 DATABASE - app app_admin".
void read_database_entry(const std::string& listing, BaselineNeeds& needs) {
  std::istringstream lines(listing);
  for (std::string line; std::getline(lines, line);) {
    if (line.empty() || line[0] == ';') continue;
    std::istringstream words(line);
    std::vector<std::string> fields;
    for (std::string word; words >> word;) fields.push_back(word);
    if (fields.size() == 7 && fields[3] == "DATABASE" && fields[4] == "-") {
      needs.database_name = fields[5];
      needs.database_owner = fields[6];
      return;
    }
  }
}

void collect(const std::vector<sql::ScriptStatement>& statements, BaselineNeeds& needs) {
  for (const auto& statement : statements) sql::collect_global_references(statement.sql, needs.references);
}

}  // namespace

Result<BaselineFormat> baseline_format(const std::string& file) {
  std::ifstream in(file, std::ios::binary);
  if (!in) return Error::bad_input(file + ": cannot read the baseline file: " + strerror(errno));
  char magic[5] = {};
  in.read(magic, sizeof magic);
  bool archive = in.gcount() == sizeof magic && std::string_view(magic, sizeof magic) == "PGDMP";
  return archive ? BaselineFormat::kCustomArchive : BaselineFormat::kPlainSql;
}

Result<std::vector<sql::ScriptStatement>> read_plain_baseline(const std::string& file) {
  auto text = read_whole(file, "baseline file");
  if (!text) return text.error();
  return sql::read_psql_script(*text, file);
}

Result<BaselineNeeds> what_the_baseline_needs(const std::string& bin_dir, const std::string& file,
                                              const std::string& scratch_dir) {
  auto format = baseline_format(file);
  if (!format) return format.error();
  BaselineNeeds needs;
  needs.format = *format;
  if (*format == BaselineFormat::kPlainSql) {
    auto statements = read_plain_baseline(file);
    if (!statements) return statements.error();
    collect(*statements, needs);
    return needs;
  }
  const std::string listing = scratch_dir + "/baseline.toc";
  const std::string schema = scratch_dir + "/baseline-schema.sql";
  if (Status listed = run_pg_restore(bin_dir, file, {"-l", "-C", "-f", listing}); !listed) return listed.error();
  if (Status written = run_pg_restore(bin_dir, file, {"-s", "-f", schema}); !written) return written.error();
  auto toc = read_whole(listing, "archive's table of contents");
  if (!toc) return toc.error();
  read_database_entry(*toc, needs);
  auto text = read_whole(schema, "archive's schema");
  if (!text) return text.error();
  auto statements = sql::read_psql_script(*text, file + " (its schema, as pg_restore writes it)");
  if (!statements) return statements.error();
  collect(*statements, needs);
  std::remove(listing.c_str());
  std::remove(schema.c_str());
  return needs;
}

}  // namespace pgshadow::pg
