#pragma once
// Where bad input goes. Like leveldb's log Reporter: a reader that meets a line it cannot use
// reports it here with its location and a reason, and carries on. Nothing is dropped silently:
// the counts per reason are part of every run's accounting.
#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace pgshadow {

struct SourceLocation {
  std::string file;   // as the user named it
  std::uint64_t line = 0;  // 1-based; 0 when not line-oriented
  std::string to_string() const;  // "file:line" or "file"
};

struct InputProblem {
  SourceLocation where;
  std::string reason;  // short, stable, no literal from the input: "unterminated quoted field"
  std::string detail;  // human explanation; may quote a few bytes of the offending input
};

// Collects problems; keeps the first `max_kept` in full and counts every one by reason.
// Not thread-safe: each reader owns or is handed one.
class InputProblems {
 public:
  explicit InputProblems(std::size_t max_kept = 100) : max_kept_(max_kept) {}

  void report(SourceLocation where, std::string reason, std::string detail = {});
  // Adds another input's problems (its counts whole, its kept examples while room lasts).
  void add(const InputProblems& other);

  std::uint64_t total() const { return total_; }
  const std::vector<InputProblem>& kept() const { return kept_; }
  const std::map<std::string, std::uint64_t>& count_by_reason() const { return by_reason_; }

 private:
  std::size_t max_kept_;
  std::uint64_t total_ = 0;
  std::vector<InputProblem> kept_;
  std::map<std::string, std::uint64_t> by_reason_;
};

}  // namespace pgshadow
