#include "quant/compress.h"

#include <fstream>
#include <nlohmann/json.hpp>
#include <set>

#include "core/error.h"
#include "quant/calibration.h"
#include "quant/prune.h"

namespace trit::quant {
namespace {

[[noreturn]] void BadConfig(const std::string& path, const std::string& what) {
  throw Error(ErrorCode::kInvalidArgument, path + ": " + what);
}

// A layer entry: "int8", or {"weights": "ternary", "per_channel": false, "threshold": 0.05,
// "sparsity": 0.5, "prune": 0.9}. `prune` is null for the default entry (--prune sets that).
WeightSpec ParseLayerSpec(const std::string& path, const std::string& layer,
                          const nlohmann::json& entry, WeightSpec spec,
                          std::optional<double>* prune) {
  try {
    if (entry.is_string()) {
      spec.type = ParseWeightType(entry.get<std::string>());
      return spec;
    }
    if (!entry.is_object()) BadConfig(path, "layer '" + layer + "' must be a string or an object");
    for (const auto& [key, value] : entry.items()) {
      if (key == "weights") {
        spec.type = ParseWeightType(value.get<std::string>());
      } else if (key == "per_channel") {
        spec.per_channel = value.get<bool>();
      } else if (key == "threshold") {
        spec.ternary_threshold = value.get<double>();
      } else if (key == "sparsity") {
        spec.ternary_sparsity = value.get<double>();
      } else if (key == "prune" && prune != nullptr) {
        *prune = value.get<double>();
        if (!(**prune >= 0.0 && **prune < 1.0)) {
          BadConfig(path, "layer '" + layer + "': prune must be in [0, 1)");
        }
      } else {
        BadConfig(path, "layer '" + layer + "' has an unknown key '" + key + "'");
      }
    }
  } catch (const nlohmann::json::exception& e) {
    BadConfig(path, "layer '" + layer + "': " + e.what());
  }
  return spec;
}

}  // namespace

void ApplyLayerOptions(const Graph& folded, const CompressOptions& options, QuantPlan& plan) {
  plan.default_weights = options.weights;
  const std::vector<NodeId> layers = LinearLayers(folded);
  std::set<std::string> names;
  for (const NodeId id : layers) names.insert(folded.node(id).name);
  auto require_layer = [&](const std::string& name, const std::string& where) {
    if (!names.count(name)) {
      std::string known;
      for (const std::string& n : names) known += (known.empty() ? "" : ", ") + n;
      throw Error(ErrorCode::kInvalidArgument,
                  where + ": no Conv2D/Dense layer named '" + name + "' (layers: " + known + ")");
    }
  };
  if (options.eight_bit_ends && !layers.empty() && options.weights.type != WeightType::kF32) {
    WeightSpec eight = options.weights;
    eight.type = WeightType::kInt8;
    eight.per_channel = true;
    plan.layers[folded.node(layers.front()).name] = eight;
    plan.layers[folded.node(layers.back()).name] = eight;
  }
  if (!options.config_path.empty()) {
    std::ifstream in(options.config_path);
    if (!in) throw Error(ErrorCode::kIo, options.config_path + ": cannot open");
    nlohmann::json config;
    try {
      config = nlohmann::json::parse(in);
    } catch (const nlohmann::json::exception& e) {
      BadConfig(options.config_path, std::string("not valid JSON: ") + e.what());
    }
    if (!config.is_object()) BadConfig(options.config_path, "must be a JSON object");
    for (const auto& [key, value] : config.items()) {
      if (key == "default") {
        plan.default_weights =
            ParseLayerSpec(options.config_path, "default", value, plan.default_weights, nullptr);
      } else if (key == "layers") {
        if (!value.is_object()) BadConfig(options.config_path, "'layers' must be an object");
        for (const auto& [layer, entry] : value.items()) {
          require_layer(layer, options.config_path);
          std::optional<double> prune;
          plan.layers[layer] =
              ParseLayerSpec(options.config_path, layer, entry, plan.default_weights, &prune);
          if (prune) plan.prune[layer] = *prune;
        }
      } else {
        BadConfig(options.config_path, "unknown key '" + key + "' (default, layers)");
      }
    }
  }
  for (const std::string& layer : options.keep) {
    require_layer(layer, "--keep");
    plan.layers[layer].type = WeightType::kF32;
  }
  if (options.prune_global && !plan.prune.empty()) {
    throw Error(ErrorCode::kInvalidArgument,
                options.config_path + ": per-layer 'prune' and --prune-global exclude each other");
  }
  if (options.prune_global && options.prune_blocks) {
    throw Error(ErrorCode::kInvalidArgument,
                "--prune-blocks prunes each layer to its own target: drop --prune-global");
  }
}

std::map<std::string, double> PruneTargets(const Graph& folded, const CompressOptions& options,
                                           const QuantPlan& plan) {
  std::map<std::string, double> targets;
  for (const NodeId id : LinearLayers(folded)) {
    const std::string& name = folded.node(id).name;
    const auto it = plan.prune.find(name);
    // Layers kept in fp32 inside a quantized model are left alone unless the config says so.
    const bool kept_fp32 =
        plan.SpecFor(name).type == WeightType::kF32 && options.weights.type != WeightType::kF32;
    const double target = it != plan.prune.end() ? it->second : (kept_fp32 ? 0.0 : options.prune);
    if (target > 0) targets[name] = target;
  }
  return targets;
}

void ApplyActivationStats(const std::map<std::string, TensorStats>& stats,
                          const CompressOptions& options, QuantPlan& plan) {
  for (const auto& [name, s] : stats) {
    plan.activations[name] =
        ChooseActivationParams(s, options.acts, options.range, options.percentile);
  }
}

CompressResult Compress(const Graph& fp32, uint64_t fp32_file_bytes, const CompressOptions& options,
                        const float* samples, int64_t count) {
  CompressResult result;
  result.folded = FoldForInference(fp32, &result.fold);
  if (options.prune_channels > 0) {
    result.pruned_channels = PruneChannels(result.folded, options.prune_channels);
  }
  QuantPlan plan;
  ApplyLayerOptions(result.folded, options, plan);
  const std::map<std::string, double> prune = PruneTargets(result.folded, options, plan);
  if (options.prune_global && !prune.empty()) {
    std::set<std::string> skip;
    for (const NodeId id : LinearLayers(result.folded)) {
      if (!prune.count(result.folded.node(id).name)) skip.insert(result.folded.node(id).name);
    }
    PruneMagnitude(result.folded, options.prune, true, skip);
  } else if (options.prune_blocks) {
    PruneBlocksPerLayer(result.folded, prune);
  } else {
    PruneMagnitudePerLayer(result.folded, prune);
  }
  bool any_quantized = plan.default_weights.type != WeightType::kF32;
  for (const auto& [name, spec] : plan.layers) any_quantized |= spec.type != WeightType::kF32;
  if (any_quantized) {
    if (count <= 0) {
      throw Error(ErrorCode::kInvalidArgument,
                  "quantized activations need calibration data (--calib DATA)");
    }
    ApplyActivationStats(CollectActivationStats(result.folded, samples, count), options, plan);
  }
  result.compressed = QuantizeGraph(result.folded, plan);
  result.report = BuildReport(result.folded, result.compressed, fp32_file_bytes, samples, count);
  return result;
}

}  // namespace trit::quant
