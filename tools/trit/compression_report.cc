#include "compression_report.h"

#include <algorithm>
#include <cmath>

#include "cli_format.h"

namespace trit::cli {

std::string Decibels(double db) {
  if (std::isnan(db)) return "-";
  if (std::isinf(db)) return db > 0 ? "exact" : "-inf";
  return Fixed(db, 1);
}

nlohmann::json DecibelsJson(double db) {
  if (std::isnan(db)) return nullptr;
  if (std::isinf(db)) return db > 0 ? "exact" : "-inf";
  return db;
}

std::string ReportTable(const quant::CompressionReport& r) {
  std::vector<std::vector<std::string>> rows = {{"layer", "op", "weights", "encoding", "params",
                                                 "sparsity", "bytes", "fp32 bytes", "MACs",
                                                 "weight SQNR dB", "output SQNR dB"}};
  uint64_t bytes = 0, fp32_bytes = 0;
  for (const quant::LayerReport& l : r.layers) {
    rows.push_back({l.node, l.op, l.weight_type, l.encoding, Thousands(l.weights),
                    Fixed(l.weights ? 100.0 * l.zeros / l.weights : 0.0, 1) + "%",
                    Thousands(static_cast<int64_t>(l.bytes)),
                    Thousands(static_cast<int64_t>(l.fp32_bytes)), Thousands(l.macs),
                    Decibels(l.weight_sqnr), Decibels(l.activation_sqnr)});
    bytes += l.bytes;
    fp32_bytes += l.fp32_bytes;
  }
  std::string out =
      Table(rows, {false, false, false, false, true, true, true, true, true, true, true});
  out += "layer parameters: " + Thousands(static_cast<int64_t>(bytes)) + " bytes (fp32 " +
         Thousands(static_cast<int64_t>(fp32_bytes)) + ")\n";
  out += "file: " + Thousands(static_cast<int64_t>(r.file_bytes)) + " bytes, fp32 file " +
         Thousands(static_cast<int64_t>(r.fp32_file_bytes)) + " bytes: " + Fixed(r.compression, 1) +
         "x smaller\n";
  if (!r.float_nodes.empty()) {
    // By op and reason, the first node named: "  Sub x2: no 8-bit form of this op (first: 'a')".
    std::vector<std::pair<std::string, std::vector<const quant::FloatNode*>>> groups;
    for (const quant::FloatNode& f : r.float_nodes) {
      const std::string kind = f.op + "\n" + f.reason.substr(0, f.reason.find(','));
      auto group = std::find_if(groups.begin(), groups.end(),
                                [&](const auto& g) { return g.first == kind; });
      if (group == groups.end()) group = groups.insert(groups.end(), {kind, {}});
      group->second.push_back(&f);
    }
    out += std::to_string(r.float_nodes.size()) + " node(s) run in float:\n";
    for (const auto& [kind, nodes] : groups) {
      out += "  " + nodes.front()->op + " x" + std::to_string(nodes.size()) + ": " +
             nodes.front()->reason + " (first: '" + nodes.front()->node + "')\n";
    }
  }
  if (r.samples > 0) {
    out += "output SQNR: each layer's output against the fp32 model on " +
           std::to_string(r.samples) + " calibration samples\n";
  }
  return out;
}

nlohmann::json ReportJson(const quant::CompressionReport& r,
                          const std::vector<quant::PrunedChannels>& pruned_channels) {
  nlohmann::json layers = nlohmann::json::array();
  for (const quant::LayerReport& l : r.layers) {
    layers.push_back({{"layer", l.node},
                      {"op", l.op},
                      {"weights", l.weight_type},
                      {"encoding", l.encoding},
                      {"params", l.weights},
                      {"zeros", l.zeros},
                      {"bytes", l.bytes},
                      {"fp32_bytes", l.fp32_bytes},
                      {"macs", l.macs},
                      {"weight_sqnr_db", DecibelsJson(l.weight_sqnr)},
                      {"output_sqnr_db", DecibelsJson(l.activation_sqnr)}});
  }
  nlohmann::json pruned = nlohmann::json::array();
  for (const quant::PrunedChannels& p : pruned_channels) {
    pruned.push_back({{"layer", p.node},
                      {"channels_before", p.channels_before},
                      {"channels_after", p.kept.size()}});
  }
  nlohmann::json float_nodes = nlohmann::json::array();
  for (const quant::FloatNode& f : r.float_nodes) {
    float_nodes.push_back({{"node", f.node}, {"op", f.op}, {"reason", f.reason}});
  }
  return {{"layers", layers},
          {"float_nodes", float_nodes},
          {"pruned_channels", pruned},
          {"file_bytes", r.file_bytes},
          {"fp32_file_bytes", r.fp32_file_bytes},
          {"compression", r.compression},
          {"calibration_samples", r.samples}};
}

}  // namespace trit::cli
