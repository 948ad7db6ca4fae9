// Rotated stderr logs are read in the order of their contents' time, not of their names.
#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <unistd.h>

#include "pgshadow/capture/event_source.h"

namespace pgshadow::capture {
namespace {

namespace fs = std::filesystem;

std::vector<Event> read_all(const std::string& path) {
  auto source = open_capture({path});
  REQUIRE(source.ok());
  std::vector<Event> events;
  for (;;) {
    auto next = (*source)->next();
    REQUIRE(next.ok());
    if (!next->has_value()) break;
    events.push_back(std::move(**next));
  }
  return events;
}

}  // namespace

TEST_CASE("rotated stderr files are read by their first timestamp, not their names", "[stderr][rotation]") {
  const std::string original = std::string(PGSHADOW_TEST_DATA_DIR) + "/capture/stderr/default.log";
  std::ifstream in(original);
  std::vector<std::string> lines;
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  // Cut at a line that starts a message (it begins with the %m timestamp), near the middle.
  std::size_t cut = lines.size() / 2;
  while (cut < lines.size() && lines[cut].rfind("20", 0) != 0) ++cut;
  REQUIRE(cut < lines.size());

  const fs::path dir = fs::temp_directory_path() / ("pgshadow-rotation-" + std::to_string(::getpid()));
  fs::create_directories(dir);
  {
    std::ofstream later(dir / "postgresql-a.log");  // the later half, under the earlier name
    for (std::size_t i = cut; i < lines.size(); ++i) later << lines[i] << "\n";
    std::ofstream earlier(dir / "postgresql-b.log");
    for (std::size_t i = 0; i < cut; ++i) earlier << lines[i] << "\n";
  }
  const std::vector<Event> whole = read_all(original);
  const std::vector<Event> rotated = read_all(dir.string());
  fs::remove_all(dir);

  REQUIRE(rotated.size() == whole.size());
  for (std::size_t i = 0; i < whole.size(); ++i) {
    INFO("event " << i);
    CHECK(rotated[i].sql == whole[i].sql);
    CHECK(rotated[i].start_us == whole[i].start_us);
  }
}

}  // namespace pgshadow::capture
