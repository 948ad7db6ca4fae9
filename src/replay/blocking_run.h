#pragma once
// Runs one statement to completion on an otherwise idle connection, for the probes (isolation,
// nondeterminism) that need an answer before the replay goes on: at most `limits.deadline`
// (answer_deadline.h), and no longer than the next interrupt.
#include <cstddef>
#include <optional>
#include <vector>

#include "pgshadow/compare/result_signature.h"
#include "pgshadow/pg/session_connection.h"
#include "pgshadow/sql/query_shape.h"
#include "pgshadow/util/result.h"

namespace pgshadow::replay {

Result<pg::StatementCompletion> run_blocking(pg::SessionConnection& connection, const pg::StatementRequest& request,
                                             pg::RowSink& sink, const pg::WaitLimits& limits);

// The statement's result signature (over only the columns at `projection`, in that order, when
// given; with tie runs on the sort keys of `order`, when given). Error only when the connection
// fails or the server does not answer in time.
Result<compare::ResultSignature> signature_blocking(pg::SessionConnection& connection,
                                                   const pg::StatementRequest& request, const pg::WaitLimits& limits,
                                                   const std::optional<sql::SortOrder>& order,
                                                   std::optional<std::vector<std::size_t>> projection = std::nullopt);

}  // namespace pgshadow::replay
