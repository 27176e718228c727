// Post-training compression, the whole pipeline behind `trit compress`: fold, prune channels,
// prune weights, calibrate,
// choose per-layer weight types, quantize, and report.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "core/graph.h"
#include "quant/activation_range.h"
#include "quant/channel_prune.h"
#include "quant/fold.h"
#include "quant/quantize_graph.h"
#include "quant/report.h"

namespace trit::quant {

struct CompressOptions {
  WeightSpec weights;  // the default for every Conv2D/Dense layer
  ActivationMode acts = ActivationMode::kInt8;
  RangeMethod range = RangeMethod::kMse;
  double percentile = 99.99;
  // The first and last layer get int8 weights unless the config names them (the usual recipe:
  // they hold few weights and cost the most accuracy).
  bool eight_bit_ends = true;
  std::string config_path;        // per-layer JSON (docs/quantization.md)
  std::vector<std::string> keep;  // layers left in fp32
  double prune_channels = 0.0;    // structured: fraction of each layer's channels removed
  double prune = 0.0;             // unstructured magnitude pruning before quantization
  bool prune_global = false;
  bool prune_blocks = false;  // prune by 16 x 4 blocks (PruneBlocksPerLayer), not weight by weight
};

// The plan's per-layer weight specs from the options and the config file. Throws
// kInvalidArgument naming an unknown layer or a bad config entry.
void ApplyLayerOptions(const Graph& folded, const CompressOptions& options, QuantPlan& plan);

// The magnitude-pruning fraction of every layer to prune: the config's per-layer "prune", else
// --prune (layers kept in fp32 in a quantized model are skipped).
std::map<std::string, double> PruneTargets(const Graph& folded, const CompressOptions& options,
                                           const QuantPlan& plan);

// Activation parameters for every calibrated tensor.
void ApplyActivationStats(const std::map<std::string, TensorStats>& stats,
                          const CompressOptions& options, QuantPlan& plan);

struct CompressResult {
  Graph folded;  // the fp32 reference after folding and pruning
  Graph compressed;
  FoldReport fold;
  std::vector<PrunedChannels> pruned_channels;
  CompressionReport report;
};

// `samples`: `count` calibration inputs, back to back.
CompressResult Compress(const Graph& fp32, uint64_t fp32_file_bytes, const CompressOptions& options,
                        const float* samples, int64_t count);

}  // namespace trit::quant
