#include "outside_reach.h"

#include <algorithm>
#include <string_view>

#include "text_tests.h"

namespace pgshadow::sql::detail {
namespace {

std::optional<OutsideReach> function_reach(const std::string& name) {
  if (is_one_of(name, {"pg_read_file", "pg_read_binary_file", "pg_ls_dir", "pg_ls_logdir", "pg_ls_waldir",
                       "pg_ls_tmpdir", "pg_ls_archive_statusdir", "pg_ls_logicalsnapdir", "pg_ls_logicalmapdir",
                       "pg_ls_replslotdir", "pg_stat_file", "pg_file_write", "pg_file_rename", "pg_file_unlink",
                       "pg_file_sync", "pg_logdir_ls", "lo_import", "lo_export"})) {
    return OutsideReach{"server_files", "calls " + name + "(): reads or writes files on the server's host"};
  }
  if (is_one_of(name, {"pg_reload_conf", "pg_rotate_logfile", "pg_promote", "pg_switch_wal", "pg_create_restore_point",
                       "pg_backup_start", "pg_backup_stop", "pg_start_backup", "pg_stop_backup",
                       "pg_wal_replay_pause", "pg_wal_replay_resume", "pg_log_backend_memory_contexts"})) {
    return OutsideReach{"server_control", "calls " + name + "(): acts on the whole server"};
  }
  if (is_one_of(name, {"pg_terminate_backend", "pg_cancel_backend"})) {
    return OutsideReach{"other_backends", "calls " + name + "(): signals another session's backend"};
  }
  if (name.rfind("pg_create_", 0) == 0 && name.find("replication_slot") != std::string::npos) {
    return OutsideReach{"replication", "calls " + name + "(): creates a replication slot"};
  }
  if (is_one_of(name, {"pg_drop_replication_slot", "pg_logical_slot_get_changes", "pg_logical_slot_peek_changes",
                       "pg_replication_slot_advance", "pg_replication_origin_create"})) {
    return OutsideReach{"replication", "calls " + name + "(): acts on replication"};
  }
  if (name.rfind("dblink", 0) == 0) {
    return OutsideReach{"foreign_connections", "calls " + name + "(): connects to another server"};
  }
  return std::nullopt;
}

// LANGUAGE plpython3u, plperlu, pltclu ... ("u": untrusted, may do anything on the host) or C.
bool is_untrusted_language(const json& options) {
  for (const json& option : options) {
    const json* element = body_of(option, "DefElem");
    if (element == nullptr || element->value("defname", "") != "language") continue;
    const auto arg = element->find("arg");
    if (arg == element->end() || !arg->contains("String")) continue;
    const std::string language = (*arg)["String"].value("sval", "");
    if (language == "c" || (!language.empty() && language.back() == 'u')) return true;
  }
  return false;
}

std::optional<OutsideReach> statement_reach(const std::string& type, const json& body) {
  if (type == "CopyStmt" && body.value("is_program", false)) {
    return OutsideReach{"copy_program", std::string("COPY ... ") + (body.value("is_from", false) ? "FROM" : "TO") +
                                            " PROGRAM: runs a program on the server's host"};
  }
  if (type == "CopyStmt" && body.contains("filename")) {
    return OutsideReach{"copy_file", std::string("COPY ... ") + (body.value("is_from", false) ? "FROM" : "TO") +
                                         " a server file: reads or writes a file on the server's host"};
  }
  if (type == "AlterSystemStmt") return OutsideReach{"server_control", "ALTER SYSTEM: changes the server's configuration"};
  if (type == "LoadStmt") return OutsideReach{"server_control", "LOAD: loads a library from the server's host"};
  if (is_one_of(type, {"CreatedbStmt", "DropdbStmt", "AlterDatabaseStmt", "AlterDatabaseRefreshCollStmt"})) {
    return OutsideReach{"databases", "CREATE/ALTER/DROP DATABASE: acts on another database"};
  }
  if (is_one_of(type, {"CreateTableSpaceStmt", "DropTableSpaceStmt", "AlterTableSpaceOptionsStmt"})) {
    return OutsideReach{"tablespaces", "CREATE/ALTER/DROP TABLESPACE: a directory on the server's host"};
  }
  if (is_one_of(type, {"CreateForeignServerStmt", "AlterForeignServerStmt", "CreateFdwStmt", "AlterFdwStmt",
                       "CreateUserMappingStmt", "AlterUserMappingStmt", "ImportForeignSchemaStmt",
                       "CreateSubscriptionStmt", "AlterSubscriptionStmt"})) {
    return OutsideReach{"foreign_connections", "a foreign server, user mapping or subscription: connects to another server"};
  }
  if ((type == "CreateFunctionStmt" && is_untrusted_language(body.value("options", json::array()))) ||
      (type == "DoStmt" && is_untrusted_language(body.value("args", json::array())))) {
    return OutsideReach{"untrusted_language", "code in an untrusted language (or C): may act on the server's host"};
  }
  if (type == "FuncCall") return function_reach(function_name(body));
  return std::nullopt;
}

}  // namespace

std::optional<OutsideReach> find_outside_reach(const json& statement) {
  std::optional<OutsideReach> reach;
  for_each_node(statement, [&](const std::string& type, const json& body) {
    if (!reach) reach = statement_reach(type, body);
  });
  return reach;
}

}  // namespace pgshadow::sql::detail
