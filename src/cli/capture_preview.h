#pragma once
// What the start of the capture says about the databases and roles the replay needs, read
// through a PeekingEventSource so that the capture is still read once (it may be a FIFO).
#include <set>
#include <string>
#include <vector>

#include "filter_options.h"
#include "pgshadow/capture/peeking_event_source.h"
#include "pgshadow/util/result.h"

namespace pgshadow::cli {

struct CapturePreview {
  std::string database;      // the name the replay's database gets; empty: the capture names none
  std::string chosen_from;   // "--database", "capture", or empty
  std::vector<std::string> databases_seen;  // in order of first appearance
  std::set<std::string> users;              // captured users of the events peeked
  std::set<std::string> created_roles;      // roles the peeked traffic creates itself
  // Set when the choice needs saying: "the capture names databases app, reports: the replay runs
  // all of their traffic in one database named app (the first); use --database to choose".
  std::string note;
};

// Peeks at most the first 10,000 events (16 MiB of SQL). The --database filter, when given,
// names the database (the first, when several).
Result<CapturePreview> preview_capture(capture::PeekingEventSource& source, const FilterOptions& filters);

}  // namespace pgshadow::cli
