#pragma once
// How deep a statement's parse tree can get, and where to walk it.
//
// libpg_query's normalizer and deparser, and the JSON walks of statement_facts.cc, recurse once
// per level of the tree, with no depth check of their own (libpg_query leaves PostgreSQL's
// check_stack_depth disarmed): 30,000 chained "+ 1" overflow an 8 MiB stack in
// pg_query_normalize. The scanner and the grammar do not recurse, so the tokens give an estimate
// first, and the recursive work then runs where it fits: inline for ordinary statements, on a
// thread with a large stack for deep ones, not at all beyond kMaxNesting.
#include <cstddef>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "pg_query_calls.h"

namespace pgshadow::sql::detail {

// PostgreSQL's own server gives up on such statements before this depth with its default
// max_stack_depth (2 MB): "stack depth limit exceeded" at about 10,000 chained "+ 1" on
// PostgreSQL 15. Deeper statements are replayed but not analysed.
inline constexpr std::size_t kMaxNesting = 10'000;

// An upper estimate of the parse tree's depth: brackets and CASE nest; within one bracket level,
// each operator since the last list separator nests its operands one level deeper (a + b + c is
// ((a + b) + c)); AND, OR and list items stay flat. Summed over the open levels.
std::size_t estimated_nesting(const std::vector<Token>& tokens);

// Runs `work` on the calling thread when `nesting` is small, else on a thread with a stack large
// enough for kMaxNesting levels, and waits for it. Exceptions are passed on. False when no such
// thread could be started (the work did not run): treat the statement as too deep.
bool run_with_stack_for(std::size_t nesting, const std::function<void()>& work);

// The nesting estimate of a statement's text; nullopt when the scanner rejects it (then the
// parser does too, and nothing recursive runs).
std::optional<std::size_t> estimated_nesting(const std::string& sql);

}  // namespace pgshadow::sql::detail
