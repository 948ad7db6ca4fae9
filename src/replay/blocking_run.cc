#include "blocking_run.h"

#include "signature_sink.h"

namespace pgshadow::replay {

Result<pg::StatementCompletion> run_blocking(pg::SessionConnection& connection, const pg::StatementRequest& request,
                                             pg::RowSink& sink, const pg::WaitLimits& limits) {
  return connection.run(request, sink, limits);
}

Result<compare::ResultSignature> signature_blocking(pg::SessionConnection& connection,
                                                   const pg::StatementRequest& request, const pg::WaitLimits& limits,
                                                   const std::optional<sql::SortOrder>& order,
                                                   std::optional<std::vector<std::size_t>> projection) {
  SignatureSink sink;
  if (projection) sink.project_onto(std::move(*projection));
  sink.sort_by(order);
  auto completion = run_blocking(connection, request, sink, limits);
  if (!completion) return completion.error();
  return sink.finish(*completion);
}

}  // namespace pgshadow::replay
