#include <gtest/gtest.h>

#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <memory>
#include <random>
#include <string>
#include <vector>

#include "core/shape.h"
#include "format/model_file.h"
#include "quant/compress.h"
#include "trit/trit.hpp"
#include "zoo/zoo.h"

namespace {

std::string WriteLeNet() {
  const std::string path =
      (std::filesystem::temp_directory_path() / "trit_c_api_lenet.trit").string();
  trit::format::WriteModelFile(trit::zoo::BuildLeNet5(2), path);
  return path;
}

TEST(CApi, LoadRunAndReadOutputs) {
  const std::string path = WriteLeNet();
  trit_session* session = nullptr;
  ASSERT_EQ(trit_session_create_from_file(path.c_str(), &session), TRIT_OK) << trit_last_error();
  ASSERT_EQ(trit_session_input_count(session), 1u);
  trit_tensor_info in;
  ASSERT_EQ(trit_session_input_info(session, 0, &in), TRIT_OK);
  EXPECT_EQ(in.dtype, TRIT_F32);
  EXPECT_EQ(in.rank, 4);
  EXPECT_EQ(in.dims[1], 28);
  EXPECT_EQ(in.bytes, 28u * 28u * 4u);
  std::vector<float> x(28 * 28, 0.5f);
  ASSERT_EQ(trit_session_set_input(session, 0, x.data(), x.size() * 4), TRIT_OK);
  ASSERT_EQ(trit_session_run(session), TRIT_OK);
  std::vector<float> y(10);
  ASSERT_EQ(trit_session_get_output(session, 0, y.data(), y.size() * 4), TRIT_OK);
  EXPECT_GT(trit_session_arena_bytes(session), 0u);
  trit_session_destroy(session);
}

TEST(CApi, WrongSizesAndIndicesAreErrorsNotCrashes) {
  const std::string path = WriteLeNet();
  trit_session* session = nullptr;
  ASSERT_EQ(trit_session_create_from_file(path.c_str(), &session), TRIT_OK);
  std::vector<float> x(10);
  EXPECT_EQ(trit_session_set_input(session, 0, x.data(), x.size() * 4), TRIT_ERROR_SHAPE);
  EXPECT_NE(std::string(trit_last_error()).find("takes 3136 bytes"), std::string::npos)
      << trit_last_error();
  EXPECT_EQ(trit_session_set_input(session, 3, x.data(), 4), TRIT_ERROR_INVALID_ARGUMENT);
  trit_tensor_info info;
  EXPECT_EQ(trit_session_output_info(session, 7, &info), TRIT_ERROR_INVALID_ARGUMENT);
  EXPECT_EQ(trit_session_get_output(session, 0, x.data(), 4), TRIT_ERROR_SHAPE);
  trit_session_destroy(session);
  EXPECT_EQ(trit_session_create_from_file("/nonexistent.trit", &session), TRIT_ERROR_IO);
  EXPECT_EQ(session, nullptr);
  EXPECT_EQ(trit_session_create_from_file(nullptr, &session), TRIT_ERROR_INVALID_ARGUMENT);
}

TEST(CApi, FromMemoryAndCorruptedBytes) {
  const std::string path = WriteLeNet();
  std::ifstream in(path, std::ios::binary);
  std::vector<char> bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  trit_session* session = nullptr;
  ASSERT_EQ(trit_session_create_from_memory(bytes.data(), bytes.size(), &session), TRIT_OK);
  EXPECT_EQ(trit_session_run(session), TRIT_OK);
  trit_session_destroy(session);
  bytes[bytes.size() / 2] ^= 0x5A;
  EXPECT_EQ(trit_session_create_from_memory(bytes.data(), bytes.size(), &session),
            TRIT_ERROR_FORMAT);
  EXPECT_NE(std::string(trit_last_error()).find("checksum"), std::string::npos);
}

// A 64-byte aligned block with room to spare, for caller-owned arenas and bound buffers.
class AlignedBlock {
 public:
  explicit AlignedBlock(size_t bytes)
      : size_((bytes + 128) / 64 * 64),
        data_(static_cast<unsigned char*>(std::aligned_alloc(64, size_))) {}
  ~AlignedBlock() { std::free(data_); }
  AlignedBlock(const AlignedBlock&) = delete;
  AlignedBlock& operator=(const AlignedBlock&) = delete;
  unsigned char* data() const { return data_; }
  size_t size() const { return size_; }
  bool All(unsigned char byte) const {
    for (size_t i = 0; i < size_; ++i) {
      if (data_[i] != byte) return false;
    }
    return true;
  }

