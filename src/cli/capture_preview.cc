#include "capture_preview.h"

#include <algorithm>

#include "pgshadow/sql/global_references.h"

namespace pgshadow::cli {
namespace {

constexpr std::size_t kPeekedEvents = 10'000;
constexpr std::size_t kPeekedSqlBytes = 16 << 20;

std::string joined(const std::vector<std::string>& names) {
  std::string text;
  for (const auto& name : names) text += (text.empty() ? "" : ", ") + name;
  return text;
}

}  // namespace

Result<CapturePreview> preview_capture(capture::PeekingEventSource& source, const FilterOptions& filters) {
  auto events = source.peek(kPeekedEvents, kPeekedSqlBytes);
  if (!events) return events.error();
  CapturePreview preview;
  for (const Event& event : **events) {
    if (!event.database.empty() &&
        std::find(preview.databases_seen.begin(), preview.databases_seen.end(), event.database) ==
            preview.databases_seen.end()) {
      preview.databases_seen.push_back(event.database);
    }
    preview.users.insert(event.user);
    // Cheap test first: most statements do not create roles.
    if (event.sql.size() < 100'000 && (event.sql.find("ROLE") != std::string::npos ||
                                       event.sql.find("role") != std::string::npos ||
                                       event.sql.find("USER") != std::string::npos ||
                                       event.sql.find("user") != std::string::npos)) {
      sql::GlobalReferences references;
      sql::collect_global_references(event.sql, references);
      preview.created_roles.insert(references.created_roles.begin(), references.created_roles.end());
    }
  }
  if (!filters.databases.empty()) {
    preview.database = filters.databases.front();
    preview.chosen_from = "--database";
    if (filters.databases.size() > 1) {
      preview.note = "--database names " + joined(filters.databases) +
                     ": the replay runs all of their traffic in one database named " + preview.database +
                     " (the first)";
    }
  } else if (!preview.databases_seen.empty()) {
    preview.database = preview.databases_seen.front();
    preview.chosen_from = "capture";
    if (preview.databases_seen.size() > 1) {
      preview.note = "the capture names databases " + joined(preview.databases_seen) +
                     ": the replay runs all of their traffic in one database named " + preview.database +
                     " (the first); use --database to choose";
    }
  }
  return preview;
}

}  // namespace pgshadow::cli
