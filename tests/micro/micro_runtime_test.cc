// The freestanding runtime on the host: the same output bytes as the host runtime on the
// cross-ISA fixtures (stored with plain encodings, as trit deploy stores them), its arena beside
// the host runtime's, and a status with a one-line message for every bad input.
#include <gtest/gtest.h>

#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include "format/model_file.h"
#include "micro/inspect.h"
#include "quant/compress.h"
#include "runtime/session.h"
#include "trit/trit_micro.h"
#include "zoo/graph_builder.h"
#include "zoo/structured_shape.h"

namespace trit {
namespace {

namespace fs = std::filesystem;

std::vector<char> ReadBytes(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  return std::vector<char>(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

// 16-byte aligned copies of a model and an arena.
struct Aligned {
  explicit Aligned(size_t bytes) : words((bytes + 15) / 16 + 1) {}
  uint8_t* data() { return reinterpret_cast<uint8_t*>(words.data()); }
  struct alignas(16) Word {
    uint8_t bytes[16];
  };
  std::vector<Word> words;
};

std::vector<uint8_t> PlainModel(const fs::path& path) {
  const format::ModelFile file = format::ReadModelFile(path.string());
  format::WriteOptions options;
  options.plain_encodings = true;
  return format::SerializeModel(file.graph, options);
}

struct Loaded {
  Aligned model, arena;
  trit_micro* micro = nullptr;
  trit_micro_status status = TRIT_MICRO_OK;
  Loaded(const std::vector<uint8_t>& bytes, size_t arena_bytes)
      : model(bytes.size()), arena(arena_bytes) {
    if (!bytes.empty()) std::memcpy(model.data(), bytes.data(), bytes.size());
    status = trit_micro_load(model.data(), bytes.size(), arena.data(), arena_bytes, &micro);
  }
};

// The models of the Cortex-M tests: every zoo model a microcontroller holds.
bool MicroModel(const std::string& name) {
  for (const char* prefix :
       {"lenet5_", "convnet_", "resnet20_", "mlp_", "mobilenet_", "rnn_", "concat_"}) {
    if (name.rfind(prefix, 0) == 0) return true;
  }
  return false;
}

TEST(MicroRuntime, GivesTheHostRuntimesBytesOnTheZooFixtures) {
  const fs::path dir = TRIT_CROSS_ISA_FIXTURES;
  ASSERT_TRUE(fs::exists(dir / "cases.txt")) << dir << " has no fixtures: build the host first";
  // The cross-ISA cases, then the microcontroller-only ones (the DeepChip form: fp32 first and
  // last layers, compared with the reference kernels' bytes).
  std::stringstream cases;
  cases << std::ifstream(dir / "cases.txt").rdbuf()
        << std::ifstream(dir / "micro_cases.txt").rdbuf();
  int checked = 0;
  for (std::string name, variant; cases >> name >> variant;) {
    if (!MicroModel(name)) continue;
    SCOPED_TRACE(name);
    const std::vector<char> input = ReadBytes(dir / (name + ".input"));
    const std::vector<char> expected = ReadBytes(dir / (name + ".output"));
    // The fixture's plain file, and the stored one re-encoded here, as trit deploy does.
    const std::vector<char> fixture = ReadBytes(dir / (name + ".plain.trit"));
    std::vector<std::vector<uint8_t>> models = {
        std::vector<uint8_t>(fixture.begin(), fixture.end())};
    if (fs::exists(dir / (name + ".trit"))) models.push_back(PlainModel(dir / (name + ".trit")));
    for (const std::vector<uint8_t>& model : models) {
      Loaded loaded(model, 4 << 20);
      ASSERT_EQ(loaded.status, TRIT_MICRO_OK) << trit_micro_last_error();
      trit_micro_tensor in, out;
      ASSERT_EQ(trit_micro_input(loaded.micro, 0, &in), TRIT_MICRO_OK);
      ASSERT_EQ(trit_micro_output(loaded.micro, 0, &out), TRIT_MICRO_OK);
      ASSERT_EQ(in.bytes, input.size());
      ASSERT_EQ(out.bytes, expected.size());
      std::memcpy(in.data, input.data(), input.size());
      ASSERT_EQ(trit_micro_invoke(loaded.micro), TRIT_MICRO_OK) << trit_micro_last_error();
      EXPECT_EQ(std::memcmp(out.data, expected.data(), expected.size()), 0);
      // The arena (records, prepared parameters and the planned activations) is within a few
      // KB of the host runtime's activations-only one.
      if (fs::exists(dir / (name + ".trit"))) {
        auto session = runtime::Session::FromFile((dir / (name + ".trit")).string());
        EXPECT_LT(trit_micro_arena_used(loaded.micro), session->arena_bytes() + 64 * 1024);
      }
    }
    ++checked;
  }
  EXPECT_GE(checked, 32);
}

TEST(MicroRuntime, RunsElementwiseOpsInPlaceWhereTheirInputDies) {
  // Pre-activation ResNet-20: each residual Add's convolution input is read by nothing else, so
  // the Add may overwrite it; each block's BatchNorm (its ReLU fused in) reads an input that the
  // next residual Add reads again, so the BatchNorm may not (but for the last, before the head).
  const fs::path dir = TRIT_CROSS_ISA_FIXTURES;
  const std::vector<char> plain = ReadBytes(dir / "resnet20_int8.plain.trit");
  Loaded loaded(std::vector<uint8_t>(plain.begin(), plain.end()), 4 << 20);
  ASSERT_EQ(loaded.status, TRIT_MICRO_OK) << trit_micro_last_error();
  const format::ModelFile file = format::ReadModelFile((dir / "resnet20_int8.trit").string());
  std::map<ValueId, int> readers;
  for (const Node& node : file.graph.nodes()) {
    for (const ValueId v : node.inputs) ++readers[v];
  }
  int adds = 0, in_place = 0, batch_norms = 0;
  for (const Node& node : file.graph.nodes()) {
    const int32_t root = micro::AliasRoot(loaded.micro, node.outputs[0]);
    if (node.op == OpType::kAdd) {
      ++adds;
      in_place += root == micro::AliasRoot(loaded.micro, node.inputs[0]) ||
                  root == micro::AliasRoot(loaded.micro, node.inputs[1]);
    }
    if (node.op == OpType::kBatchNorm && readers[node.inputs[0]] > 1) {
      ++batch_norms;
      EXPECT_NE(root, micro::AliasRoot(loaded.micro, node.inputs[0])) << node.name;
    }
  }
  EXPECT_GT(adds, 0);
  EXPECT_GT(batch_norms, 0);
  EXPECT_EQ(in_place, adds);
}

TEST(MicroRuntime, RunsStrideOneConvolutionsInPlace) {
  // MobileNet: a convolution of stride 1 with as many channels out as in (the depthwise layers,
  // the 64 -> 64 and 256 -> 256 pointwise ones) writes its output rows over its input rows (the
  // fixture test above checks the bytes); one of stride 2, or with more channels out, may not.
  const fs::path dir = TRIT_CROSS_ISA_FIXTURES;
  const std::vector<char> plain = ReadBytes(dir / "mobilenet_ternary.plain.trit");
  const format::ModelFile file = format::ReadModelFile((dir / "mobilenet_ternary.trit").string());
  for (const Isa level : {Isa::kRef, Isa::kArmDsp, Isa::kMve}) {
    Aligned model(plain.size()), arena(4 << 20);
    std::memcpy(model.data(), plain.data(), plain.size());
    trit_micro* micro = nullptr;
    ASSERT_EQ(micro::LoadForLevel(model.data(), plain.size(), arena.data(), 4 << 20, level, &micro),
              TRIT_MICRO_OK)
        << trit_micro_last_error();
    int depthwise = 0, pointwise = 0, not_in_place = 0;
    for (const Node& node : file.graph.nodes()) {
      if (node.op != OpType::kConv2D) continue;
      const bool same =
          micro::AliasRoot(micro, node.outputs[0]) == micro::AliasRoot(micro, node.inputs[0]);
      const Shape& in = file.graph.value(node.inputs[0]).shape;
      const Shape& out = file.graph.value(node.outputs[0]).shape;
      if (node.attrs.GetInts("strides", {1, 1})[0] == 1 && in == out) {
        EXPECT_TRUE(same) << node.name;
        (node.attrs.GetInt("groups", 1) > 1 ? depthwise : pointwise) += same;
      } else {
        EXPECT_FALSE(same) << node.name;
        ++not_in_place;
      }
    }
    EXPECT_GE(depthwise, 8);
    EXPECT_GE(pointwise, 4);
    EXPECT_GE(not_in_place, 5);
  }
}

TEST(MicroRuntime, RefusesAnArenaTooSmallNamingTheBytesNeeded) {
  const fs::path dir = TRIT_CROSS_ISA_FIXTURES;
  const std::vector<uint8_t> model = PlainModel(dir / "lenet5_int8.trit");
  Loaded big(model, 1 << 20);
  ASSERT_EQ(big.status, TRIT_MICRO_OK) << trit_micro_last_error();
  const size_t used = trit_micro_arena_used(big.micro);
  Loaded exact(model, used);
  EXPECT_EQ(exact.status, TRIT_MICRO_OK) << trit_micro_last_error();
  for (const size_t bytes : {size_t{16}, size_t{200}, used / 2, used - 16}) {
    Loaded small(model, bytes);
    EXPECT_EQ(small.status, TRIT_MICRO_ERROR_INVALID_ARGUMENT) << bytes;
    EXPECT_NE(std::string(trit_micro_last_error()).find("arena too small"), std::string::npos)
        << trit_micro_last_error();
  }
}

TEST(MicroRuntime, RejectsCorruptedTruncatedAndEncodedModels) {
  const fs::path dir = TRIT_CROSS_ISA_FIXTURES;
  const std::vector<uint8_t> model = PlainModel(dir / "lenet5_ternary.trit");
  // Truncated at many offsets.
  for (size_t size = 0; size < model.size(); size += 997) {
    std::vector<uint8_t> cut(model.begin(), model.begin() + static_cast<std::ptrdiff_t>(size));
    Loaded loaded(cut, 1 << 20);
    EXPECT_EQ(loaded.status, TRIT_MICRO_ERROR_FORMAT) << size;
    EXPECT_STRNE(trit_micro_last_error(), "");
  }
  // A flipped byte anywhere: the checksum.
  for (size_t at = 0; at < model.size(); at += 331) {
    std::vector<uint8_t> bad = model;
    bad[at] ^= 0x5A;
    Loaded loaded(bad, 1 << 20);
    EXPECT_EQ(loaded.status, TRIT_MICRO_ERROR_FORMAT) << at;
  }
  // The file as trit compress stores it: entropy-coded weights cannot be read in place.
  const std::vector<char> encoded = ReadBytes(dir / "lenet5_ternary.trit");
  Loaded loaded(std::vector<uint8_t>(encoded.begin(), encoded.end()), 1 << 20);
  EXPECT_EQ(loaded.status, TRIT_MICRO_ERROR_UNSUPPORTED);
  EXPECT_NE(std::string(trit_micro_last_error()).find("trit deploy"), std::string::npos)
      << trit_micro_last_error();
}

TEST(MicroRuntime, NamesAnUnsupportedOp) {
  // BinaryNet's Binarize (binary activations) does not run on microcontrollers yet.
  Loaded loaded(PlainModel(fs::path(TRIT_CROSS_ISA_FIXTURES) / "bnn_int8.trit"), 1 << 20);
  EXPECT_EQ(loaded.status, TRIT_MICRO_ERROR_UNSUPPORTED);
  EXPECT_NE(std::string(trit_micro_last_error()).find("Binarize is not supported"),
            std::string::npos)
      << trit_micro_last_error();
}

// A 16-unit cell over 8 steps of 12 features, W and U of `structure` (per gate), int8 unless
// `fp32`.
Graph SmallCell(OpType cell, MatrixStructure structure, bool fp32) {
  zoo::GraphBuilder b(7);
  zoo::RecurrentSpec spec;
  spec.cell = cell;
  spec.hidden = 16;
  if (structure != MatrixStructure::kDense) {
    spec.w = zoo::ChooseStructuredShape(structure, 16, 12, 2.0, 1);
    spec.u = zoo::ChooseStructuredShape(structure, 16, 16, 2.0, 1);
  }
  const Graph graph = b.Finish(b.Recurrent(b.Input({1, 8, 12, 1}), spec));
  if (fp32) return graph;
  quant::CompressOptions options;
  options.weights.type = quant::WeightType::kInt8;
  const std::vector<float> calib(2 * 8 * 12, 0.5f);
  return quant::Compress(graph, 1, options, calib.data(), 2).compressed;
}

std::vector<uint8_t> Plain(const Graph& graph) {
  format::WriteOptions options;
  options.plain_encodings = true;
  return format::SerializeModel(graph, options);
}

// fp32 Add and BatchNorm with their fused ReLU / ReLU6: the host runtime's bytes at its
// reference level (the same reference kernels and the same clamp after each).
TEST(MicroRuntime, RunsTheFusedActivationOfFp32AddAndBatchNorm) {
  Graph g;
  const Shape shape = {1, 4, 4, 8};
  std::vector<float> shift(8), gamma(8), beta(8), mean(8), var(8);
  for (int c = 0; c < 8; ++c) {
    shift[c] = 0.5f * static_cast<float>(c) - 2.0f;
    gamma[c] = 3.0f + static_cast<float>(c);
    beta[c] = 1.0f;
    mean[c] = 0.25f;
    var[c] = 0.5f + 0.1f * static_cast<float>(c);
  }
  auto constant = [&](const char* name, const std::vector<float>& v) {
    return g.AddConstant(name, DType::kF32, {8}, Buffer::FromVector(v));
  };
  const ValueId x = g.AddInput("x", DType::kF32, shape);
  Attributes relu, relu6;
  relu.Set("activation", std::string("relu"));
  relu6.Set("activation", std::string("relu6"));
  const ValueId sum = g.AddNode(OpType::kAdd, "add", {x, constant("shift", shift)}, relu);
  g.MarkOutput(g.AddNode(OpType::kBatchNorm, "bn",
                         {sum, constant("gamma", gamma), constant("beta", beta),
                          constant("mean", mean), constant("var", var)},
                         relu6));
  g.InferShapes();
  std::vector<float> input(static_cast<size_t>(NumElements(shape)));
  for (size_t i = 0; i < input.size(); ++i) input[i] = static_cast<float>(i % 13) * 0.4f - 2.5f;
  setenv("TRIT_ISA", "ref", 1);
  auto session = runtime::Session::FromGraph(g);
  unsetenv("TRIT_ISA");
  std::memcpy(session->input_data(0), input.data(), input.size() * sizeof(float));
  session->Run();
  const auto* want = static_cast<const float*>(session->output_data(0));
  Loaded loaded(Plain(g), 1 << 16);
  ASSERT_EQ(loaded.status, TRIT_MICRO_OK) << trit_micro_last_error();
  trit_micro_tensor in, out;
  ASSERT_EQ(trit_micro_input(loaded.micro, 0, &in), TRIT_MICRO_OK);
  ASSERT_EQ(trit_micro_output(loaded.micro, 0, &out), TRIT_MICRO_OK);
  std::memcpy(in.data, input.data(), input.size() * sizeof(float));
  ASSERT_EQ(trit_micro_invoke(loaded.micro), TRIT_MICRO_OK) << trit_micro_last_error();
  const auto* got = static_cast<const float*>(out.data);
  int clamped_low = 0, clamped_high = 0;
  for (size_t i = 0; i < input.size(); ++i) {
    EXPECT_EQ(got[i], want[i]) << i;
    clamped_low += got[i] == 0.0f;
    clamped_high += got[i] == 6.0f;
  }
  EXPECT_GT(clamped_low, 0);  // both bounds bite
  EXPECT_GT(clamped_high, 0);
}

TEST(MicroRuntime, RefusesANodeWithMoreInputsThanItHolds) {
  zoo::GraphBuilder b(3);
  const ValueId x = b.Input({1, 2, 2, 3});
  const Graph fine = b.Finish(b.Concat(std::vector<ValueId>(24, x), 3));
  Loaded loaded(Plain(fine), 1 << 20);
  EXPECT_EQ(loaded.status, TRIT_MICRO_OK) << trit_micro_last_error();
  zoo::GraphBuilder c(3);
  const ValueId y = c.Input({1, 2, 2, 3});
  const Graph many = c.Finish(c.Concat(std::vector<ValueId>(25, y), 3));
  Loaded refused(Plain(many), 1 << 20);
  EXPECT_EQ(refused.status, TRIT_MICRO_ERROR_UNSUPPORTED);
  EXPECT_NE(std::string(trit_micro_last_error()).find("25 inputs, more than the 24"),
            std::string::npos)
      << trit_micro_last_error();
}

TEST(MicroRuntime, RunsInt8RecurrentCellsAndNamesWhatItDoesNot) {
  // (Their bytes against the host's: the rnn_ fixtures above.)
  Loaded dense(Plain(SmallCell(OpType::kLstm, MatrixStructure::kDense, false)), 1 << 20);
  EXPECT_EQ(dense.status, TRIT_MICRO_OK) << trit_micro_last_error();
  // A low-rank LSTM: two parts per gate for W and for U, 19 inputs in all.
  Loaded low_rank(Plain(SmallCell(OpType::kLstm, MatrixStructure::kLowRank, false)), 1 << 20);
  EXPECT_EQ(low_rank.status, TRIT_MICRO_OK) << trit_micro_last_error();
  Loaded fp32(Plain(SmallCell(OpType::kLstm, MatrixStructure::kDense, true)), 1 << 20);
  EXPECT_EQ(fp32.status, TRIT_MICRO_ERROR_UNSUPPORTED);
  EXPECT_NE(std::string(trit_micro_last_error()).find("W is f32"), std::string::npos)
      << trit_micro_last_error();
  Loaded kron(Plain(SmallCell(OpType::kFastGrnn, MatrixStructure::kKronecker, false)), 1 << 20);
  EXPECT_EQ(kron.status, TRIT_MICRO_ERROR_UNSUPPORTED);
  EXPECT_NE(std::string(trit_micro_last_error()).find("w_structure 'kron'"), std::string::npos)
      << trit_micro_last_error();
  Loaded hmd(Plain(SmallCell(OpType::kGru, MatrixStructure::kHmd, false)), 1 << 20);
  EXPECT_EQ(hmd.status, TRIT_MICRO_ERROR_UNSUPPORTED);
  EXPECT_NE(std::string(trit_micro_last_error()).find("w_structure 'hmd'"), std::string::npos)
      << trit_micro_last_error();
}

TEST(MicroRuntime, RefusesNullAndMisalignedPointers) {
  const std::vector<uint8_t> model =
      PlainModel(fs::path(TRIT_CROSS_ISA_FIXTURES) / "mlp_int8.trit");
  Aligned arena(1 << 20), copy(model.size() + 16);
  trit_micro* micro = nullptr;
  std::memcpy(copy.data() + 1, model.data(), model.size());
  EXPECT_EQ(trit_micro_load(copy.data() + 1, model.size(), arena.data(), 1 << 20, &micro),
            TRIT_MICRO_ERROR_INVALID_ARGUMENT);
  std::memcpy(copy.data(), model.data(), model.size());
  EXPECT_EQ(trit_micro_load(copy.data(), model.size(), arena.data() + 4, 1 << 19, &micro),
            TRIT_MICRO_ERROR_INVALID_ARGUMENT);
  EXPECT_EQ(trit_micro_load(nullptr, model.size(), arena.data(), 1 << 20, &micro),
            TRIT_MICRO_ERROR_INVALID_ARGUMENT);
  EXPECT_EQ(trit_micro_invoke(nullptr), TRIT_MICRO_ERROR_INVALID_ARGUMENT);
  trit_micro_tensor tensor;
  ASSERT_EQ(trit_micro_load(copy.data(), model.size(), arena.data(), 1 << 20, &micro),
            TRIT_MICRO_OK)
      << trit_micro_last_error();
  EXPECT_EQ(trit_micro_input(micro, 1, &tensor), TRIT_MICRO_ERROR_INVALID_ARGUMENT);
  EXPECT_EQ(trit_micro_output(micro, -1, &tensor), TRIT_MICRO_ERROR_INVALID_ARGUMENT);
}

}  // namespace
}  // namespace trit
