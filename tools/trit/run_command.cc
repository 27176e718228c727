// trit run model.trit [--input x.npy] [--output y.npy]
#include <algorithm>
#include <iostream>
#include <nlohmann/json.hpp>
#include <numeric>

#include "cli_format.h"
#include "commands.h"
#include "core/error.h"
#include "data/npy.h"
#include "model_io.h"

namespace trit::cli {

void AddRunCommand(CLI::App& app) {
  struct Options {
    std::string model, output;
    std::vector<std::string> inputs;
    uint64_t seed = 1;
    int threads = 1;
    bool json = false;
  };
  auto options = std::make_shared<Options>();
  CLI::App* cmd = app.add_subcommand("run", "Run a model on an NPY input (or a random one)");
  cmd->add_option("model", options->model, "The .trit file")->required();
  cmd->add_option("-i,--input", options->inputs, "Input .npy, one per model input, in order");
  cmd->add_option("-o,--output", options->output, "Write the first output as .npy (f32)");
  cmd->add_option("--seed", options->seed, "Seed of the random input")->capture_default_str();
  cmd->add_option("--threads", options->threads, "Threads")
      ->capture_default_str()
      ->check(CLI::Range(1, 1024));
  cmd->add_flag("--json", options->json, "Machine-readable output");
  cmd->callback([options] {
    runtime::SessionOptions session_options;
    session_options.threads = options->threads;
    const auto session = runtime::Session::FromFile(options->model, session_options);
    FillInputs(*session, options->inputs, options->seed);
    session->Run();
    const std::vector<float> output = OutputAsFloat(*session, 0);
    if (!options->output.empty()) {
      data::NpyArray array;
      array.dtype = DType::kF32;
      array.shape = session->output(0).shape;
      array.bytes.resize(output.size() * sizeof(float));
      std::memcpy(array.bytes.data(), output.data(), array.bytes.size());
      data::WriteNpy(options->output, array);
    }
    std::vector<size_t> order(output.size());
    std::iota(order.begin(), order.end(), 0);
    const size_t top = std::min<size_t>(5, order.size());
    std::partial_sort(order.begin(), order.begin() + static_cast<std::ptrdiff_t>(top), order.end(),
                      [&](size_t a, size_t b) { return output[a] > output[b]; });
    if (options->json) {
      nlohmann::json top5 = nlohmann::json::array();
      for (size_t k = 0; k < top; ++k)
        top5.push_back({{"index", order[k]}, {"value", output[order[k]]}});
      std::cout << nlohmann::json{{"output_shape", session->output(0).shape}, {"top", top5}}.dump(2)
                << "\n";
      return;
    }
    std::cout << "output '" << session->output(0).name << "' "
              << ShapeToString(session->output(0).shape) << "\n";
    std::vector<std::vector<std::string>> rows = {{"rank", "index", "value"}};
    for (size_t k = 0; k < top; ++k) {
      rows.push_back({std::to_string(k + 1), std::to_string(order[k]), Fixed(output[order[k]], 6)});
    }
    std::cout << Table(rows, {true, true, true});
    if (!options->output.empty()) std::cout << "wrote " << options->output << "\n";
  });
}

}  // namespace trit::cli
