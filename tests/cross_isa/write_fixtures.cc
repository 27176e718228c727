// Writes the cross-ISA fixtures (host build, at build time): every quantized zoo model (int8,
// ternary, pruned ternary, int4, binary weights), one input, and the output bytes the host
// gives (its levels agree with the reference bit for bit: runtime/isa_levels_test.cc). The
// models are written side by side on the machine's cores (AlexNet's five take most of the
// time). The AArch64 suite (same_bytes_test.cc) runs the same files under qemu-user at every level
// its CPU model has and must give these bytes. The models are made here, once: calibration runs
// float kernels whose rounding differs across ISAs, so a model compressed on each side could
// differ; running one file everywhere is what a user deploys. Usage: trit_cross_isa_fixtures OUTDIR
// (writes OUTDIR/NAME.trit, .input, .output, and OUTDIR/cases.txt listing the names; for the
// models a microcontroller holds also NAME.plain.trit, the file trit deploy would store, and
// NAME.arena, the arena the host computes for it at each Cortex-M level; and microcontroller-only
// cases, listed in OUTDIR/micro_cases.txt: the DeepChip form and small recurrent models).
#include <algorithm>
#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <exception>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "core/error.h"
#include "core/shape.h"
#include "format/model_file.h"
#include "kernels/isa.h"
#include "micro/inspect.h"
#include "quant/compress.h"
#include "runtime/session.h"
#include "zoo/graph_builder.h"
#include "zoo/structured_shape.h"
#include "zoo/zoo.h"

