// trit deploy model.trit --target cortex-m4|cortex-m7|cortex-m55 -o DIR [--flash S --ram S]
//   [--stack S] [--validate [--input x.npy] [--seed N]] [--json]
// Prints the fit report; writes the project only when the model fits (nothing is left behind
// otherwise); --validate builds the firmware, runs it in qemu-system-arm and compares its output
// with the host runtime's.
#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <nlohmann/json.hpp>
#include <thread>

#include "cli_format.h"
#include "commands.h"
#include "core/error.h"
#include "deploy/cortex_m_target.h"
#include "deploy/firmware.h"
#include "deploy/fit_report.h"
#include "deploy/project.h"
#include "format/model_file.h"
#include "model_io.h"

namespace trit::cli {
namespace {

namespace fs = std::filesystem;

struct DeployOptions {
  std::string model, output, target, flash, ram, stack = "8K";
  std::vector<std::string> inputs;
  uint64_t seed = 1;
  bool validate = false, json = false;
};

// The project goes to DIR only when complete: it is built in DIR.tmp-deploy and renamed.
// DIR may be absent, empty, or a previous deploy (it holds the marker file).
constexpr const char* kMarker = ".trit-deploy";

void CheckOutputDir(const fs::path& dir) {
  if (!fs::exists(dir)) return;
  if (!fs::is_directory(dir)) {
    throw Error(ErrorCode::kInvalidArgument, dir.string() + " exists and is not a folder");
  }
  if (!fs::is_empty(dir) && !fs::exists(dir / kMarker)) {
    throw Error(ErrorCode::kInvalidArgument,
                dir.string() + " is not empty and not a trit deploy project: not overwriting it");
  }
}

// Removes the temporary folder unless released.
struct TemporaryDir {
  fs::path path;
  ~TemporaryDir() {
    std::error_code ignored;
    if (!path.empty()) fs::remove_all(path, ignored);
  }
};

nlohmann::json ReportJson(const FitReport& r) {
  nlohmann::json layers = nlohmann::json::array();
  for (const LayerFit& l : r.layers) {
    layers.push_back({{"name", l.name},
                      {"op", l.op},
                      {"kernel", l.kernel},
                      {"output", l.output_shape + " " + l.output_type},
                      {"weight_bytes", l.weight_bytes},
                      {"macs", l.macs},
                      {"scratch_bytes", l.scratch_bytes},
                      {"live_bytes", l.live_bytes}});
  }
  return {{"target", r.target.name},
          {"flash_budget", r.flash_budget},
          {"ram_budget", r.ram_budget},
          {"flash_bytes", r.flash_bytes()},
          {"model_bytes", r.model_bytes},
          {"code_bytes", r.code_bytes},
          {"code_measured", r.code_measured},
          {"ram_bytes", r.ram_bytes()},
          {"arena_bytes", r.arena_bytes},
          {"persistent_bytes", r.persistent_bytes},
          {"static_ram_bytes", r.static_ram_bytes},
          {"stack_bytes", r.stack_bytes},
          {"macs", r.macs},
          {"fits", r.fits()},
          {"layers", layers}};
}

struct Validation {
  bool identical = false;
  double max_error = 0.0;  // against the host's default (optimized) kernels, in real units
  uint64_t stack_used = 0;
  std::string console;
};

// Dequantized values of raw output bytes of `value`'s type.
std::vector<float> AsFloat(const Value& value, const std::vector<char>& bytes) {
  const size_t count = static_cast<size_t>(NumElements(value.shape));
  std::vector<float> real(count);
  for (size_t i = 0; i < count; ++i) {
    if (value.dtype == DType::kF32) {
      std::memcpy(&real[i], bytes.data() + 4 * i, 4);
    } else {
      const int32_t q = value.dtype == DType::kI8 ? static_cast<int8_t>(bytes[i])
                                                  : static_cast<uint8_t>(bytes[i]);
      real[i] = value.quant.scale.at(0) * static_cast<float>(q - value.quant.zero_point.at(0));
    }
  }
  return real;
}

Validation Validate(const fs::path& dir, const Graph& graph, const CortexMTarget& target,
                    const DeployOptions& o) {
  if (graph.inputs().size() != 1 || graph.outputs().size() != 1) {
    throw Error(ErrorCode::kUnsupported, "--validate runs models with one input and one output");
  }
  Make(dir.string(), "firmware-validate.elf");
  // The host's reference kernels give the bytes every ISA must; the default level is what
  // `trit run` computes (fp32 layers may differ from the reference in the last bits).
  setenv("TRIT_ISA", "ref", 1);
  auto reference = runtime::Session::FromGraph(graph);
  unsetenv("TRIT_ISA");
  auto host = runtime::Session::FromGraph(graph);
  FillInputs(*reference, o.inputs, o.seed);
  // Copied before running: the arena reuses the input's bytes once it is consumed.
  const auto* input_data = static_cast<const char*>(reference->input_data(0));
  const std::vector<char> input(input_data, input_data + reference->input_bytes(0));
  std::memcpy(host->input_data(0), input.data(), input.size());
  reference->Run();
  host->Run();
  const fs::path work = fs::absolute(dir) / "validate";
  fs::create_directories(work);
  {
    std::ofstream in(work / "input.bin", std::ios::binary);
    in.write(input.data(), static_cast<std::streamsize>(input.size()));
  }
  fs::remove(work / "output.bin");
  Validation v;
  const int status =
      RunInQemu(target.qemu_machine, (fs::absolute(dir) / "firmware-validate.elf").string(),
                work.string(), &v.console);
  if (status != 0) {
    throw Error(ErrorCode::kInternal, "the firmware failed in qemu-system-arm -M " +
                                          target.qemu_machine + " (exit " + std::to_string(status) +
                                          "): " + v.console);
  }
  std::ifstream out(work / "output.bin", std::ios::binary);
  const std::vector<char> device((std::istreambuf_iterator<char>(out)),
                                 std::istreambuf_iterator<char>());
  if (device.size() != reference->output_bytes(0)) {
    throw Error(ErrorCode::kInternal, "the firmware wrote " + std::to_string(device.size()) +
                                          " output bytes, the host " +
                                          std::to_string(reference->output_bytes(0)));
  }
  v.identical = std::memcmp(device.data(), reference->output_data(0), device.size()) == 0;
  const Value& output = reference->output(0);
  const auto* host_bytes = static_cast<const char*>(host->output_data(0));
  const std::vector<float> a = AsFloat(output, device);
  const std::vector<float> b =
      AsFloat(output, std::vector<char>(host_bytes, host_bytes + host->output_bytes(0)));
  for (size_t i = 0; i < a.size(); ++i) {
    v.max_error = std::max(v.max_error, static_cast<double>(std::fabs(a[i] - b[i])));
  }
  const size_t at = v.console.find("stack bytes ");
  if (at != std::string::npos) v.stack_used = std::stoull(v.console.substr(at + 12));
  return v;
}

void Deploy(const DeployOptions& o) {
  const CortexMTarget target = FindCortexMTarget(o.target);
  const uint64_t flash = o.flash.empty() ? target.flash_budget : ParseByteSize(o.flash, "--flash");
  const uint64_t ram = o.ram.empty() ? target.ram_budget : ParseByteSize(o.ram, "--ram");
  const uint64_t stack = ParseByteSize(o.stack, "--stack");
  const fs::path dir(o.output);
  CheckOutputDir(dir);
  const format::ModelFile file = format::ReadModelFile(o.model);
  format::WriteOptions plain;
  plain.producer = file.producer;
  plain.plain_encodings = true;
  const std::vector<uint8_t> model = format::SerializeModel(file.graph, plain);
  FitReport report = AnalyzeFit(file.graph, model, target, flash, ram, stack);

  const bool toolchain = HaveProgram("arm-none-eabi-gcc") && HaveProgram("make");
  if (o.validate && !(toolchain && HaveProgram("qemu-system-arm"))) {
    throw Error(ErrorCode::kInvalidArgument,
                "--validate needs arm-none-eabi-gcc, make and qemu-system-arm "
                "(scripts/install-deps.sh installs them)");
  }
  ProjectSpec spec;
  spec.target = target;
  spec.flash_budget = flash;
  spec.ram_budget = ram;
  spec.stack_bytes = stack;
  spec.arena_bytes = report.arena_bytes;
  spec.model_name = fs::path(o.model).filename().string();
  SelectCompiledOps(file.graph, &spec);
  TemporaryDir temporary{fs::path(dir.string() + ".tmp-deploy")};
  fs::remove_all(temporary.path);
  fs::create_directories(temporary.path);
  WriteProject(temporary.path.string(), model, spec);
  // The model alone over the flash budget: no firmware to measure (its array would take
  // minutes to compile for nothing).
  const bool measure = toolchain && model.size() <= flash;
  report.code_note =
      !toolchain ? "no arm-none-eabi-gcc" : "the model alone exceeds the flash budget";
  if (measure) {
    // Linked once with room to spare, to measure; then with the budgets, which must link.
    WriteLinkerScript(temporary.path.string(), spec, uint64_t{64} << 20, uint64_t{64} << 20);
    Make(temporary.path.string(), "firmware.elf");
    const ImageSizes sizes = MeasureImage((temporary.path / "firmware.elf").string());
    report.code_measured = true;
    report.code_bytes = sizes.flash - std::min<uint64_t>(sizes.flash, model.size());
    report.static_ram_bytes = sizes.ram - std::min<uint64_t>(sizes.ram, report.arena_bytes);
  }
  if (o.json) {
    std::cout << ReportJson(report).dump(2) << "\n";
  } else {
    PrintFitReport(report, fs::path(o.model).filename().string());
  }
  if (!report.fits()) {
    throw Error(ErrorCode::kInvalidArgument, o.model + " does not fit " + target.name + ": " +
                                                 report.Problems() +
                                                 " (nothing written; see --flash, --ram)");
  }
  WriteLinkerScript(temporary.path.string(), spec, flash, ram);
  if (toolchain) {
    fs::remove(temporary.path / "firmware.elf");
    Make(temporary.path.string(), "firmware.elf");
  }
  {
    std::ofstream marker(temporary.path / kMarker);
    marker << "trit deploy " << target.name << "\n";
  }
  fs::remove_all(dir);
  fs::create_directories(dir.parent_path().empty() ? fs::path(".") : dir.parent_path());
  fs::rename(temporary.path, dir);
  temporary.path.clear();
  if (!o.json) std::cout << "project   " << dir.string() << " (make -C " << dir.string() << ")\n";
  if (!o.validate) return;
  const Validation v = Validate(dir, file.graph, target, o);
  if (o.json) {
    std::cout << nlohmann::json{{"validate",
                                 {{"identical", v.identical},
                                  {"max_error", v.max_error},
                                  {"stack_used", v.stack_used}}}}
                     .dump(2)
              << "\n";
  } else {
    std::cout << "validate  qemu-system-arm -M " << target.qemu_machine << ": output "
              << (v.identical ? "byte-identical to" : "DIFFERS from")
              << " the host's reference kernels; max |error| against the host's default kernels "
              << v.max_error << "; stack used " << Thousands(static_cast<int64_t>(v.stack_used))
              << " of " << Thousands(static_cast<int64_t>(stack)) << " bytes\n";
  }
  if (!v.identical) {
    throw Error(ErrorCode::kInternal, "the firmware's output differs from the host's");
  }
  if (v.stack_used > stack) {
    throw Error(ErrorCode::kInternal, "the firmware used more stack than --stack reserves");
  }
}

}  // namespace

void AddDeployCommand(CLI::App& app) {
  auto o = std::make_shared<DeployOptions>();
  CLI::App* cmd = app.add_subcommand(
      "deploy", "Write a Cortex-M firmware project for a model, with a fit report");
  cmd->add_option("model", o->model, "The .trit file")->required();
  cmd->add_option("--target", o->target, "cortex-m4 | cortex-m7 | cortex-m55")->required();
  cmd->add_option("-o,--output", o->output, "Project folder")->required();
  cmd->add_option("--flash", o->flash,
                  "Flash budget (default: the target's typical part), e.g. 1M");
  cmd->add_option("--ram", o->ram, "SRAM budget (default: the target's typical part), e.g. 320K");
  cmd->add_option("--stack", o->stack, "Stack reserved by the linker script")
      ->capture_default_str();
  cmd->add_flag("--validate", o->validate,
                "Build the firmware, run it in qemu-system-arm and compare with the host runtime");
  cmd->add_option("-i,--input", o->inputs, "With --validate: the input .npy (default: random)");
  cmd->add_option("--seed", o->seed, "Seed of the random input")->capture_default_str();
  cmd->add_flag("--json", o->json, "Machine-readable report");
  cmd->callback([o] { Deploy(*o); });
}

}  // namespace trit::cli
