#pragma once
// Runs the pgshadow binary as a user would and captures what it printed.
#include <string>
#include <vector>

namespace pgshadow::e2e {

struct RunOutput {
  int exit_status = -1;
  std::string out;
  std::string err;
};

// Runs build/pgshadow with the arguments (no shell involved); waits for it.
RunOutput run_pgshadow(const std::vector<std::string>& arguments);

// A fresh private directory under the build's temporary area, removed by the destructor.
class TempDir {
 public:
  TempDir();
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::string& path() const { return path_; }
  std::string file(const std::string& name) const { return path_ + "/" + name; }
  void write(const std::string& name, const std::string& contents) const;

 private:
  std::string path_;
};

std::string read_file(const std::string& path);

// The first line of a pgshadow capture file (JSON lines).
inline const std::string kCaptureHeader = R"({"pgshadow_capture":1})";

// One capture line: a simple-protocol statement that succeeded in production, by user app on
// database app, started at 2026-11-23T10:00:0<second>Z (second 0..9).
std::string capture_event(int second, const std::string& sql, const std::string& session = "s1");

// Whether a JSON report is valid against docs/report.schema.json (python3's jsonschema).
bool valid_against_report_schema(const std::string& report_path);

}  // namespace pgshadow::e2e