namespace {

std::vector<float> Uniform(size_t count, uint32_t seed) {
  std::mt19937 rng(seed);
  std::uniform_real_distribution<float> uniform(0.0f, 1.0f);
  std::vector<float> values(count);
  for (float& v : values) v = uniform(rng);
  return values;
}

void WriteBytes(const std::filesystem::path& path, const void* data, size_t bytes) {
  std::ofstream out(path, std::ios::binary);
  out.write(static_cast<const char*>(data), static_cast<std::streamsize>(bytes));
  if (!out) throw trit::Error(trit::ErrorCode::kIo, "cannot write " + path.string());
}

bool MicrocontrollerSized(const std::string& model) {
  return model == "lenet5" || model == "convnet" || model == "resnet20" || model == "mlp" ||
         model == "mobilenet";
}

// NAME.plain.trit, and NAME.arena: the arena the microcontroller runtime computes for it on a
// host at each Cortex-M level ("dsp N", "mve N"), which the firmware's own must equal.
void WritePlainForMicrocontrollers(const trit::Graph& graph, const std::filesystem::path& stem) {
  trit::format::WriteOptions options;
  options.plain_encodings = true;
  const std::vector<uint8_t> plain = trit::format::SerializeModel(graph, options);
  WriteBytes(stem.string() + ".plain.trit", plain.data(), plain.size());
  std::vector<uint64_t> model((plain.size() + 7) / 8), arena(size_t{8} << 20);
  std::memcpy(model.data(), plain.data(), plain.size());
  std::string arenas;
  for (const auto& [name, level] :
       {std::pair{"dsp", trit::Isa::kArmDsp}, {"mve", trit::Isa::kMve}}) {
    trit_micro* m = nullptr;
    if (trit::micro::LoadForLevel(model.data(), plain.size(), arena.data(), arena.size() * 8, level,
                                  &m) != TRIT_MICRO_OK) {
      throw trit::Error(trit::ErrorCode::kInternal, stem.string() + ": " + trit_micro_last_error());
    }
    arenas += std::string(name) + " " + std::to_string(trit_micro_arena_used(m)) + "\n";
  }
  WriteBytes(stem.string() + ".arena", arenas.data(), arenas.size());
}

// A model the microcontroller runtime must run as the reference kernels do (TRIT_ISA=ref): its
// plain file, input and output. Returns its micro_cases.txt line.
std::string WriteReferenceCase(const trit::Graph& graph, const std::vector<float>& input,
                               const std::string& name, const std::string& variant,
                               const std::filesystem::path& dir) {
  WritePlainForMicrocontrollers(graph, dir / name);
  setenv("TRIT_ISA", "ref", 1);
  auto session = trit::runtime::Session::FromGraph(graph);
  unsetenv("TRIT_ISA");
  std::memcpy(session->input_data(0), input.data(), session->input_bytes(0));
  session->Run();
  WriteBytes(dir / (name + ".input"), input.data(), input.size() * sizeof(float));
  WriteBytes(dir / (name + ".output"), session->output_data(0), session->output_bytes(0));
  return name + " " + variant + "\n";
}

// The form of a DeepChip-preset model (trit train --preset deepchip): per-layer ternary
// weights, u8 activations, the first and last layer in fp32. Not a cross-ISA case (its fp32
// layers round differently at each level): its output is the reference kernels'.
std::string WriteDeepChipForm(const trit::Graph& fp32, const std::vector<float>& calib,
                              const std::vector<float>& input, const std::filesystem::path& dir) {
  trit::quant::CompressOptions options;
  options.weights.type = trit::quant::WeightType::kTernary;
  options.weights.per_channel = false;
  options.acts = trit::quant::ActivationMode::kUint8;
  options.keep = {"conv1", "fc25"};
  const trit::Graph graph = trit::quant::Compress(fp32, 1, options, calib.data(), 2).compressed;
  return WriteReferenceCase(graph, input, "convnet_deepchip", "deepchip", dir);
}

// Small recurrent models on row-wise 28x28 images (28 steps of 28 features), as `trit compress
// --weights int8 --acts int8` leaves them: int8 W and U, the cell's state in fp32, the int8
// Dense after it. Their fp32 state is not a cross-ISA case either.
std::string WriteRecurrentForms(const std::filesystem::path& dir) {
  struct Form {
    const char* name;
    trit::OpType cell;
    int64_t hidden;
    const char* direction;
    bool sequence;
    bool low_rank;  // W and U low-rank per gate (rank for 4x compression)
  };
  const Form forms[] = {
      {"rnn_lstm", trit::OpType::kLstm, 32, "forward", false, false},
      {"rnn_gru_bidirectional", trit::OpType::kGru, 16, "bidirectional", true, false},
      {"rnn_fastgrnn", trit::OpType::kFastGrnn, 32, "reverse", false, false},
      {"rnn_fastgrnn_lowrank", trit::OpType::kFastGrnn, 32, "forward", false, true},
      {"rnn_gru_lowrank", trit::OpType::kGru, 16, "forward", true, true}};
  std::string listed;
  uint32_t seed = 1000;
  for (const Form& form : forms) {
    trit::zoo::GraphBuilder b(++seed);
    trit::zoo::RecurrentSpec spec;
    spec.cell = form.cell;
    spec.hidden = form.hidden;
    spec.direction = form.direction;
    spec.output_sequence = form.sequence;
    if (form.low_rank) {
      using trit::MatrixStructure;
      spec.w = trit::zoo::ChooseStructuredShape(MatrixStructure::kLowRank, form.hidden, 28, 4.0);
      spec.u = trit::zoo::ChooseStructuredShape(MatrixStructure::kLowRank, form.hidden, form.hidden,
                                                4.0);
    }
    const trit::ValueId features = b.Recurrent(b.Input({1, 28, 28, 1}), spec);
    const trit::Graph fp32 = b.Finish(b.Dense(features, 10, true));
    trit::quant::CompressOptions options;
    options.weights.type = trit::quant::WeightType::kInt8;
    options.acts = trit::quant::ActivationMode::kInt8;
    const std::vector<float> calib = Uniform(2 * 28 * 28, ++seed);
    const trit::Graph graph = trit::quant::Compress(fp32, 1, options, calib.data(), 2).compressed;
    listed += WriteReferenceCase(graph, Uniform(28 * 28, ++seed), form.name, "recurrent", dir);
  }
  return listed;
}

// Two branches joined by Concat on 12x12x3 inputs, int8 weights and activations: each branch
// keeps its own scales, so the join rescales one of them.
std::string WriteConcatForm(const std::filesystem::path& dir) {
  trit::zoo::GraphBuilder b(3000);
  const trit::ValueId x = b.Input({1, 12, 12, 3});
  const trit::ValueId left = b.Relu(b.Conv(x, 8, 3, 1, {1, 1, 1, 1}, true));
  const trit::ValueId right = b.Conv(x, 4, 1, 1, {0, 0, 0, 0}, true);
  const trit::ValueId joined = b.Concat({left, right}, 3);
  const trit::Graph fp32 = b.Finish(b.Dense(b.Flatten(b.MaxPool(joined, 2, 2)), 10, true));
  trit::quant::CompressOptions options;
  options.weights.type = trit::quant::WeightType::kInt8;
  options.acts = trit::quant::ActivationMode::kInt8;
  const std::vector<float> calib = Uniform(2 * 12 * 12 * 3, 3001);
  const trit::Graph graph = trit::quant::Compress(fp32, 1, options, calib.data(), 2).compressed;
  return WriteReferenceCase(graph, Uniform(12 * 12 * 3, 3002), "concat_int8", "concat", dir);
}

struct Variant {
  const char* suffix;
  trit::quant::WeightType type;
  double prune;
};

}  // namespace

