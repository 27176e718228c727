#include "quant_cli.h"

#include <algorithm>

#include "data/batcher.h"

namespace trit::cli {

void QuantCliOptions::Resolve() {
  compress.weights.type = quant::ParseWeightType(weights);
  compress.weights.per_channel = granularity == "channel";
  compress.acts = quant::ParseActivationMode(acts);
  compress.range = quant::ParseRangeMethod(range);
}

void AddQuantOptions(CLI::App* cmd, QuantCliOptions& o, const std::string& weights_flag) {
  cmd->add_option(weights_flag, o.weights, "Weights: fp32 | int8 | int4 | int2 | ternary | binary")
      ->capture_default_str()
      ->check(CLI::IsMember({"fp32", "int8", "int4", "int2", "ternary", "binary"}));
  cmd->add_option("--granularity", o.granularity, "Weight scales per output channel or layer")
      ->capture_default_str()
      ->check(CLI::IsMember({"channel", "layer"}));
  cmd->add_option("--threshold", o.compress.weights.ternary_threshold,
                  "Ternary: zero the weights with |w| <= threshold * max|w|")
      ->capture_default_str()
      ->check(CLI::Range(0.0, 1.0));
  cmd->add_option("--acts", o.acts, "Activations: int8 | uint8 | pow2 (power-of-two scales)")
      ->capture_default_str()
      ->check(CLI::IsMember({"int8", "uint8", "pow2"}));
  cmd->add_option("--range", o.range, "Activation ranges: minmax | percentile | mse")
      ->capture_default_str()
      ->check(CLI::IsMember({"minmax", "percentile", "mse"}));
  cmd->add_option("--percentile", o.compress.percentile, "For --range percentile")
      ->capture_default_str()
      ->check(CLI::Range(50.0, 100.0));
  cmd->add_option("--calib-samples", o.calib_samples, "Calibration samples")
      ->capture_default_str()
      ->check(CLI::Range(int64_t{1}, int64_t{1} << 20));
  cmd->add_option("--prune", o.compress.prune, "Fraction of the weights to prune by magnitude")
      ->check(CLI::Range(0.0, 0.999));
  cmd->add_option("--prune-channels", o.compress.prune_channels,
                  "Fraction of each layer's output channels to remove (structured pruning)")
      ->check(CLI::Range(0.0, 0.99));
  cmd->add_flag("--prune-global", o.compress.prune_global,
                "One threshold over all layers instead of the same fraction per layer");
  cmd->add_flag("--prune-blocks", o.compress.prune_blocks,
                "Prune whole blocks of 16 output x 4 input channels at one tap (the blocks the "
                "AVX-512 int8 kernel skips), not single weights");
  cmd->add_option("--config", o.compress.config_path, "Per-layer weight config (JSON)");
  cmd->add_option("--keep", o.compress.keep, "Leave this layer in fp32 (repeatable)");
}

std::string PrunedChannelsSummary(const std::vector<quant::PrunedChannels>& pruned) {
  if (pruned.empty()) return "";
  std::string text = "pruned channels:";
  for (const quant::PrunedChannels& layer : pruned) {
    text += " " + layer.node + " " + std::to_string(layer.channels_before) + "->" +
            std::to_string(layer.kept.size());
  }
  return text + "\n";
}

std::vector<float> CalibrationSamples(const data::Dataset& train, const Graph& graph,
                                      int64_t count) {
  const Shape& input = graph.value(graph.inputs()[0]).shape;
  data::BatchOptions options;
  options.batch_size = std::min<int64_t>(count, train.count());
  options.shuffle = true;
  options.seed = 1;
  options.input_shape = Shape(input.begin() + 1, input.end());
  data::Batcher batcher(train, options);
  batcher.StartEpoch(0);
  std::vector<float> images;
  std::vector<int32_t> labels;
  batcher.Next(images, labels);
  return images;
}

}  // namespace trit::cli
