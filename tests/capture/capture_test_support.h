#pragma once
// Helpers shared by the capture tests (a header, not a test: the glob only builds *_test.cc).
#include <unistd.h>

#include <atomic>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include "pgshadow/capture/event_source.h"

namespace pgshadow::capture::testing {

inline std::string data_path(const std::string& name) {
  return std::string(PGSHADOW_TEST_DATA_DIR) + "/capture/" + name;
}

// Everything a source yields, read to the end.
struct ReadAll {
  std::vector<Event> events;
  InputAccounting accounting;
  std::vector<InputProblem> problems;
  std::uint64_t problem_total = 0;
  std::string description;
};

inline ReadAll read_all(EventSource& source) {
  ReadAll all;
  for (;;) {
    auto next = source.next();
    REQUIRE(next.ok());
    if (!next->has_value()) break;
    all.events.push_back(std::move(**next));
  }
  all.accounting = source.accounting();
  all.problems = source.problems().kept();
  all.problem_total = source.problems().total();
  all.description = source.description();
  return all;
}

inline ReadAll read_all(const std::vector<std::string>& paths) {
  auto source = open_capture(paths);
  if (!source.ok()) FAIL(source.error().message);
  return read_all(**source);
}

// Every input line accounted for exactly once.
inline void check_accounting_invariant(const ReadAll& all) {
  const InputAccounting& a = all.accounting;
  CHECK(a.lines_read == a.lines_in_events + a.lines_not_statements + all.problem_total);
  CHECK(a.events == all.events.size());
  for (std::size_t i = 0; i < all.events.size(); ++i) CHECK(all.events[i].sequence == i);
}

// A private directory under the system temp dir, removed with its contents on destruction.
class TempDir {
 public:
  TempDir() {
    static std::atomic<int> counter{0};
    path_ = std::filesystem::temp_directory_path() /
            ("pgshadow-capture-test-" + std::to_string(::getpid()) + "-" + std::to_string(counter++));
    std::filesystem::create_directories(path_);
  }
  ~TempDir() { std::filesystem::remove_all(path_); }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;

  std::string write(const std::string& name, const std::string& content) const {
    const auto file = path_ / name;
    std::filesystem::create_directories(file.parent_path());
    std::ofstream(file, std::ios::binary) << content;
    return file.string();
  }
  std::string path(const std::string& name = {}) const { return (path_ / name).string(); }

 private:
  std::filesystem::path path_;
};

}  // namespace pgshadow::capture::testing
