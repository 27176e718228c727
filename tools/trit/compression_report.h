// The per-layer compression report as a table and as JSON (trit compress, trit train --quant).
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "quant/channel_prune.h"
#include "quant/report.h"

namespace trit::cli {

// A dB figure for tables ("-" when not measured, "exact" for +inf) and for JSON (null, "exact").
std::string Decibels(double db);
nlohmann::json DecibelsJson(double db);

std::string ReportTable(const quant::CompressionReport& report);
// `pruned_channels`: the layers structured pruning shrank, listed as "pruned_channels".
nlohmann::json ReportJson(const quant::CompressionReport& report,
                          const std::vector<quant::PrunedChannels>& pruned_channels = {});

}  // namespace trit::cli
