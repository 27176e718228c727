// The subcommands of `trit`, one file each; main.cc wires them into the app.
#pragma once

#include <CLI/CLI.hpp>

namespace trit::cli {

void AddZooCommand(CLI::App& app);
void AddInfoCommand(CLI::App& app);
void AddRunCommand(CLI::App& app);
void AddBenchCommand(CLI::App& app);
void AddEvalCommand(CLI::App& app);
void AddCompressCommand(CLI::App& app);
void AddDeployCommand(CLI::App& app);
// With the ONNX library only.
void AddImportCommand(CLI::App& app);
void AddExportCommand(CLI::App& app);
// In the separate trit-train program (LibTorch); `trit train` hands over to it.
void AddTrainCommand(CLI::App& app);
void AddTrainLauncher(CLI::App& app);

}  // namespace trit::cli
