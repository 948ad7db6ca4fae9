#include "oid_counters.h"

#include <pqxx/nontransaction>
#include <pqxx/result>

namespace pgshadow::pg {
namespace {

constexpr int kAttempts = 5;
constexpr std::uint64_t kBurnBatch = 1'000'000;  // large objects per statement

// Takes one OID from the counter and returns it.
std::uint32_t take_one(AdminConnection& cluster) {
  pqxx::nontransaction work(cluster.get());
  return work.exec1("SELECT o::bigint FROM pg_catalog.lo_create(0) AS o WHERE pg_catalog.lo_unlink(o) = 1")[0]
      .as<std::uint32_t>();
}

void take(AdminConnection& cluster, std::uint64_t count) {
  pqxx::nontransaction work(cluster.get());
  while (count > 0) {
    const std::uint64_t batch = std::min(count, kBurnBatch);
    work.exec_params("SELECT count(pg_catalog.lo_unlink(pg_catalog.lo_create(0))) FROM pg_catalog.generate_series(1, $1)",
                     static_cast<long long>(batch));
    count -= batch;
  }
}

}  // namespace

Result<std::uint32_t> align_oid_counters(AdminConnection& baseline, AdminConnection& shadow) {
  try {
    for (int attempt = 0; attempt < kAttempts; ++attempt) {
      const std::uint32_t on_baseline = take_one(baseline);
      const std::uint32_t on_shadow = take_one(shadow);
      if (on_baseline == on_shadow) return on_baseline + 1;
      // Unsigned difference: right across the counter's wraparound too.
      if (static_cast<std::uint32_t>(on_shadow - on_baseline) < static_cast<std::uint32_t>(on_baseline - on_shadow)) {
        take(baseline, static_cast<std::uint32_t>(on_shadow - on_baseline));
      } else {
        take(shadow, static_cast<std::uint32_t>(on_baseline - on_shadow));
      }
    }
  } catch (const std::exception& error) {
    return Error::infrastructure("cannot bring the two clusters' OID counters level: " + primary_message(error));
  }
  return Error::infrastructure("cannot bring the two clusters' OID counters level: they kept moving");
}

}  // namespace pgshadow::pg
