// The per-layer compression report as a table and as JSON (trit compress, trit train --quant).
#pragma once

#include <nlohmann/json.hpp>
#include <string>

#include "quant/report.h"

namespace trit::cli {

std::string ReportTable(const quant::CompressionReport& report);
nlohmann::json ReportJson(const quant::CompressionReport& report);

}  // namespace trit::cli
