#include "nondeterminism.h"

#include <algorithm>
#include <cctype>
#include <string_view>

#include "text_tests.h"

namespace pgshadow::sql::detail {
namespace {

// Functions whose result differs between two runs of the same statement: time, randomness, the
// backend process, transaction ids and WAL positions (the two sides' xids and LSNs differ: the
// migration ran on one of them), relation sizes on disk, and server start times.
bool is_volatile_function(std::string_view name) {
  return is_one_of(name, {"now", "random", "clock_timestamp", "statement_timestamp", "transaction_timestamp",
                          "timeofday", "gen_random_uuid", "uuid_generate_v1", "uuid_generate_v1mc",
                          "uuid_generate_v4", "setseed", "random_normal", "pg_backend_pid", "txid_current",
                          "txid_current_if_assigned", "txid_current_snapshot", "pg_current_xact_id",
                          "pg_current_xact_id_if_assigned", "pg_current_snapshot", "inet_client_port",
                          "inet_client_addr", "inet_server_port", "inet_server_addr", "pg_current_wal_lsn",
                          "pg_current_wal_insert_lsn", "pg_current_wal_flush_lsn", "pg_last_wal_receive_lsn",
                          "pg_last_wal_replay_lsn", "pg_postmaster_start_time", "pg_conf_load_time",
                          "pg_relation_size", "pg_total_relation_size", "pg_table_size", "pg_indexes_size",
                          "pg_database_size", "pg_tablespace_size", "pg_relation_filenode", "pg_relation_filepath",
                          "mxid_age", "pg_xact_commit_timestamp", "pg_last_committed_xact", "txid_status",
                          "pg_xact_status", "pg_stat_get_activity", "pg_blocking_pids",
                          "pg_safe_snapshot_blocking_pids", "pg_my_temp_schema"});
}

// Settings that name the server's own place (its port, its files): they differ per cluster.
bool is_setup_setting(std::string_view name) {
  return is_one_of(name, {"port", "data_directory", "config_file", "hba_file", "ident_file", "external_pid_file",
                          "unix_socket_directories", "listen_addresses", "cluster_name", "log_directory",
                          "log_filename"});
}

// Views of the server's activity and statistics: they show the replay, not the application.
bool is_activity_relation(std::string_view name) {
  return name.rfind("pg_stat", 0) == 0 ||
         is_one_of(name, {"pg_locks", "pg_settings", "pg_file_settings", "pg_backend_memory_contexts",
                          "pg_shmem_allocations", "pg_prepared_statements", "pg_cursors", "pg_replication_slots",
                          "pg_prepared_xacts", "pg_hba_file_rules", "pg_ident_file_mappings", "pg_config",
                          "pg_control_checkpoint", "pg_control_system", "pg_control_recovery", "pg_ls_waldir"});
}

// 'now', 'today', 'tomorrow' and 'yesterday' read as a date or time are the clock, not constants.
bool is_clock_literal(std::string text) {
  text.erase(std::remove_if(text.begin(), text.end(), [](unsigned char c) { return std::isspace(c); }), text.end());
  std::transform(text.begin(), text.end(), text.begin(), [](unsigned char c) { return std::tolower(c); });
  return is_one_of(text, {"now", "today", "tomorrow", "yesterday"});
}

bool is_date_time_type(const json& type_name) {
  const auto names = type_name.find("names");
  if (names == type_name.end() || !names->is_array() || names->empty() || !names->back().contains("String")) {
    return false;
  }
  return is_one_of(names->back()["String"].value("sval", ""), {"date", "timestamp", "timestamptz", "time", "timetz"});
}

bool is_system_column(std::string_view name) { return is_one_of(name, {"xmin", "xmax", "cmin", "cmax"}); }

std::string reason_in(const std::string& type, const json& body, bool top_select) {
  if (type == "FuncCall") {
    const std::string name = function_name(body);
    if (is_volatile_function(name)) return "calls " + name + "()";
    // age(x) of one argument measures from now (or from the current xid); age(a, b) does not.
    if (name == "age" && body.value("args", json::array()).size() == 1) return "calls age() of one argument";
    if (name == "current_setting" && body.contains("args") && !body["args"].empty()) {
      const std::string* setting = string_constant(body["args"][0]);
      if (setting != nullptr && is_setup_setting(*setting)) return "reads setting " + *setting;
    }
  } else if (type == "SQLValueFunction") {
    const std::string op = body.value("op", "");
    if (op.find("CURRENT_TIME") != std::string::npos || op.find("LOCALTIME") != std::string::npos ||
        op.find("CURRENT_DATE") != std::string::npos) {
      return "reads the clock (" + op.substr(op.find('_') + 1) + ")";
    }
  } else if (type == "TypeCast") {
    const auto arg = body.find("arg");
    const auto type_name = body.find("typeName");
    if (arg != body.end() && type_name != body.end() && is_date_time_type(*type_name)) {
      const std::string* text = string_constant(*arg);
      if (text != nullptr && is_clock_literal(*text)) {
        return "casts '" + *text + "' to " + (*type_name)["names"].back()["String"].value("sval", "");
      }
    }
  } else if (type == "RangeVar") {
    const std::string relation = body.value("relname", "");
    if (is_activity_relation(relation)) return "reads " + relation;
  } else if (type == "ColumnRef") {
    const json fields = body.value("fields", json::array());
    if (!fields.empty() && fields.back().contains("String")) {
      const std::string column = fields.back()["String"].value("sval", "");
      if (is_system_column(column)) return "reads system column " + column;
    }
  } else if (type == "RangeTableSample") {
    return "TABLESAMPLE";
  } else if (type == "LockingClause" && body.value("waitPolicy", "") == "LockWaitSkip") {
    return "SKIP LOCKED";
  } else if (type == "SelectStmt" && !body.contains("sortClause")) {
    if (body.contains("limitOffset")) return "OFFSET without ORDER BY";
    if (body.contains("limitCount") && !top_select) return "LIMIT without ORDER BY in a subquery";
    if (body.contains("distinctClause") && !body["distinctClause"].empty() && !body["distinctClause"][0].empty()) {
      return "DISTINCT ON without ORDER BY";
    }
  } else if (type == "VariableShowStmt") {
    const std::string name = body.value("name", "");
    if (is_setup_setting(name)) return "reads setting " + name;
  }
  return {};
}

}  // namespace

std::string find_nondeterminism(const json& statement) {
  const json* top_select = body_of(statement, "SelectStmt");
  std::string reason;
  for_each_node(statement, [&](const std::string& type, const json& body) {
    if (reason.empty()) reason = reason_in(type, body, &body == top_select);
  });
  return reason;
}

}  // namespace pgshadow::sql::detail
