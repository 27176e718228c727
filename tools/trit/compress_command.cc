// trit compress in.trit -o out.trit: post-training quantization, pruning and encoding.
#include <filesystem>
#include <iostream>

#include "cli_format.h"
#include "commands.h"
#include "compression_report.h"
#include "core/error.h"
#include "data/dataset.h"
#include "format/model_file.h"
#include "quant/compress.h"
#include "quant/fold.h"
#include "quant_cli.h"

namespace trit::cli {
void AddCompressCommand(CLI::App& app) {
  struct Options {
    std::string input, output, calib;
    bool json = false;
    QuantCliOptions quant;
  };
  auto o = std::make_shared<Options>();
  o->quant.weights = "int8";
  CLI::App* cmd = app.add_subcommand(
      "compress", "Quantize, prune and encode a model (post-training), with a per-layer report");
  cmd->add_option("model", o->input, "fp32 .trit file")->required();
  cmd->add_option("-o,--output", o->output, "Compressed .trit file")->required();
  AddQuantOptions(cmd, o->quant, "--weights");
  cmd->add_option("--calib", o->calib,
                  "Calibration data FORMAT:PATH (training split), e.g. "
                  "fashion-mnist:/usr/share/datasets/fashion-mnist");
  cmd->add_flag("--json", o->json, "Machine-readable report");
  cmd->callback([o] {
    const format::ModelFile file = format::ReadModelFile(o->input);
    o->quant.Resolve();
    std::vector<float> samples;
    int64_t count = 0;
    if (!o->calib.empty()) {
      samples = CalibrationSamples(data::LoadDataset(o->calib, data::Split::kTrain), file.graph,
                                   o->quant.calib_samples);
      const Shape& input = file.graph.value(file.graph.inputs()[0]).shape;
      count = static_cast<int64_t>(samples.size()) / NumElements(input);
    }
    quant::CompressResult result =
        quant::Compress(file.graph, file.file_bytes, o->quant.compress, samples.data(), count);
    format::WriteOptions write;
    write.producer = "trit 0.1.0 compress " + std::filesystem::path(o->input).filename().string();
    format::WriteModelFile(result.compressed, o->output, write);
    result.report.SetFileBytes(std::filesystem::file_size(o->output));
    if (o->json) {
      nlohmann::json report = ReportJson(result.report, result.pruned_channels);
      report["model"] = o->input;
      report["output"] = o->output;
      std::cout << report.dump(2) << "\n";
      return;
    }
    std::cout << quant::FoldSummary(result.fold) << PrunedChannelsSummary(result.pruned_channels);
    std::cout << ReportTable(result.report);
    std::cout << "wrote " << o->output << "\n";
  });
}

}  // namespace trit::cli
