#pragma once
// Errors are values inside the library: a stage returns Result<T> (or Status) and the CLI
// turns an Error into a message and an exit code. Exceptions never cross a module boundary.
#include <cassert>
#include <string>
#include <utility>
#include <variant>

namespace pgshadow {

// What kind of failure an Error is; decides the process exit status in the CLI.
enum class ErrorKind {
  kBadInput,        // the user's files, flags or data are wrong: exit 2
  kInfrastructure,  // a server cannot be started or reached: exit 3
  kInterrupted,     // SIGINT/SIGTERM arrived: the run stops cleanly
};

// A failure that names what went wrong and where, e.g.
// "capture.jsonl:12: field 'sql' must be a string".
struct Error {
  ErrorKind kind = ErrorKind::kBadInput;
  std::string message;

  static Error bad_input(std::string message) { return {ErrorKind::kBadInput, std::move(message)}; }
  static Error infrastructure(std::string message) {
    return {ErrorKind::kInfrastructure, std::move(message)};
  }
};

// Either a T or an Error. Not thread-safe (a plain value).
template <class T>
class [[nodiscard]] Result {
 public:
  Result(T value) : state_(std::move(value)) {}  // NOLINT(google-explicit-constructor)
  Result(Error error) : state_(std::move(error)) {}  // NOLINT(google-explicit-constructor)

  bool ok() const { return std::holds_alternative<T>(state_); }
  explicit operator bool() const { return ok(); }

  T& value() & { assert(ok()); return std::get<T>(state_); }
  const T& value() const& { assert(ok()); return std::get<T>(state_); }
  T&& value() && { assert(ok()); return std::get<T>(std::move(state_)); }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }

  const Error& error() const { assert(!ok()); return std::get<Error>(state_); }

 private:
  std::variant<T, Error> state_;
};

// Success without a value, or an Error.
class [[nodiscard]] Status {
 public:
  Status() = default;
  Status(Error error) : error_(std::move(error)), failed_(true) {}  // NOLINT
  static Status success() { return {}; }

  bool ok() const { return !failed_; }
  explicit operator bool() const { return ok(); }
  const Error& error() const { assert(failed_); return error_; }

 private:
  Error error_;
  bool failed_ = false;
};

}  // namespace pgshadow
