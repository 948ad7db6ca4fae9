#pragma once
// What the compare tests share: the type OIDs their result columns carry, and a row as the pg
// layer hands it to SignatureBuilder.
#include <cstdint>
#include <optional>
#include <string_view>
#include <vector>

// pg_type OIDs (PostgreSQL's pg_type.dat).
inline constexpr std::uint32_t kName = 19;
inline constexpr std::uint32_t kInt8 = 20;
inline constexpr std::uint32_t kInt4 = 23;
inline constexpr std::uint32_t kText = 25;
inline constexpr std::uint32_t kOid = 26;
inline constexpr std::uint32_t kNumeric = 1700;

using Row = std::vector<std::optional<std::string_view>>;
