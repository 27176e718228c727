// The quantization options shared by `trit compress` (PTQ) and `trit train --quant` (QAT), and
// the calibration sample both draw from the training split.
#pragma once

#include <CLI/CLI.hpp>
#include <string>
#include <vector>

#include "core/graph.h"
#include "data/dataset.h"
#include "quant/compress.h"

namespace trit::cli {

struct QuantCliOptions {
  std::string weights, acts = "int8", range = "mse", granularity = "channel";
  int64_t calib_samples = 256;
  quant::CompressOptions compress;

  // Turns the strings into `compress`.
  void Resolve();
};

// Adds --granularity --threshold --acts --range --percentile --calib-samples --prune
// --prune-global --config --keep; the weight type option is named by `weights_flag`.
void AddQuantOptions(CLI::App* cmd, QuantCliOptions& options, const std::string& weights_flag);

// "pruned channels: conv1 32->24, ...\n", or "" when none were.
std::string PrunedChannelsSummary(const std::vector<quant::PrunedChannels>& pruned);

// The first `count` samples of a fixed shuffle (seed 1) of `train`, fitted to the model input.
std::vector<float> CalibrationSamples(const data::Dataset& train, const Graph& graph,
                                      int64_t count);

}  // namespace trit::cli
