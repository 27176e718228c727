// trit export model.trit -o model.onnx: the same network as ONNX (QDQ for quantized models),
// for ONNX Runtime and other peers.
#include <iostream>

#include "commands.h"
#include "format/model_file.h"
#include "onnx/onnx_export.h"

namespace trit::cli {

void AddExportCommand(CLI::App& app) {
  struct Options {
    std::string model, output;
  };
  auto options = std::make_shared<Options>();
  CLI::App* cmd = app.add_subcommand("export", "Write a .trit model as ONNX (QDQ when quantized)");
  cmd->add_option("model", options->model, "The .trit file")->required();
  cmd->add_option("-o,--output", options->output, "The .onnx file to write")->required();
  cmd->callback([options] {
    const format::ModelFile model = format::ReadModelFile(options->model);
    onnx_export::ExportModel(model.graph, options->output);
    std::cout << "wrote " << options->output << "\n";
  });
}

}  // namespace trit::cli
