// Whole quantized networks give the same bytes at every ISA level this CPU has (TRIT_ISA=ref,
// avx2, avx512; neon, neondot, i8mm) and on 1 to 3 threads, and the kernel each layer runs says
// which level it is.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdlib>
#include <cstring>
#include <random>
#include <string>
#include <tuple>
#include <vector>

#include "core/error.h"
#include "core/shape.h"
#include "kernels/isa.h"
#include "quant/compress.h"
#include "runtime/session.h"
#include "zoo/graph_builder.h"
#include "zoo/zoo.h"

namespace trit::runtime {
namespace {

// Sets TRIT_ISA for the lifetime of the object.
class ForcedIsa {
 public:
  explicit ForcedIsa(const char* level) { setenv("TRIT_ISA", level, 1); }
  ~ForcedIsa() { unsetenv("TRIT_ISA"); }
};

std::vector<float> Uniform(size_t count, uint32_t seed) {
  std::mt19937 rng(seed);
  std::uniform_real_distribution<float> uniform(0.0f, 1.0f);
  std::vector<float> values(count);
  for (float& v : values) v = uniform(rng);
  return values;
}

struct Outcome {
  std::vector<uint8_t> output;
  std::vector<std::string> kernels;
};

// The level a kernel's name ends with (…__avx512vnni: avx512; …__neondot: neondot), or kRef.
Isa LevelOfKernel(const std::string& kernel) {
  const size_t mark = kernel.rfind("__");
  if (mark == std::string::npos) return Isa::kRef;
  const std::string suffix = kernel.substr(mark + 2);
  Isa best = Isa::kRef;
  size_t best_length = 0;
  for (const Isa isa : RunnableIsas()) {
    const std::string name(IsaName(isa));
    if (isa != Isa::kRef && suffix.rfind(name, 0) == 0 && name.size() > best_length) {
      best = isa;
      best_length = name.size();
    }
  }
  return best;
}

Outcome RunAt(const char* level, const Graph& graph, const std::vector<float>& input,
              int threads = 1) {
  ForcedIsa forced(level);
  SessionOptions options;
  options.threads = threads;
  auto session = Session::FromGraph(graph, options);
  std::memcpy(session->input_data(0), input.data(), session->input_bytes(0));
  session->Run();
  Outcome outcome;
  const auto* out = static_cast<const uint8_t*>(session->output_data(0));
  outcome.output.assign(out, out + session->output_bytes(0));
  for (size_t id = 0; id < graph.nodes().size(); ++id) {
    const Node& node = graph.nodes()[id];
    if (node.op == OpType::kConv2D || node.op == OpType::kDense) {
      outcome.kernels.emplace_back(session->kernel_name(static_cast<NodeId>(id)));
    }
  }
  return outcome;
}

// One test per model and weight type, so that CTest runs them side by side (under qemu-user
// each takes up to a minute).
using NetworkCase = std::tuple<const char*, quant::WeightType>;
class QuantizedNetworksAgree : public ::testing::TestWithParam<NetworkCase> {};

TEST_P(QuantizedNetworksAgree, AtEveryLevel) {
  const quant::ActivationMode modes[] = {
      quant::ActivationMode::kInt8, quant::ActivationMode::kUint8, quant::ActivationMode::kPow2};
  const auto [model, type] = GetParam();
  uint32_t seed =
      100 * static_cast<uint32_t>(std::string(model).size()) + 10 * static_cast<uint32_t>(type);
  const Graph fp32 = zoo::BuildZooModel(model, 1);
  const int64_t sample = NumElements(fp32.value(fp32.inputs()[0]).shape);
  const std::vector<float> calib = Uniform(static_cast<size_t>(4 * sample), ++seed);
  quant::CompressOptions options;
  options.weights.type = type;
  options.acts = modes[seed % 3];
  const Graph graph = quant::Compress(fp32, 1, options, calib.data(), 4).compressed;
  const std::vector<float> input = Uniform(static_cast<size_t>(sample), ++seed);
  const Outcome reference = RunAt("ref", graph, input);
  for (const Isa isa : RunnableIsas()) {
    const std::string name(IsaName(isa));
    const char* level = name.c_str();
    const Outcome outcome = RunAt(level, graph, input);
    EXPECT_EQ(outcome.output, reference.output) << "at " << level;
    for (const int threads : {2, 3}) {
      EXPECT_EQ(RunAt(level, graph, input, threads).output, reference.output)
          << "at " << level << " on " << threads << " threads";
    }
    for (const std::string& kernel : outcome.kernels) {
      // fp32 layers (none here but kept fp32 ones) stay on the reference.
      if (kernel.find("f32") != std::string::npos) continue;
      if (isa == Isa::kRef) {
        EXPECT_EQ(kernel.rfind("ref_", 0), 0u) << kernel << " at " << level;
      } else {
        // An optimized kernel of this level or one below it in the same family.
        const Isa kernel_level = LevelOfKernel(kernel);
        EXPECT_TRUE(kernel_level != Isa::kRef && IsaCovers(isa, kernel_level))
            << kernel << " at " << level;
      }
    }
  }
}

INSTANTIATE_TEST_SUITE_P(
    IsaLevels, QuantizedNetworksAgree,
    ::testing::Combine(::testing::Values("lenet5", "resnet20", "convnet", "mobilenet", "bnn"),
                       ::testing::Values(quant::WeightType::kInt8, quant::WeightType::kTernary,
                                         quant::WeightType::kInt4, quant::WeightType::kBinary)),
    [](const ::testing::TestParamInfo<NetworkCase>& info) {
      return std::string(std::get<0>(info.param)) + "_" +
             quant::WeightTypeName(std::get<1>(info.param));
    });

// Grouped convolutions (groups 2 to 8, 1x1 and 3x3, strides 1 and 2, asymmetric padding) run
// one groups-1 kernel per group, and a Concat of two branches with their own scales rescales
// by table: fp32 within rounding of the reference, every quantized weight type the reference's
// bytes, at every level and on 1 to 3 threads.
TEST(IsaLevels, GroupedConvolutionsAndConcatAgreeWithTheReference) {
  zoo::GraphBuilder b(11);
  ValueId x = b.Input({1, 10, 10, 16});
  x = b.Relu(b.Conv(x, 32, 3, 1, {1, 1, 1, 1}, true));
  const ValueId branch = b.Conv(x, 8, 1, 1, {0, 0, 0, 0}, true);
  x = b.Concat({x, branch}, -1);  // 40 channels, the branch not ReLU'd: another range
  x = b.Relu(b.Conv(x, 32, 3, 1, {1, 1, 1, 1}, true, 4));
  x = b.Conv(x, 64, 1, 2, {0, 0, 0, 0}, false, 8);
  x = b.Relu(b.Conv(x, 48, 3, 1, {0, 1, 1, 0}, true, 2));
  const Graph fp32 = b.Finish(b.Dense(b.Flatten(b.GlobalAvgPool(x)), 10));
  const int64_t sample = NumElements(fp32.value(fp32.inputs()[0]).shape);
  const std::vector<float> input = Uniform(static_cast<size_t>(sample), 5);
  const Outcome float_reference = RunAt("ref", fp32, input);
  const auto floats = [](const Outcome& o) {
    std::vector<float> v(o.output.size() / sizeof(float));
    std::memcpy(v.data(), o.output.data(), o.output.size());
    return v;
  };
  const std::vector<float> expected = floats(float_reference);
  const std::vector<float> calib = Uniform(static_cast<size_t>(4 * sample), 6);
  for (const Isa isa : RunnableIsas()) {
    const std::string name(IsaName(isa));
    for (const int threads : {1, 2, 3}) {
      const std::vector<float> got = floats(RunAt(name.c_str(), fp32, input, threads));
      for (size_t i = 0; i < got.size(); ++i) {
        EXPECT_NEAR(got[i], expected[i], 1e-4 * (1 + std::fabs(expected[i])))
            << "fp32 at " << name << " on " << threads << " threads, output " << i;
      }
    }
    if (isa != Isa::kRef) {
      for (const std::string& kernel : RunAt(name.c_str(), fp32, input).kernels) {
        EXPECT_EQ(kernel.rfind("ref_", 0), std::string::npos) << kernel << " at " << name;
      }
    }
  }
  for (const quant::WeightType type :
       {quant::WeightType::kInt8, quant::WeightType::kTernary, quant::WeightType::kInt4}) {
    quant::CompressOptions options;
    options.weights.type = type;
    options.acts = quant::ActivationMode::kUint8;
    const Graph graph = quant::Compress(fp32, 1, options, calib.data(), 4).compressed;
    const Outcome reference = RunAt("ref", graph, input);
    for (const Isa isa : RunnableIsas()) {
      const std::string name(IsaName(isa));
      for (const int threads : {1, 2, 3}) {
        const Outcome outcome = RunAt(name.c_str(), graph, input, threads);
        EXPECT_EQ(outcome.output, reference.output)
            << quant::WeightTypeName(type) << " at " << name << " on " << threads << " threads";
        if (isa == Isa::kRef || threads > 1) continue;
        for (const std::string& kernel : outcome.kernels) {
          EXPECT_EQ(kernel.rfind("ref_", 0), std::string::npos) << kernel << " at " << name;
        }
      }
    }
  }
}

// fp32 networks: the optimized float kernels split rows or column tiles across threads, and
// every output is still computed by one thread in one order: the same bits on any count.
TEST(IsaLevels, Fp32NetworksGiveTheSameBitsOnAnyThreadCount) {
  for (const char* model : {"lenet5", "convnet", "mlp", "mobilenet"}) {
    const Graph graph = zoo::BuildZooModel(model, 1);
    const std::vector<float> input =
        Uniform(static_cast<size_t>(NumElements(graph.value(graph.inputs()[0]).shape)), 5);
    const std::string detected(IsaName(DetectedIsa()));
    const char* level = detected.c_str();
    const Outcome one = RunAt(level, graph, input);
    for (const int threads : {2, 3, 4}) {
      EXPECT_EQ(RunAt(level, graph, input, threads).output, one.output) << model << " " << threads;
    }
  }
}

// Ternary Dense layers pruned past the crossover run on the sparse index lists and still give
// the reference's bytes.
TEST(IsaLevels, HighlyPrunedTernaryDenseRunsSparse) {
  if (DetectedIsa() == Isa::kRef) GTEST_SKIP() << "no optimized level on this CPU";
  const Graph fp32 = zoo::BuildZooModel("lenet5", 1);
  const int64_t sample = NumElements(fp32.value(fp32.inputs()[0]).shape);
  const std::vector<float> calib = Uniform(static_cast<size_t>(4 * sample), 11);
  quant::CompressOptions options;
  options.weights.type = quant::WeightType::kTernary;
  options.prune = 0.98;
  const Graph graph = quant::Compress(fp32, 1, options, calib.data(), 4).compressed;
  const std::vector<float> input = Uniform(static_cast<size_t>(sample), 12);
  const Outcome reference = RunAt("ref", graph, input);
  const Outcome fast = RunAt(std::string(IsaName(DetectedIsa())).c_str(), graph, input, 2);
  EXPECT_EQ(fast.output, reference.output);
  int sparse = 0;
  for (const std::string& kernel : fast.kernels)
    sparse += kernel.find("t_sparse_gemv") != std::string::npos;
  EXPECT_GT(sparse, 0);
}

TEST(IsaLevels, UnknownOrMissingLevelIsAClearError) {
  {
    ForcedIsa forced("sse9");
    EXPECT_THROW(ActiveIsa(), Error);
  }
  // A level of another family, or above this CPU's: named in the error.
  const char* missing = FamilyOf(DetectedIsa()) == IsaFamily::kX86 ? "i8mm" : "avx512";
  ForcedIsa forced(missing);
  try {
    ActiveIsa();
    FAIL() << "no error";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find(std::string("TRIT_ISA=") + missing), std::string::npos)
        << e.what();
  }
}

}  // namespace
}  // namespace trit::runtime