int main(int argc, char** argv) {
  if (argc != 2) {
    std::fprintf(stderr, "usage: %s OUTDIR\n", argv[0]);
    return 2;
  }
  try {
    namespace fs = std::filesystem;
    const fs::path dir = argv[1];
    fs::create_directories(dir);
    const Variant variants[] = {{"int8", trit::quant::WeightType::kInt8, 0.0},
                                {"ternary", trit::quant::WeightType::kTernary, 0.0},
                                {"ternary_pruned", trit::quant::WeightType::kTernary, 0.6},
                                {"int4", trit::quant::WeightType::kInt4, 0.0},
                                {"binary", trit::quant::WeightType::kBinary, 0.0}};
    const auto& models = trit::zoo::ZooModels();
    std::vector<std::string> cases(models.size());
    // AlexNet first: it takes longest, and the others fill the other cores meanwhile.
    std::vector<size_t> order(models.size());
    for (size_t i = 0; i < order.size(); ++i) order[i] = i;
    std::stable_partition(order.begin(), order.end(),
                          [&](size_t i) { return models[i].name == "alexnet"; });
    std::atomic<size_t> next{0};
    std::exception_ptr failure;
    std::mutex failure_mutex;
    auto write_models = [&] {
      for (size_t k = next++; k < order.size(); k = next++) {
        const size_t i = order[k];
        try {
          const trit::Graph fp32 = models[i].build(1);
          const int64_t sample = trit::NumElements(fp32.value(fp32.inputs()[0]).shape);
          uint32_t seed = 2 * static_cast<uint32_t>(i);
          const std::vector<float> calib = Uniform(static_cast<size_t>(2 * sample), ++seed);
          const std::vector<float> input = Uniform(static_cast<size_t>(sample), ++seed);
          for (const Variant& variant : variants) {
            // AlexNet, the longest to write and to run under qemu, only in the forms whose
            // kernels its large layers alone reach (the int4 / ternary codes and int8 GEMVs past
            // the memory-bound size); its pruned and binary forms run the ternary form's.
            const std::string suffix = variant.suffix;
            if (models[i].name == "alexnet" && (suffix == "ternary_pruned" || suffix == "binary")) {
              continue;
            }
            trit::quant::CompressOptions options;
            options.weights.type = variant.type;
            options.prune = variant.prune;
            options.acts =
                seed % 2 ? trit::quant::ActivationMode::kInt8 : trit::quant::ActivationMode::kUint8;
            const trit::Graph graph =
                trit::quant::Compress(fp32, 1, options, calib.data(), 2).compressed;
            const std::string name = models[i].name + "_" + variant.suffix;
            trit::format::WriteModelFile(graph, (dir / (name + ".trit")).string());
            // The same model with plain encodings, as trit deploy stores it for microcontrollers
            // (the Cortex-M suites run these; the large models are left out).
            if (MicrocontrollerSized(models[i].name)) {
              WritePlainForMicrocontrollers(graph, dir / name);
            }
            auto session = trit::runtime::Session::FromFile((dir / (name + ".trit")).string());
            std::memcpy(session->input_data(0), input.data(), session->input_bytes(0));
            session->Run();
            WriteBytes(dir / (name + ".input"), input.data(), input.size() * sizeof(float));
            WriteBytes(dir / (name + ".output"), session->output_data(0), session->output_bytes(0));
            cases[i] += name + " " + variant.suffix + "\n";
          }
        } catch (...) {
          const std::lock_guard<std::mutex> lock(failure_mutex);
          if (!failure) failure = std::current_exception();
        }
      }
    };
    std::vector<std::thread> workers;
    for (unsigned w = 0; w < std::max(1u, std::thread::hardware_concurrency()); ++w) {
      workers.emplace_back(write_models);
    }
    for (std::thread& worker : workers) worker.join();
    if (failure) std::rethrow_exception(failure);
    // After the workers: TRIT_ISA is process-wide (the microcontroller-only cases' outputs are
    // the reference kernels'). The ConvNet's calibration data and input, as its worker made them.
    std::string micro_cases;
    for (size_t i = 0; i < models.size(); ++i) {
      if (models[i].name != "convnet") continue;
      const trit::Graph fp32 = models[i].build(1);
      const int64_t sample = trit::NumElements(fp32.value(fp32.inputs()[0]).shape);
      uint32_t seed = 2 * static_cast<uint32_t>(i);
      const std::vector<float> calib = Uniform(static_cast<size_t>(2 * sample), ++seed);
      const std::vector<float> input = Uniform(static_cast<size_t>(sample), ++seed);
      micro_cases += WriteDeepChipForm(fp32, calib, input, dir);
    }
    micro_cases += WriteRecurrentForms(dir);
    micro_cases += WriteConcatForm(dir);
    WriteBytes(dir / "micro_cases.txt", micro_cases.data(), micro_cases.size());
    std::string listed;
    for (const std::string& model_cases : cases) listed += model_cases;
    // Last: its presence says the set is complete.
    WriteBytes(dir / "cases.txt", listed.data(), listed.size());
  } catch (const std::exception& e) {
    std::fprintf(stderr, "trit_cross_isa_fixtures: %s\n", e.what());
    return 1;
  }
  return 0;
}
