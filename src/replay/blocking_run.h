#pragma once
// Runs one statement to completion on an otherwise idle connection, for the probes (isolation,
// nondeterminism) that need an answer before the replay goes on.
#include "pgshadow/compare/result_signature.h"
#include "pgshadow/pg/session_connection.h"
#include "pgshadow/util/result.h"

namespace pgshadow::replay {

Result<pg::StatementCompletion> run_blocking(pg::SessionConnection& connection,
                                             const pg::StatementRequest& request, pg::RowSink& sink);

// The statement's result signature. Error only when the connection fails.
Result<compare::ResultSignature> signature_blocking(pg::SessionConnection& connection,
                                                   const pg::StatementRequest& request);

}  // namespace pgshadow::replay
