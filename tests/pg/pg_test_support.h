#pragma once
// Helpers shared by the pg tests: scratch directories, files, queries, /proc inspection.
#include <dirent.h>
#include <fcntl.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <pqxx/pqxx>
#include <sstream>
#include <string>
#include <thread>

namespace pgshadow::pg::testing {

namespace fs = std::filesystem;

// A private scratch directory removed at the end of the test.
class ScratchDir {
 public:
  ScratchDir() {
    std::string pattern = (fs::temp_directory_path() / "pgshadow-test-XXXXXX").string();
    path_ = mkdtemp(pattern.data());
    fs::permissions(path_, fs::perms::owner_all | fs::perms::group_exec | fs::perms::others_exec);
  }
  ~ScratchDir() {
    std::error_code ignored;
    fs::remove_all(path_, ignored);
  }
  ScratchDir(const ScratchDir&) = delete;
  ScratchDir& operator=(const ScratchDir&) = delete;

  const std::string& path() const { return path_; }
  std::string file(const std::string& name, const std::string& content) const {
    auto full = path_ + "/" + name;
    std::ofstream(full, std::ios::binary) << content;
    return full;
  }
  bool empty() const { return fs::is_empty(path_); }

 private:
  std::string path_;
};

// Rows of a query as "a|b" lines, for comparing database contents.
inline std::string rows_of(const std::string& conninfo, const std::string& query) {
  pqxx::connection connection(conninfo);
  pqxx::nontransaction work(connection);
  std::string text;
  for (const auto& row : work.exec(query)) {
    for (pqxx::row::size_type i = 0; i < row.size(); ++i) {
      text += (i == 0 ? "" : "|") + (row[i].is_null() ? std::string("NULL") : row[i].c_str());
    }
    text += "\n";
  }
  return text;
}

// The contents of a /proc file, or "" when its process has exited meanwhile. Read with read(2):
// a process that exits between open and read makes read fail with ESRCH, and libstdc++'s
// filebuf turns that into an exception even with no exception mask set.
inline std::string proc_file(const fs::path& path) {
  std::string contents;
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return contents;
  char buffer[4096];
  for (ssize_t n; (n = ::read(fd, buffer, sizeof buffer)) > 0;) contents.append(buffer, static_cast<std::size_t>(n));
  ::close(fd);
  return contents;
}

// Processes whose command line mentions text (e.g. a server's directory), from /proc.
inline int processes_mentioning(const std::string& text) {
  int count = 0;
  for (const auto& entry : fs::directory_iterator("/proc")) {
    auto name = entry.path().filename().string();
    if (name.find_first_not_of("0123456789") != std::string::npos) continue;
    if (proc_file(entry.path() / "cmdline").find(text) != std::string::npos) ++count;
  }
  return count;
}

// Polls until condition() holds or the timeout passes; returns the last value.
template <class Condition>
bool eventually(Condition condition, std::chrono::milliseconds timeout) {
  auto deadline = std::chrono::steady_clock::now() + timeout;
  while (!condition()) {
    if (std::chrono::steady_clock::now() > deadline) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  return true;
}

}  // namespace pgshadow::pg::testing
