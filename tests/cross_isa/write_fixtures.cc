// Writes the cross-ISA fixtures (host build, at build time): every quantized zoo model (int8,
// ternary, pruned ternary, int4, binary weights), one input, and the output bytes the host
// gives (its levels agree with the reference bit for bit: runtime/isa_levels_test.cc). AlexNet
// is left out: 61 M weights and 0.7 G MACs at 224x224 take minutes per run under qemu-user, and
// its layers run the same kernels as the ConvNet's and ResNets' (tested at every tile edge). The
// AArch64 suite (same_bytes_test.cc) runs the same files under qemu-user at every level its CPU
// model has and must give these bytes. The models are made here, once: calibration runs float
// kernels whose rounding differs across ISAs, so a model compressed on each side could differ;
// running one file everywhere is what a user deploys. Usage: trit_cross_isa_fixtures OUTDIR (writes
// OUTDIR/NAME.trit, .input, .output, and OUTDIR/cases.txt listing the names).
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <random>
#include <string>
#include <vector>

#include "core/error.h"
#include "core/shape.h"
#include "format/model_file.h"
#include "quant/compress.h"
#include "runtime/session.h"
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
    std::string cases;
    uint32_t seed = 0;
    for (const trit::zoo::ZooModel& zoo_model : trit::zoo::ZooModels()) {
      const std::string& model = zoo_model.name;
      if (model == "alexnet") continue;
      const trit::Graph fp32 = zoo_model.build(1);
      const int64_t sample = trit::NumElements(fp32.value(fp32.inputs()[0]).shape);
      const std::vector<float> calib = Uniform(static_cast<size_t>(2 * sample), ++seed);
      const std::vector<float> input = Uniform(static_cast<size_t>(sample), ++seed);
      for (const Variant& variant : variants) {
        trit::quant::CompressOptions options;
        options.weights.type = variant.type;
        options.prune = variant.prune;
        options.acts =
            seed % 2 ? trit::quant::ActivationMode::kInt8 : trit::quant::ActivationMode::kUint8;
        const trit::Graph graph =
            trit::quant::Compress(fp32, 1, options, calib.data(), 2).compressed;
        const std::string name = model + "_" + variant.suffix;
        trit::format::WriteModelFile(graph, (dir / (name + ".trit")).string());
        auto session = trit::runtime::Session::FromFile((dir / (name + ".trit")).string());
        std::memcpy(session->input_data(0), input.data(), session->input_bytes(0));
        session->Run();
        WriteBytes(dir / (name + ".input"), input.data(), input.size() * sizeof(float));
        WriteBytes(dir / (name + ".output"), session->output_data(0), session->output_bytes(0));
        cases += name + "\n";
      }
    }
    // Last: its presence says the set is complete.
    WriteBytes(dir / "cases.txt", cases.data(), cases.size());
  } catch (const std::exception& e) {
    std::fprintf(stderr, "trit_cross_isa_fixtures: %s\n", e.what());
    return 1;
  }
  return 0;
}
