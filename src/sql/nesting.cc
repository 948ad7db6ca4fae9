#include "nesting.h"

#include <pthread.h>

#include <algorithm>
#include <exception>

namespace pgshadow::sql::detail {
namespace {

// Measured on PostgreSQL 15's libpg_query: pg_query_normalize takes about 300 bytes of stack per
// level, and 20,000 levels pass on an 8 MiB stack. A thread's stack is reserved, not committed:
// only the pages a deep walk touches cost memory, so it is generous for sanitizer builds too.
constexpr std::size_t kInlineNesting = 1'000;
constexpr std::size_t kLargeStackBytes = 256ull << 20;

struct Job {
  const std::function<void()>* work;
  std::exception_ptr failure;
};

extern "C" void* run_job(void* argument) {
  auto* job = static_cast<Job*>(argument);
  try {
    (*job->work)();
  } catch (...) {
    job->failure = std::current_exception();
  }
  return nullptr;
}

}  // namespace

std::size_t estimated_nesting(const std::vector<Token>& tokens) {
  // Per open level: the operators seen since its last separator.
  std::vector<std::size_t> operators_at_level{0};
  std::size_t nested = 0;  // levels open plus the operators of every level still open
  std::size_t deepest = 0;
  for (const Token& token : tokens) {
    switch (token.kind) {
      case TokenKind::kOpening:
        operators_at_level.push_back(0);
        ++nested;
        break;
      case TokenKind::kClosing:
        if (operators_at_level.size() > 1) {
          nested -= operators_at_level.back() + 1;
          operators_at_level.pop_back();
        }
        break;
      case TokenKind::kSeparator:
        nested -= operators_at_level.back();
        operators_at_level.back() = 0;
        break;
      case TokenKind::kOperator:
        ++operators_at_level.back();
        ++nested;
        break;
      default:
        break;
    }
    deepest = std::max(deepest, nested);
  }
  return deepest;
}

std::optional<std::size_t> estimated_nesting(const std::string& sql) {
  auto scanned = scan(sql);
  const auto* tokens = std::get_if<std::vector<Token>>(&scanned);
  if (tokens == nullptr) return std::nullopt;
  return estimated_nesting(*tokens);
}

bool run_with_stack_for(std::size_t nesting, const std::function<void()>& work) {
  if (nesting <= kInlineNesting) {
    work();
    return true;
  }
  pthread_attr_t attributes;
  pthread_attr_init(&attributes);
  pthread_attr_setstacksize(&attributes, kLargeStackBytes);
  Job job{&work, nullptr};
  pthread_t thread;
  const int created = pthread_create(&thread, &attributes, run_job, &job);
  pthread_attr_destroy(&attributes);
  if (created != 0) return false;
  pthread_join(thread, nullptr);
  if (job.failure) std::rethrow_exception(job.failure);
  return true;
}

}  // namespace pgshadow::sql::detail
