#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "core/bitpack.h"
#include "core/error.h"
#include "format/crc32.h"
#include "format/file_header.h"
#include "format/model_file.h"
#include "format/tensor_encoding.h"
#include "zoo/zoo.h"

namespace trit::format {
namespace {

namespace fs = std::filesystem;

fs::path TempDir() {
  const fs::path dir = fs::temp_directory_path() / ("trit_format_" + std::to_string(::getpid()));
  fs::create_directories(dir);
  return dir;
}

// A graph with a constant of every dtype (odd counts for the packed ones) and attributes of
// every type, wired through ops that accept them.
Graph EveryTypeGraph() {
  Graph g;
  const ValueId x = g.AddInput("x", DType::kI8, {1, 5, 5, 3}, QuantParams::PerTensor(0.05f, -3));
  int index = 0;
  ValueId current = x;
  for (DType wtype : {DType::kI8, DType::kI4, DType::kI2, DType::kTernary, DType::kBinary}) {
    const int64_t count = 7 * 3 * 3 * 3;  // 189: odd, not a multiple of any packing
    std::vector<int8_t> levels(count);
    for (int64_t i = 0; i < count; ++i) {
      int32_t level =
          MinLevel(wtype) +
          static_cast<int32_t>((i * 7 + index) % (MaxLevel(wtype) - MinLevel(wtype) + 1));
      if (wtype == DType::kBinary && level == 0) level = 1;
      levels[static_cast<size_t>(i)] = static_cast<int8_t>(level);
    }
    std::vector<uint8_t> bytes(StorageBytes(wtype, count));
    if (wtype == DType::kI8) {
      std::memcpy(bytes.data(), levels.data(), bytes.size());
    } else {
      PackLevels(wtype, levels.data(), count, bytes.data());
    }
    QuantParams wq;
    wq.axis = 0;
    for (int c = 0; c < 7; ++c) {
      wq.scale.push_back(0.01f * (c + 1));
      wq.zero_point.push_back(0);
      if (wtype == DType::kTernary) {
        wq.ternary_pos.push_back(static_cast<int8_t>(10 + c));
        wq.ternary_neg.push_back(static_cast<int8_t>(20 + c));
      }
    }
    const std::string name = "layer" + std::to_string(index++);
    const ValueId w = g.AddConstant(name + ".w", wtype, {7, 3, 3, 3}, Buffer::Own(bytes), wq);
    const ValueId b =
        g.AddConstant(name + ".b", DType::kI32, {7},
                      Buffer::FromVector(std::vector<int32_t>{1, -2, 3, -4, 5, -6, 7}));
    const ValueId y =
        g.AddValue(Value{name, DType::kU8, {}, QuantParams::PerTensor(0.1f, 4), std::nullopt});
    g.AddNodeWithOutputs(
        Node{OpType::kConv2D,
             name,
             {current, w, b},
             {y},
             {{"pads", std::vector<int64_t>{1, 1, 1, 1}}, {"activation", std::string("relu")}}});
    // Back to 3 channels for the next layer with a u8 -> i8 rescaling 1x1 conv.
    const ValueId w2 = g.AddConstant(name + ".w2", DType::kI8, {3, 1, 1, 7},
                                     Buffer::FromVector(std::vector<int8_t>(21, 1)),
                                     QuantParams::PerTensor(0.02f, 0));
    const ValueId y2 = g.AddValue(
        Value{name + ".mix", DType::kI8, {}, QuantParams::PerTensor(0.05f, -3), std::nullopt});
    g.AddNodeWithOutputs(Node{OpType::kConv2D, name + ".mix", {y, w2}, {y2}, {}});
    current = y2;
  }
  const ValueId deq = g.AddNode(OpType::kDequantize, "dequant", {current});
  const ValueId clip = g.AddNode(OpType::kClip, "clip", {deq}, {{"min", -1.5f}, {"max", 2.5f}});
  const ValueId gamma =
      g.AddConstant("bn.gamma", DType::kF32, {3}, Buffer::FromVector(std::vector<float>{1, 2, 3}));
  const ValueId beta =
      g.AddConstant("bn.beta", DType::kF32, {3}, Buffer::FromVector(std::vector<float>{0, 1, 0}));
  const ValueId mean =
      g.AddConstant("bn.mean", DType::kF32, {3}, Buffer::FromVector(std::vector<float>{0, 0, 1}));
  const ValueId var =
      g.AddConstant("bn.var", DType::kF32, {3}, Buffer::FromVector(std::vector<float>{1, 1, 2}));
  const ValueId bn =
      g.AddNode(OpType::kBatchNorm, "bn", {clip, gamma, beta, mean, var}, {{"epsilon", 1e-3f}});
  const ValueId flat =
      g.AddNode(OpType::kReshape, "reshape", {bn}, {{"shape", std::vector<int64_t>{1, -1}}});
  g.MarkOutput(g.AddNode(OpType::kSoftmax, "softmax", {flat}, {{"axis", int64_t{-1}}}));
  g.InferShapes();
  g.Validate();
  return g;
}

void ExpectSameGraph(const Graph& a, const Graph& b) {
  ASSERT_EQ(a.values().size(), b.values().size());
  for (size_t v = 0; v < a.values().size(); ++v) {
    const Value& x = a.values()[v];
    const Value& y = b.values()[v];
    EXPECT_EQ(x.name, y.name);
    EXPECT_EQ(x.dtype, y.dtype) << x.name;
    EXPECT_EQ(x.shape, y.shape) << x.name;
    EXPECT_TRUE(x.quant == y.quant) << x.name;
    ASSERT_EQ(x.is_constant(), y.is_constant()) << x.name;
    if (x.is_constant()) {
      ASSERT_EQ(x.data->size(), y.data->size()) << x.name;
      EXPECT_EQ(0, std::memcmp(x.data->data(), y.data->data(), x.data->size())) << x.name;
    }
  }
  ASSERT_EQ(a.nodes().size(), b.nodes().size());
  for (size_t n = 0; n < a.nodes().size(); ++n) {
    EXPECT_EQ(a.nodes()[n].op, b.nodes()[n].op);
    EXPECT_EQ(a.nodes()[n].name, b.nodes()[n].name);
    EXPECT_EQ(a.nodes()[n].inputs, b.nodes()[n].inputs);
    EXPECT_EQ(a.nodes()[n].outputs, b.nodes()[n].outputs);
    EXPECT_TRUE(a.nodes()[n].attrs == b.nodes()[n].attrs) << a.nodes()[n].name;
  }
  EXPECT_EQ(a.inputs(), b.inputs());
  EXPECT_EQ(a.outputs(), b.outputs());
}

TEST(Format, RoundTripEveryTypeAndAttribute) {
  const Graph graph = EveryTypeGraph();
  const fs::path path = TempDir() / "every_type.trit";
  WriteModelFile(graph, path.string(), {"test"});
  const ModelFile file = ReadModelFile(path.string());
  EXPECT_EQ(file.format_version, kFormatVersion);
  EXPECT_EQ(file.producer, "test");
  EXPECT_EQ(file.file_bytes, fs::file_size(path));
  ExpectSameGraph(graph, file.graph);
  // Each constant is stored in its smallest encoding, with exact byte counts.
  for (size_t v = 0; v < graph.values().size(); ++v) {
    const Value& value = graph.values()[v];
    if (!value.is_constant()) {
      EXPECT_EQ(file.storage[v].encoding, Encoding::kNone);
      continue;
    }
    uint64_t smallest = 0;
    EXPECT_EQ(file.storage[v].encoding, SmallestEncoding(value.dtype, NumElements(value.shape),
                                                         value.data->bytes(), &smallest));
    EXPECT_EQ(file.storage[v].stored_bytes, smallest);
    EXPECT_LE(smallest, StorageBytes(value.dtype, NumElements(value.shape)));
  }
}

TEST(Format, ConstantsAre64ByteAlignedInTheMapping) {
  const fs::path path = TempDir() / "aligned.trit";
  WriteModelFile(zoo::BuildLeNet5(3), path.string());
  const ModelFile file = ReadModelFile(path.string());
  for (const Value& v : file.graph.values()) {
    if (v.is_constant()) {
      EXPECT_EQ(reinterpret_cast<uintptr_t>(v.data->data()) % 64, 0u) << v.name;
    }
  }
}

TEST(Format, SerializeIsDeterministic) {
  EXPECT_EQ(SerializeModel(zoo::BuildLeNet5(5)), SerializeModel(zoo::BuildLeNet5(5)));
}

TEST(Format, MissingFileIsAnIoError) {
  try {
    ReadModelFile("/nonexistent/model.trit");
    FAIL();
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::kIo);
    EXPECT_NE(std::string(e.what()).find("/nonexistent/model.trit"), std::string::npos);
  }
}

TEST(Format, AtomicWriteLeavesNothingOnFailureAndReplacesOnSuccess) {
  const Graph graph = zoo::BuildMlp(1);
  EXPECT_THROW(WriteModelFile(graph, "/nonexistent-folder/model.trit"), Error);
  EXPECT_FALSE(fs::exists("/nonexistent-folder/model.trit"));

  const fs::path dir = TempDir() / "atomic";
  fs::create_directories(dir);
  const fs::path path = dir / "model.trit";
  {
    std::ofstream old(path);
    old << "old contents";
  }
  WriteModelFile(graph, path.string());
  EXPECT_NO_THROW(ReadModelFile(path.string()));
  // No temp file left behind.
  int entries = 0;
  for ([[maybe_unused]] const auto& e : fs::directory_iterator(dir)) ++entries;
  EXPECT_EQ(entries, 1);
  // An invalid graph is refused before anything is written.
  Graph bad;
  bad.AddInput("x", DType::kF32, {1});
  const fs::path bad_path = dir / "bad.trit";
  EXPECT_THROW(WriteModelFile(bad, bad_path.string()), Error);
  EXPECT_FALSE(fs::exists(bad_path));
}

TEST(Format, Crc32MatchesTheStandardCheckValue) {
  EXPECT_EQ(Crc32(0, "123456789", 9), 0xCBF43926u);
  // Incremental equals one-shot.
  EXPECT_EQ(Crc32(Crc32(0, "12345", 5), "6789", 4), 0xCBF43926u);
}

}  // namespace
}  // namespace trit::format