 private:
  size_t size_;
  unsigned char* data_;
};

std::vector<uint8_t> Bytes(const trit::Graph& graph) { return trit::format::SerializeModel(graph); }

trit::Graph Compressed(const trit::Graph& fp32, trit::quant::WeightType type) {
  const int64_t count = 2;
  std::vector<float> calib(
      static_cast<size_t>(count * trit::NumElements(fp32.value(fp32.inputs()[0]).shape)));
  std::mt19937 rng(7);
  std::uniform_real_distribution<float> uniform(0.0f, 1.0f);
  for (float& v : calib) v = uniform(rng);
  trit::quant::CompressOptions options;
  options.weights.type = type;
  options.range = trit::quant::RangeMethod::kMinMax;  // the fastest calibration
  return trit::quant::Compress(fp32, 1, options, calib.data(), count).compressed;
}

// Deterministic input bytes of any type: a ramp for f32, a byte pattern otherwise.
std::vector<unsigned char> RampInput(const trit_tensor_info& info) {
  std::vector<unsigned char> bytes(info.bytes);
  if (info.dtype == TRIT_F32) {
    for (size_t i = 0; i < info.bytes / 4; ++i) {
      const float v = static_cast<float>(i % 29) / 29.0f;
      std::memcpy(bytes.data() + 4 * i, &v, 4);
    }
  } else {
    for (size_t i = 0; i < info.bytes; ++i) bytes[i] = static_cast<unsigned char>(i * 7 % 251);
  }
  return bytes;
}

TEST(CApi, ArenaSizeFirstThenTheCallersBuffer) {
  const std::vector<uint8_t> model = Bytes(trit::zoo::BuildLeNet5(4));
  trit_session_options options;
  std::memset(&options, 0, sizeof options);
  options.defer_arena = 1;
  trit_session* session = nullptr;
  ASSERT_EQ(
      trit_session_create_from_memory_with_options(model.data(), model.size(), &options, &session),
      TRIT_OK)
      << trit_last_error();
  const size_t needed = trit_session_arena_bytes(session);
  ASSERT_GT(needed, 0u);
  EXPECT_EQ(trit_session_run(session), TRIT_ERROR_INVALID_ARGUMENT);
  EXPECT_NE(std::string(trit_last_error()).find("no arena"), std::string::npos)
      << trit_last_error();
  std::vector<float> x(28 * 28, 0.25f);
  EXPECT_EQ(trit_session_set_input(session, 0, x.data(), x.size() * 4),
            TRIT_ERROR_INVALID_ARGUMENT);

  AlignedBlock arena(needed);
  std::memset(arena.data(), 0x5A, arena.size());
  EXPECT_EQ(trit_session_set_arena(session, arena.data(), needed - 1), TRIT_ERROR_INVALID_ARGUMENT);
  const std::string too_small = trit_last_error();
  EXPECT_NE(too_small.find("arena of " + std::to_string(needed - 1) + " bytes is too small"),
            std::string::npos)
      << too_small;
  EXPECT_NE(too_small.find("needs " + std::to_string(needed) + " bytes"), std::string::npos);
  EXPECT_EQ(too_small.find('\n'), std::string::npos);
  EXPECT_EQ(trit_session_set_arena(session, arena.data() + 8, needed), TRIT_ERROR_INVALID_ARGUMENT);
  EXPECT_NE(std::string(trit_last_error()).find("64-byte aligned"), std::string::npos)
      << trit_last_error();
  EXPECT_TRUE(arena.All(0x5A));  // refused buffers are not written

  ASSERT_EQ(trit_session_set_arena(session, arena.data(), needed), TRIT_OK) << trit_last_error();
  ASSERT_EQ(trit_session_set_input(session, 0, x.data(), x.size() * 4), TRIT_OK);
  ASSERT_EQ(trit_session_run(session), TRIT_OK) << trit_last_error();
  EXPECT_FALSE(arena.All(0x5A));  // the session's tensors are there
  std::vector<float> y(10);
  ASSERT_EQ(trit_session_get_output(session, 0, y.data(), y.size() * 4), TRIT_OK);

  // The default session gives the same bytes.
  trit_session* owned = nullptr;
  ASSERT_EQ(trit_session_create_from_memory(model.data(), model.size(), &owned), TRIT_OK);
  ASSERT_EQ(trit_session_set_input(owned, 0, x.data(), x.size() * 4), TRIT_OK);
  ASSERT_EQ(trit_session_run(owned), TRIT_OK);
  std::vector<float> expected(10);
  ASSERT_EQ(trit_session_get_output(owned, 0, expected.data(), expected.size() * 4), TRIT_OK);
  EXPECT_EQ(0, std::memcmp(y.data(), expected.data(), 40));
  trit_session_destroy(owned);

  // Taken back: the session cannot run until it has another.
  ASSERT_EQ(trit_session_set_arena(session, nullptr, 0), TRIT_OK);
  EXPECT_EQ(trit_session_run(session), TRIT_ERROR_INVALID_ARGUMENT);
  trit_session_destroy(session);
}

TEST(CApi, ArenaGivenAtLoadIsCheckedAndUntouchedWhenRefused) {
  const std::vector<uint8_t> model = Bytes(trit::zoo::BuildLeNet5(4));
  trit_session_options options;
  std::memset(&options, 0, sizeof options);
  options.threads = 2;  // the arena a session needs depends on its threads (scratch placement)
  trit_session* probe = nullptr;
  ASSERT_EQ(
      trit_session_create_from_memory_with_options(model.data(), model.size(), &options, &probe),
      TRIT_OK);
  const size_t needed = trit_session_arena_bytes(probe);
  trit_session_destroy(probe);

  AlignedBlock arena(needed);
  std::memset(arena.data(), 0xC3, arena.size());
  options.arena = arena.data();
  options.arena_bytes = needed / 2;
  trit_session* session = nullptr;
  EXPECT_EQ(
      trit_session_create_from_memory_with_options(model.data(), model.size(), &options, &session),
      TRIT_ERROR_INVALID_ARGUMENT);
  EXPECT_EQ(session, nullptr);
  EXPECT_NE(std::string(trit_last_error()).find("needs " + std::to_string(needed)),
            std::string::npos)
      << trit_last_error();
  options.arena = arena.data() + 32;
  options.arena_bytes = needed;
  EXPECT_EQ(
      trit_session_create_from_memory_with_options(model.data(), model.size(), &options, &session),
      TRIT_ERROR_INVALID_ARGUMENT);
  EXPECT_TRUE(arena.All(0xC3));

  options.arena = arena.data();
  ASSERT_EQ(
      trit_session_create_from_memory_with_options(model.data(), model.size(), &options, &session),
      TRIT_OK)
      << trit_last_error();
  ASSERT_EQ(trit_session_run(session), TRIT_OK);
  trit_session_destroy(session);

  options.arena = nullptr;
  options.threads = -3;
  EXPECT_EQ(
      trit_session_create_from_memory_with_options(model.data(), model.size(), &options, &session),
      TRIT_ERROR_INVALID_ARGUMENT);
  EXPECT_NE(std::string(trit_last_error()).find("threads"), std::string::npos);
}

// Bound buffers (element-aligned only, the arena the caller's, 1 and 2 threads) give the bytes
// of the copying path on fp32 and quantized models.
TEST(CApi, BoundBuffersGiveTheCopyingPathsBytes) {
  struct Case {
    std::string name;
    trit::Graph graph;
  };
  std::vector<Case> cases;
  for (const char* name : {"lenet5", "mlp", "convnet", "resnet20", "mobilenet", "bnn"}) {
    cases.push_back({name, trit::zoo::BuildZooModel(name, 3)});
  }
  const trit::Graph lenet = trit::zoo::BuildLeNet5(3);
  cases.push_back({"lenet5 int8", Compressed(lenet, trit::quant::WeightType::kInt8)});
  cases.push_back({"lenet5 ternary", Compressed(lenet, trit::quant::WeightType::kTernary)});
  cases.push_back({"lenet5 int4", Compressed(lenet, trit::quant::WeightType::kInt4)});
  cases.push_back({"mobilenet int8", Compressed(cases[4].graph, trit::quant::WeightType::kInt8)});
  cases.push_back(
      {"resnet20 binary", Compressed(cases[3].graph, trit::quant::WeightType::kBinary)});

  for (const Case& c : cases) {
    SCOPED_TRACE(c.name);
    const std::vector<uint8_t> model = Bytes(c.graph);
    trit_session* copying = nullptr;
    ASSERT_EQ(trit_session_create_from_memory(model.data(), model.size(), &copying), TRIT_OK)
        << trit_last_error();
    std::vector<std::vector<unsigned char>> inputs, expected;
    for (size_t i = 0; i < trit_session_input_count(copying); ++i) {
      trit_tensor_info info;
      ASSERT_EQ(trit_session_input_info(copying, i, &info), TRIT_OK);
      inputs.push_back(RampInput(info));
      ASSERT_EQ(trit_session_set_input(copying, i, inputs[i].data(), info.bytes), TRIT_OK);
    }
    ASSERT_EQ(trit_session_run(copying), TRIT_OK) << trit_last_error();
    for (size_t i = 0; i < trit_session_output_count(copying); ++i) {
      trit_tensor_info info;
      ASSERT_EQ(trit_session_output_info(copying, i, &info), TRIT_OK);
      expected.emplace_back(info.bytes);
      ASSERT_EQ(trit_session_get_output(copying, i, expected[i].data(), info.bytes), TRIT_OK);
    }
    trit_session_destroy(copying);

    for (const int32_t threads : {1, 2}) {
      SCOPED_TRACE(threads);
      trit_session_options options;
      std::memset(&options, 0, sizeof options);
      options.threads = threads;
      options.defer_arena = 1;
      trit_session* bound = nullptr;
      ASSERT_EQ(trit_session_create_from_memory_with_options(model.data(), model.size(), &options,
                                                             &bound),
                TRIT_OK);
      AlignedBlock arena(trit_session_arena_bytes(bound));
      ASSERT_EQ(trit_session_set_arena(bound, arena.data(), trit_session_arena_bytes(bound)),
                TRIT_OK);
      // Each buffer starts one element past a 64-byte boundary.
      std::vector<std::unique_ptr<AlignedBlock>> blocks;
      std::vector<unsigned char*> outputs;
      for (size_t i = 0; i < inputs.size(); ++i) {
        trit_tensor_info info;
        ASSERT_EQ(trit_session_input_info(bound, i, &info), TRIT_OK);
        const size_t skew = info.dtype == TRIT_F32 || info.dtype == TRIT_I32 ? 4 : 1;
        blocks.push_back(std::make_unique<AlignedBlock>(info.bytes));
        unsigned char* buffer = blocks.back()->data() + skew;
        std::memcpy(buffer, inputs[i].data(), info.bytes);
        ASSERT_EQ(trit_session_bind_input(bound, i, buffer, info.bytes), TRIT_OK)
            << trit_last_error();
        EXPECT_EQ(trit_session_set_input(bound, i, inputs[i].data(), info.bytes),
                  TRIT_ERROR_INVALID_ARGUMENT);
      }
      for (size_t i = 0; i < expected.size(); ++i) {
        trit_tensor_info info;
        ASSERT_EQ(trit_session_output_info(bound, i, &info), TRIT_OK);
        const size_t skew = info.dtype == TRIT_F32 || info.dtype == TRIT_I32 ? 4 : 1;
        blocks.push_back(std::make_unique<AlignedBlock>(info.bytes));
        outputs.push_back(blocks.back()->data() + skew);
        ASSERT_EQ(trit_session_bind_output(bound, i, outputs.back(), info.bytes), TRIT_OK)
            << trit_last_error();
      }
      for (int run = 0; run < 2; ++run) {
        for (size_t i = 0; i < expected.size(); ++i)
          std::memset(outputs[i], 0xEE, expected[i].size());
        ASSERT_EQ(trit_session_run(bound), TRIT_OK) << trit_last_error();
        for (size_t i = 0; i < expected.size(); ++i) {
          EXPECT_EQ(0, std::memcmp(outputs[i], expected[i].data(), expected[i].size()))
              << "output " << i;
        }
      }
      // Unbound again: the copying path on the same session.
      for (size_t i = 0; i < inputs.size(); ++i) {
        ASSERT_EQ(trit_session_bind_input(bound, i, nullptr, 0), TRIT_OK);
        ASSERT_EQ(trit_session_set_input(bound, i, inputs[i].data(), inputs[i].size()), TRIT_OK);
      }
      for (size_t i = 0; i < expected.size(); ++i) {
        ASSERT_EQ(trit_session_bind_output(bound, i, nullptr, 0), TRIT_OK);
      }
      ASSERT_EQ(trit_session_run(bound), TRIT_OK);
      std::vector<unsigned char> copied(expected[0].size());
      ASSERT_EQ(trit_session_get_output(bound, 0, copied.data(), copied.size()), TRIT_OK);
      EXPECT_EQ(copied, expected[0]);
      trit_session_destroy(bound);
    }
  }
}

TEST(CApi, BindingChecksItsBuffer) {
  const std::vector<uint8_t> model = Bytes(trit::zoo::BuildLeNet5(4));
  trit_session* session = nullptr;
  ASSERT_EQ(trit_session_create_from_memory(model.data(), model.size(), &session), TRIT_OK);
  AlignedBlock block(28 * 28 * 4);
  EXPECT_EQ(trit_session_bind_input(session, 0, block.data(), 100), TRIT_ERROR_SHAPE);
  EXPECT_NE(std::string(trit_last_error()).find("input 'input' has 3136 bytes"), std::string::npos)
      << trit_last_error();
  EXPECT_EQ(trit_session_bind_input(session, 0, block.data() + 2, 3136),
            TRIT_ERROR_INVALID_ARGUMENT);
  EXPECT_NE(std::string(trit_last_error()).find("4-byte aligned"), std::string::npos)
      << trit_last_error();
  EXPECT_EQ(trit_session_bind_input(session, 1, block.data(), 3136), TRIT_ERROR_INVALID_ARGUMENT);
  EXPECT_EQ(trit_session_bind_output(session, 0, block.data(), 3136), TRIT_ERROR_SHAPE);
  EXPECT_EQ(trit_session_bind_output(nullptr, 0, block.data(), 40), TRIT_ERROR_INVALID_ARGUMENT);
  trit_session_destroy(session);
}

TEST(CApi, PerChannelQuantizationIsVisible) {
  const trit::Graph graph =
      Compressed(trit::zoo::BuildLeNet5(4), trit::quant::WeightType::kTernary);
  const std::vector<uint8_t> model = Bytes(graph);
  trit_session* session = nullptr;
  ASSERT_EQ(trit_session_create_from_memory(model.data(), model.size(), &session), TRIT_OK);
  int per_channel = 0, ternary = 0, per_tensor = 0;
  for (const trit::Value& value : graph.values()) {
    trit_tensor_info info;
    ASSERT_EQ(trit_session_tensor_info_by_name(session, value.name.c_str(), &info), TRIT_OK)
        << value.name;
    EXPECT_STREQ(info.name, value.name.c_str());
    EXPECT_EQ(static_cast<int>(info.dtype), static_cast<int>(value.dtype)) << value.name;
    EXPECT_EQ(info.bytes, trit::StorageBytes(value.dtype, trit::NumElements(value.shape)));
    EXPECT_EQ(info.quant_axis, value.quant.axis) << value.name;
    ASSERT_EQ(info.quant_count, value.quant.scale.size()) << value.name;
    if (value.quant.empty()) {
      EXPECT_EQ(info.quant_scales, nullptr);
      EXPECT_EQ(info.scale, 0.0f);
      continue;
    }
    EXPECT_EQ(0, std::memcmp(info.quant_scales, value.quant.scale.data(), info.quant_count * 4));
    EXPECT_EQ(0, std::memcmp(info.quant_zero_points, value.quant.zero_point.data(),
                             info.quant_count * 4));
    EXPECT_EQ(info.scale, value.quant.scale[0]);
    if (value.quant.per_channel()) {
      ++per_channel;
      EXPECT_EQ(info.quant_axis, 0) << value.name;  // weights: the output channels
      EXPECT_EQ(static_cast<int64_t>(info.quant_count), info.dims[info.quant_axis]) << value.name;
    } else {
      ++per_tensor;
    }
    if (value.dtype == trit::DType::kTernary) {
      ++ternary;
      ASSERT_NE(info.quant_ternary_pos, nullptr);
      EXPECT_EQ(
          0, std::memcmp(info.quant_ternary_pos, value.quant.ternary_pos.data(), info.quant_count));
      EXPECT_EQ(
          0, std::memcmp(info.quant_ternary_neg, value.quant.ternary_neg.data(), info.quant_count));
    } else {
      EXPECT_EQ(info.quant_ternary_pos, nullptr);
    }
  }
  EXPECT_GT(per_channel, 1);  // the conv and dense weights
  EXPECT_GT(ternary, 0);
  EXPECT_GT(per_tensor, 0);  // the int8 activations
  // An f32 graph input has no quantization parameters.
  trit_tensor_info input;
  ASSERT_EQ(trit_session_input_info(session, 0, &input), TRIT_OK);
  EXPECT_EQ(input.quant_axis, -1);
  EXPECT_EQ(input.quant_count, 0u);
  trit_tensor_info missing;
  EXPECT_EQ(trit_session_tensor_info_by_name(session, "no_such_tensor", &missing),
            TRIT_ERROR_INVALID_ARGUMENT);
  EXPECT_NE(std::string(trit_last_error()).find("no tensor named 'no_such_tensor'"),
            std::string::npos);
  trit_session_destroy(session);
}

TEST(CppWrapper, CallerArenaBindingAndQuantization) {
  const trit::Graph graph = Compressed(trit::zoo::BuildLeNet5(6), trit::quant::WeightType::kInt8);
  const std::vector<uint8_t> model = Bytes(graph);
  trit::Model copying(model.data(), model.size());
  std::vector<float> x(28 * 28);
  for (size_t i = 0; i < x.size(); ++i) x[i] = static_cast<float>(i % 31) / 31.0f;
  copying.SetInput(0, x);
  copying.Run();
  const std::vector<float> expected = copying.Output<float>(0);

  trit_session_options options = {};
  options.threads = 2;
  options.defer_arena = 1;
  trit::Model model_with_arena(model.data(), model.size(), options);
  AlignedBlock arena(model_with_arena.arena_bytes());
  EXPECT_THROW(model_with_arena.SetArena(arena.data(), 64), trit::Exception);
  model_with_arena.SetArena(arena.data(), model_with_arena.arena_bytes());
  std::vector<float> y(expected.size());
  model_with_arena.BindInput(0, x);
  model_with_arena.BindOutput(0, y);
  model_with_arena.Run();
  EXPECT_EQ(y, expected);

  for (const trit::Value& value : graph.values()) {
    if (!value.quant.per_channel()) continue;
    const trit_tensor_info info = model_with_arena.tensor_info(value.name);
    EXPECT_EQ(trit::QuantScales(info), value.quant.scale);
    EXPECT_EQ(trit::QuantZeroPoints(info), value.quant.zero_point);
  }
  EXPECT_THROW(model_with_arena.tensor_info("nope"), trit::Exception);
}

TEST(CppWrapper, RaiiAndExceptions) {
  const std::string path = WriteLeNet();
  trit::Model model(path);
  model.SetInput(0, std::vector<float>(28 * 28, 0.1f));
  model.Run();
  EXPECT_EQ(model.Output<float>(0).size(), 10u);
  try {
    model.SetInput(0, std::vector<float>(3));
    FAIL();
  } catch (const trit::Exception& e) {
    EXPECT_EQ(e.status(), TRIT_ERROR_SHAPE);
  }
  EXPECT_THROW(trit::Model("/nonexistent.trit"), trit::Exception);
}

}  // namespace
