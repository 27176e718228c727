// trit eval model.trit --data FORMAT:PATH: accuracy and confusion matrix by our runtime.
#include <iostream>
#include <nlohmann/json.hpp>
#include <thread>

#include "cli_format.h"
#include "commands.h"
#include "data/dataset.h"
#include "evaluate.h"
#include "format/model_file.h"

namespace trit::cli {

void AddEvalCommand(CLI::App& app) {
  struct Options {
    std::string model, data;
    int threads = static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
    int64_t limit = 0;
    bool json = false;
  };
  auto options = std::make_shared<Options>();
  CLI::App* cmd =
      app.add_subcommand("eval", "Accuracy of a model on a test set, by the trit runtime");
  cmd->add_option("model", options->model, "The .trit file")->required();
  cmd->add_option("--data", options->data,
                  "FORMAT:PATH, e.g. fashion-mnist:/usr/share/datasets/fashion-mnist")
      ->required();
  cmd->add_option("--threads", options->threads, "Threads")
      ->capture_default_str()
      ->check(CLI::Range(1, 1024));
  cmd->add_option("--limit", options->limit, "Evaluate only the first N samples (0: all)")
      ->check(CLI::Range(int64_t{0}, int64_t{1} << 40));
  cmd->add_flag("--json", options->json, "Machine-readable output");
  cmd->callback([options] {
    const format::ModelFile file = format::ReadModelFile(options->model);
    const data::Dataset test = data::LoadDataset(options->data, data::Split::kTest);
    const Evaluation e = Evaluate(file.graph, test, options->threads, options->limit);
    if (options->json) {
      nlohmann::json report = {{"model", options->model},
                               {"data", options->data},
                               {"samples", e.samples},
                               {"top1", e.top1},
                               {"confusion", e.confusion}};
      if (e.top5 >= 0) report["top5"] = e.top5;
      std::cout << report.dump(2) << "\n";
      return;
    }
    std::cout << options->model << " on " << options->data << " (test split, " << e.samples
              << " samples, trit runtime)\n";
    std::cout << "top-1 accuracy: " << Fixed(100.0 * e.top1, 2) << "%\n";
    if (e.top5 >= 0) std::cout << "top-5 accuracy: " << Fixed(100.0 * e.top5, 2) << "%\n";
    std::cout << "\nconfusion matrix (rows: true class, columns: predicted)\n";
    std::vector<std::vector<std::string>> rows = {{""}};
    for (int32_t c = 0; c < e.num_classes; ++c) rows[0].push_back(std::to_string(c));
    for (int32_t r = 0; r < e.num_classes; ++r) {
      rows.push_back({std::to_string(r)});
      for (const int64_t n : e.confusion[static_cast<size_t>(r)])
        rows.back().push_back(std::to_string(n));
    }
    std::cout << Table(rows, std::vector<bool>(static_cast<size_t>(e.num_classes) + 1, true));
  });
}

}  // namespace trit::cli
