// trit zoo NAME -o model.trit | trit zoo --list
#include <cstdio>
#include <iostream>
#include <nlohmann/json.hpp>

#include "cli_format.h"
#include "commands.h"
#include "core/error.h"
#include "format/model_file.h"
#include "zoo/zoo.h"

namespace trit::cli {

void AddZooCommand(CLI::App& app) {
  struct Options {
    std::string name, output;
    bool list = false, json = false;
    uint64_t seed = 1;
  };
  auto options = std::make_shared<Options>();
  CLI::App* cmd = app.add_subcommand("zoo", "Build a reference network as a .trit file");
  cmd->add_option("name", options->name, "Model name (see --list)");
  cmd->add_option("-o,--output", options->output, "Output .trit file");
  cmd->add_flag("--list", options->list, "List the models");
  cmd->add_option("--seed", options->seed, "Seed of the random weights")->capture_default_str();
  cmd->add_flag("--json", options->json, "Machine-readable output");
  cmd->callback([options] {
    if (options->list) {
      if (options->json) {
        nlohmann::json models = nlohmann::json::array();
        for (const auto& m : zoo::ZooModels()) {
          models.push_back({{"name", m.name}, {"description", m.description}});
        }
        std::cout << models.dump(2) << "\n";
      } else {
        std::vector<std::vector<std::string>> rows = {{"name", "description"}};
        for (const auto& m : zoo::ZooModels()) rows.push_back({m.name, m.description});
        std::cout << Table(rows, {});
      }
      return;
    }
    if (options->name.empty())
      throw Error(ErrorCode::kInvalidArgument, "zoo: give a model name or --list");
    if (options->output.empty()) throw Error(ErrorCode::kInvalidArgument, "zoo: give -o FILE");
    const Graph graph = zoo::BuildZooModel(options->name, options->seed);
    format::WriteOptions write;
    write.producer = "trit 0.1.0 zoo " + options->name + " seed " + std::to_string(options->seed);
    format::WriteModelFile(graph, options->output, write);
    if (options->json) {
      std::cout << nlohmann::json{{"model", options->name}, {"output", options->output}}.dump(2)
                << "\n";
    } else {
      std::cout << "wrote " << options->name << " to " << options->output << "\n";
    }
  });
}

}  // namespace trit::cli
