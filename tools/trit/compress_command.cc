// trit compress in.trit -o out.trit: post-training quantization, pruning and encoding.
#include <filesystem>
#include <iostream>

#include "cli_format.h"
#include "commands.h"
#include "compression_report.h"
#include "core/error.h"
#include "data/batcher.h"
#include "data/dataset.h"
#include "format/model_file.h"
#include "quant/compress.h"

namespace trit::cli {
namespace {

// The first `count` samples of a fixed shuffle of the training split, fitted to the input.
std::vector<float> CalibrationSamples(const std::string& data, const Graph& graph, int64_t count) {
  const data::Dataset train = data::LoadDataset(data, data::Split::kTrain);
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

}  // namespace

void AddCompressCommand(CLI::App& app) {
  struct Options {
    std::string input, output, weights = "int8", acts = "int8", range = "mse", calib;
    std::string granularity = "channel";
    int64_t calib_samples = 256;
    bool json = false;
    quant::CompressOptions compress;
  };
  auto o = std::make_shared<Options>();
  CLI::App* cmd = app.add_subcommand(
      "compress", "Quantize, prune and encode a model (post-training), with a per-layer report");
  cmd->add_option("model", o->input, "fp32 .trit file")->required();
  cmd->add_option("-o,--output", o->output, "Compressed .trit file")->required();
  cmd->add_option("--weights", o->weights, "fp32 | int8 | int4 | int2 | ternary | binary")
      ->capture_default_str()
      ->check(CLI::IsMember({"fp32", "int8", "int4", "int2", "ternary", "binary"}));
  cmd->add_option("--granularity", o->granularity, "Weight scales per output channel or layer")
      ->capture_default_str()
      ->check(CLI::IsMember({"channel", "layer"}));
  cmd->add_option("--threshold", o->compress.weights.ternary_threshold,
                  "Ternary: zero the weights with |w| <= threshold * max|w|")
      ->capture_default_str()
      ->check(CLI::Range(0.0, 1.0));
  cmd->add_option("--acts", o->acts, "int8 | uint8 | pow2 (power-of-two scales)")
      ->capture_default_str()
      ->check(CLI::IsMember({"int8", "uint8", "pow2"}));
  cmd->add_option("--range", o->range, "Activation ranges: minmax | percentile | mse")
      ->capture_default_str()
      ->check(CLI::IsMember({"minmax", "percentile", "mse"}));
  cmd->add_option("--percentile", o->compress.percentile, "For --range percentile")
      ->capture_default_str()
      ->check(CLI::Range(50.0, 100.0));
  cmd->add_option("--calib", o->calib,
                  "Calibration data FORMAT:PATH (training split), e.g. "
                  "fashion-mnist:/usr/share/datasets/fashion-mnist");
  cmd->add_option("--calib-samples", o->calib_samples, "Calibration samples")
      ->capture_default_str()
      ->check(CLI::Range(int64_t{1}, int64_t{1} << 20));
  cmd->add_option("--prune", o->compress.prune,
                  "Magnitude-prune this fraction of the weights before quantizing")
      ->check(CLI::Range(0.0, 0.999));
  cmd->add_flag("--prune-global", o->compress.prune_global,
                "One threshold over all layers instead of the same fraction per layer");
  cmd->add_option("--config", o->compress.config_path, "Per-layer weight config (JSON)");
  cmd->add_option("--keep", o->compress.keep, "Leave this layer in fp32 (repeatable)");
  cmd->add_flag("--json", o->json, "Machine-readable report");
  cmd->callback([o] {
    const format::ModelFile file = format::ReadModelFile(o->input);
    o->compress.weights.type = quant::ParseWeightType(o->weights);
    o->compress.weights.per_channel = o->granularity == "channel";
    o->compress.acts = quant::ParseActivationMode(o->acts);
    o->compress.range = quant::ParseRangeMethod(o->range);
    std::vector<float> samples;
    int64_t count = 0;
    if (!o->calib.empty()) {
      samples = CalibrationSamples(o->calib, file.graph, o->calib_samples);
      const Shape& input = file.graph.value(file.graph.inputs()[0]).shape;
      count = static_cast<int64_t>(samples.size()) / NumElements(input);
    }
    const quant::CompressResult result =
        quant::Compress(file.graph, file.file_bytes, o->compress, samples.data(), count);
    format::WriteOptions write;
    write.producer = "trit 0.1.0 compress " + std::filesystem::path(o->input).filename().string();
    format::WriteModelFile(result.compressed, o->output, write);
    if (o->json) {
      nlohmann::json report = ReportJson(result.report);
      report["model"] = o->input;
      report["output"] = o->output;
      std::cout << report.dump(2) << "\n";
      return;
    }
    std::cout << "folded " << result.fold.batch_norms_folded << " BatchNorm, fused "
              << result.fold.activations_fused << " activations, removed "
              << result.fold.dropouts_removed << " Dropout\n";
    std::cout << ReportTable(result.report);
    std::cout << "wrote " << o->output << "\n";
  });
}

}  // namespace trit::cli
