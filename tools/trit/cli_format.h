// Formatting helpers shared by the subcommands' human-readable output.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "core/shape.h"

namespace trit::cli {

std::string Thousands(int64_t value);    // 2081290 -> "2,081,290"
std::string HumanBytes(uint64_t bytes);  // 8325160 -> "7.94 MiB"
std::string Fixed(double value, int decimals);

// Prints rows as aligned columns; the first row is the header. Columns listed in
// `right_aligned` are right-aligned (numbers).
std::string Table(const std::vector<std::vector<std::string>>& rows,
                  const std::vector<bool>& right_aligned);

std::string CpuModelName();  // from /proc/cpuinfo, or "unknown CPU"

}  // namespace trit::cli
