// `trit train ...` runs the trit-train program next to this one with the same arguments.
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <vector>

#include "commands.h"
#include "core/error.h"

namespace trit::cli {

void AddTrainLauncher(CLI::App& app) {
  CLI::App* cmd = app.add_subcommand(
      "train", "Train a model on a dataset and export it (runs trit-train; see trit train --help)");
  cmd->prefix_command();  // every argument after `train` goes to trit-train untouched
  cmd->set_help_flag();   // so that `trit train --help` reaches trit-train too
  cmd->callback([cmd] {
    const std::filesystem::path self = std::filesystem::read_symlink("/proc/self/exe");
    const std::string program = (self.parent_path() / "trit-train").string();
    std::vector<std::string> args = {program};
    for (const std::string& a : cmd->remaining()) args.push_back(a);
    std::vector<char*> argv;
    for (std::string& a : args) argv.push_back(a.data());
    argv.push_back(nullptr);
    ::execv(program.c_str(), argv.data());
    throw Error(ErrorCode::kUnsupported,
                "training needs " + program + " (built with LibTorch): " + std::strerror(errno));
  });
}

}  // namespace trit::cli
