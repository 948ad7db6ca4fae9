#include "blocking_run.h"

#include <poll.h>

#include "signature_sink.h"

namespace pgshadow::replay {

Result<pg::StatementCompletion> run_blocking(pg::SessionConnection& connection,
                                             const pg::StatementRequest& request, pg::RowSink& sink) {
  if (Status sent = connection.send(request); !sent) return sent.error();
  for (;;) {
    auto advanced = connection.advance(sink);
    if (!advanced) return advanced.error();
    if (advanced->has_value()) return **advanced;
    pollfd descriptor{connection.socket(), POLLIN, 0};
    ::poll(&descriptor, 1, 100);
  }
}

Result<compare::ResultSignature> signature_blocking(pg::SessionConnection& connection,
                                                   const pg::StatementRequest& request,
                                                   const std::optional<sql::SortOrder>& order,
                                                   std::optional<std::vector<std::size_t>> projection) {
  SignatureSink sink;
  if (projection) sink.project_onto(std::move(*projection));
  sink.sort_by(order);
  auto completion = run_blocking(connection, request, sink);
  if (!completion) return completion.error();
  return sink.finish(*completion);
}

}  // namespace pgshadow::replay
