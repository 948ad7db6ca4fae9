#pragma once
// PostgreSQL's command tag ("INSERT 0 3", "SELECT 2", "CREATE TABLE") taken apart.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace pgshadow::compare::detail {

struct CommandTag {
  // The first word when the tag ends in a count ("INSERT"), else the whole tag
  // ("CREATE TABLE", "BEGIN"), so that two different DDL commands never look alike.
  std::string verb;
  std::optional<std::uint64_t> affected_rows;  // the trailing count, when there is one
};

CommandTag parse_command_tag(std::string_view tag);

}  // namespace pgshadow::compare::detail
