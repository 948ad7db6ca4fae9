#pragma once
// One record of a PostgreSQL csvlog file, with its columns named. The columns are fixed by the
// server (PostgreSQL 15: 26; 13: 24; 12 and older: 23 — later versions only append), so a record
// is its field vector and the accessors know the positions. Plain value.
#include <cstddef>
#include <string>
#include <vector>

namespace pgshadow::capture {

class CsvlogRecord {
 public:
  static constexpr std::size_t kMinColumns = 23;  // up to application_name
  static constexpr std::size_t kMaxColumns = 26;  // + backend_type, leader_pid, query_id

  static bool has_valid_column_count(std::size_t n) { return n >= kMinColumns && n <= kMaxColumns; }

  // Precondition: has_valid_column_count(fields.size()).
  explicit CsvlogRecord(const std::vector<std::string>& fields) : f_(fields) {}

  const std::string& log_time() const { return f_[0]; }
  const std::string& user_name() const { return f_[1]; }
  const std::string& database_name() const { return f_[2]; }
  const std::string& session_id() const { return f_[5]; }
  const std::string& command_tag() const { return f_[7]; }
  const std::string& error_severity() const { return f_[11]; }
  const std::string& sql_state_code() const { return f_[12]; }
  const std::string& message() const { return f_[13]; }
  const std::string& detail() const { return f_[14]; }
  const std::string& query() const { return f_[19]; }
  const std::string& application_name() const { return f_[22]; }

 private:
  const std::vector<std::string>& f_;  // borrowed from the reader's current record
};

}  // namespace pgshadow::capture
