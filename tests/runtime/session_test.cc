#include "runtime/session.h"

#include <gtest/gtest.h>

#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <functional>
#include <span>
#include <vector>

#include "core/error.h"
#include "format/model_file.h"
#include "format/tensor_encoding.h"
#include "quant/compress.h"
#include "zoo/zoo.h"

namespace trit::runtime {
namespace {

TEST(Session, EveryZooModelPlansWithinTheLowerBoundAndRuns) {
  for (const auto& model : zoo::ZooModels()) {
    if (model.name == "alexnet") continue;  // 244 MB of weights; its count is checked in zoo tests
    auto session = Session::FromGraph(model.build(1));
    EXPECT_GT(session->arena_bytes(), 0u) << model.name;
    EXPECT_LE(session->arena_bytes(), session->arena_lower_bound()) << model.name;
    if (model.name == "lenet5" || model.name == "mlp" || model.name == "resnet20") {
      std::memset(session->input_data(0), 0, session->input_bytes(0));
      session->Run();
      EXPECT_EQ(session->profile().front().runs, 1u) << model.name;
    }
  }
}

TEST(Session, ReshapeAndFlattenShareTheirInputsBytes) {
  Graph g;
  const ValueId x = g.AddInput("x", DType::kF32, {1, 2, 2, 3});
  const ValueId relu = g.AddNode(OpType::kRelu, "relu", {x});
  const ValueId flat = g.AddNode(OpType::kFlatten, "flat", {relu});
  g.MarkOutput(
      g.AddNode(OpType::kReshape, "reshape", {flat}, {{"shape", std::vector<int64_t>{3, 4}}}));
  auto session = Session::FromGraph(std::move(g));
  float* in = static_cast<float*>(session->input_data(0));
  for (int i = 0; i < 12; ++i) in[i] = static_cast<float>(i - 6);
  session->Run();
  const float* out = static_cast<const float*>(session->output_data(0));
  for (int i = 0; i < 12; ++i) EXPECT_EQ(out[i], std::max(0.0f, static_cast<float>(i - 6)));
  EXPECT_EQ(session->profile().size(), 1u);  // only the Relu runs
  EXPECT_EQ(session->kernel_name(1), "ref_flatten_alias");
}

TEST(Session, FileAndGraphGiveTheSameOutputs) {
  const Graph graph = zoo::BuildLeNet5(9);
  const std::string path =
      (std::filesystem::temp_directory_path() / "trit_session_lenet.trit").string();
  format::WriteModelFile(graph, path);
  auto from_file = Session::FromFile(path);
  auto from_graph = Session::FromGraph(graph);
  for (Session* s : {from_file.get(), from_graph.get()}) {
    float* in = static_cast<float*>(s->input_data(0));
    for (size_t i = 0; i < s->input_bytes(0) / 4; ++i) in[i] = static_cast<float>(i % 17) / 17.0f;
    s->Run();
  }
  EXPECT_EQ(0, std::memcmp(from_file->output_data(0), from_graph->output_data(0),
                           from_file->output_bytes(0)));
  std::filesystem::remove(path);
}

// A 64-byte aligned heap block for the tests' caller-owned arenas and buffers.
struct AlignedBlock {
  explicit AlignedBlock(size_t bytes)
      : data(static_cast<std::byte*>(std::aligned_alloc(64, (bytes + 64) / 64 * 64))),
        size((bytes + 64) / 64 * 64) {}
  ~AlignedBlock() { std::free(data); }
  std::byte* data;
  size_t size;
};

void FillRamp(Session& session) {
  float* in = static_cast<float*>(session.input_data(0));
  for (size_t i = 0; i < session.input_bytes(0) / 4; ++i) in[i] = static_cast<float>(i % 13) / 13;
}

std::string ErrorOf(const std::function<void()>& body, ErrorCode expected) {
  try {
    body();
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), expected) << e.what();
    return e.what();
  }
  ADD_FAILURE() << "no error";
  return {};
}

TEST(Session, CallerArenaGivesTheSameOutputsAndIsLeftUntouchedWhenRefused) {
  const Graph graph = zoo::BuildLeNet5(3);
  auto owned = Session::FromGraph(graph);
  FillRamp(*owned);
  owned->Run();
  const size_t needed = owned->arena_bytes();

  // One step, the arena given at load: too small, then misaligned, then right.
  AlignedBlock block(needed + 64);
  std::memset(block.data, 0xA5, block.size);
  SessionOptions options;
  options.arena = {block.data, needed - 64};
  std::string message =
      ErrorOf([&] { Session::FromGraph(graph, options); }, ErrorCode::kInvalidArgument);
  EXPECT_NE(message.find("arena of " + std::to_string(needed - 64) + " bytes is too small"),
            std::string::npos)
      << message;
  EXPECT_NE(message.find("needs " + std::to_string(needed) + " bytes"), std::string::npos);
  options.arena = {block.data + 16, needed};
  message = ErrorOf([&] { Session::FromGraph(graph, options); }, ErrorCode::kInvalidArgument);
  EXPECT_NE(message.find("64-byte aligned"), std::string::npos) << message;
  for (size_t i = 0; i < block.size; ++i) ASSERT_EQ(block.data[i], std::byte{0xA5}) << i;

  options.arena = {block.data, needed};
  auto caller = Session::FromGraph(graph, options);
  EXPECT_TRUE(caller->has_arena());
  EXPECT_GE(static_cast<const std::byte*>(caller->output_data(0)), block.data);
  EXPECT_LT(static_cast<const std::byte*>(caller->output_data(0)), block.data + needed);
  FillRamp(*caller);
  caller->Run();
  ASSERT_EQ(caller->output_bytes(0), owned->output_bytes(0));
  EXPECT_EQ(0, std::memcmp(caller->output_data(0), owned->output_data(0), owned->output_bytes(0)));
  for (size_t i = needed; i < block.size; ++i) ASSERT_EQ(block.data[i], std::byte{0xA5}) << i;
}

TEST(Session, DeferredArenaIsSizedFirstThenGiven) {
  const Graph graph = zoo::BuildLeNet5(3);
  auto owned = Session::FromGraph(graph);
  SessionOptions options;
  options.defer_arena = true;
  auto deferred = Session::FromGraph(graph, options);
  EXPECT_FALSE(deferred->has_arena());
  EXPECT_EQ(deferred->arena_bytes(), owned->arena_bytes());
  EXPECT_EQ(deferred->input_data(0), nullptr);
  const std::string message = ErrorOf([&] { deferred->Run(); }, ErrorCode::kInvalidArgument);
  EXPECT_NE(message.find("no arena"), std::string::npos) << message;

  AlignedBlock block(deferred->arena_bytes());
  std::memset(block.data, 0x3C, block.size);
  ErrorOf(
      [&] {
        deferred->SetArena({block.data, deferred->arena_bytes() - 1});
      },
      ErrorCode::kInvalidArgument);
  ErrorOf(
      [&] {
        deferred->SetArena({block.data + 4, deferred->arena_bytes()});
      },
      ErrorCode::kInvalidArgument);
  for (size_t i = 0; i < block.size; ++i) ASSERT_EQ(block.data[i], std::byte{0x3C}) << i;
  EXPECT_FALSE(deferred->has_arena());

  deferred->SetArena({block.data, deferred->arena_bytes()});
  for (Session* s : {owned.get(), deferred.get()}) {
    FillRamp(*s);
    s->Run();
  }
  const auto* expected = static_cast<const std::byte*>(owned->output_data(0));
  const std::vector<std::byte> reference(expected, expected + owned->output_bytes(0));
  EXPECT_EQ(0, std::memcmp(deferred->output_data(0), reference.data(), reference.size()));
  // Taken away: runs fail again, and the block is the caller's to reuse.
  deferred->SetArena({});
  EXPECT_FALSE(deferred->has_arena());
  ErrorOf([&] { deferred->Run(); }, ErrorCode::kInvalidArgument);
  // A session that allocated its arena gives it up for the caller's.
  owned->SetArena({block.data, block.size});
  const auto* output = static_cast<const std::byte*>(owned->output_data(0));
  EXPECT_TRUE(output >= block.data && output < block.data + block.size);
  FillRamp(*owned);
  owned->Run();
  EXPECT_EQ(0, std::memcmp(output, reference.data(), reference.size()));
}

TEST(Session, BoundBuffersAreReadAndWrittenInPlace) {
  auto copying = Session::FromGraph(zoo::BuildLeNet5(5));
  auto bound = Session::FromGraph(zoo::BuildLeNet5(5));
  // Element-aligned only (4 bytes past a 64-byte boundary): kernels may not assume more.
  AlignedBlock in_block(bound->input_bytes(0) + 4), out_block(bound->output_bytes(0) + 4);
  std::byte* in = in_block.data + 4;
  std::byte* out = out_block.data + 4;
  FillRamp(*copying);
  std::memcpy(in, copying->input_data(0), bound->input_bytes(0));
  const std::vector<std::byte> input_copy(in, in + bound->input_bytes(0));
  copying->Run();  // may reuse the input's place in the arena for later tensors
  bound->BindInput(0, {in, bound->input_bytes(0)});
  bound->BindOutput(0, {out, bound->output_bytes(0)});
  EXPECT_TRUE(bound->input_bound(0));
  EXPECT_EQ(bound->input_data(0), in);
  EXPECT_EQ(bound->output_data(0), out);
  bound->Run();
  EXPECT_EQ(0, std::memcmp(out, copying->output_data(0), copying->output_bytes(0)));
  EXPECT_EQ(0, std::memcmp(in, input_copy.data(), input_copy.size()));  // only read

  // Unbound: back to the arena, which the caller fills again.
  bound->BindInput(0, {});
  bound->BindOutput(0, {});
  EXPECT_FALSE(bound->output_bound(0));
  EXPECT_NE(bound->output_data(0), out);
  FillRamp(*bound);
  bound->Run();
  EXPECT_EQ(0,
            std::memcmp(bound->output_data(0), copying->output_data(0), copying->output_bytes(0)));

  ErrorOf([&] { bound->BindInput(0, {in, 12}); }, ErrorCode::kShape);
  ErrorOf(
      [&] {
        bound->BindOutput(0, {out + 1, bound->output_bytes(0)});
      },
      ErrorCode::kInvalidArgument);
  ErrorOf(
      [&] {
        bound->BindOutput(3, {out, bound->output_bytes(0)});
      },
      ErrorCode::kInvalidArgument);
}

// y = Reshape(x) is x's bytes: input and output are one storage.
TEST(Session, AnOutputAliasingAnInputSharesItsBinding) {
  Graph g;
  const ValueId x = g.AddInput("x", DType::kF32, {1, 6});
  g.MarkOutput(g.AddNode(OpType::kReshape, "y", {x}, {{"shape", std::vector<int64_t>{2, 3}}}));
  auto session = Session::FromGraph(std::move(g));
  std::vector<float> a = {1, 2, 3, 4, 5, 6}, b(6, 0.0f);
  auto bytes = [](std::vector<float>& v) {
    return std::span<std::byte>(reinterpret_cast<std::byte*>(v.data()), v.size() * 4);
  };
  session->BindInput(0, bytes(a));
  const std::string message =
      ErrorOf([&] { session->BindOutput(0, bytes(b)); }, ErrorCode::kInvalidArgument);
  EXPECT_NE(message.find("'y' shares its bytes with input 'x'"), std::string::npos) << message;
  session->BindOutput(0, bytes(a));  // the same buffer is fine
  session->Run();
  EXPECT_EQ(session->output_data(0), a.data());

  // Only the output bound: the input's copy lands in the output's buffer.
  session->BindInput(0, {});
  session->BindOutput(0, {});
  session->BindOutput(0, bytes(b));
  EXPECT_EQ(session->input_data(0), b.data());
  std::memcpy(session->input_data(0), a.data(), 24);
  session->Run();
  EXPECT_EQ(b, a);
}

// Relu's output r and Flatten(r) both graph outputs: one storage, one buffer.
TEST(Session, TwoOutputsSharingBytesTakeOneBuffer) {
  Graph g;
  const ValueId x = g.AddInput("x", DType::kF32, {1, 2, 2, 1});
  const ValueId r = g.AddNode(OpType::kRelu, "r", {x});
  g.MarkOutput(r);
  g.MarkOutput(g.AddNode(OpType::kFlatten, "f", {r}));
  auto session = Session::FromGraph(std::move(g));
  std::vector<float> in = {-1, 2, -3, 4}, out(4, 7.0f), other(4);
  session->BindInput(0, std::as_bytes(std::span<const float>(in)));
  session->BindOutput(0, std::as_writable_bytes(std::span<float>(out)));
  const std::string message =
      ErrorOf([&] { session->BindOutput(1, std::as_writable_bytes(std::span<float>(other))); },
              ErrorCode::kInvalidArgument);
  EXPECT_NE(message.find("output 'f' shares its bytes with output 'r'"), std::string::npos)
      << message;
  session->BindOutput(1, std::as_writable_bytes(std::span<float>(out)));
  session->Run();
  EXPECT_EQ(out, (std::vector<float>{0, 2, 0, 4}));
  EXPECT_EQ(session->output_data(1), out.data());
}

TEST(Session, AConstantOutputCannotBeBound) {
  Graph g;
  const ValueId x = g.AddInput("x", DType::kF32, {1, 2});
  g.MarkOutput(g.AddNode(OpType::kRelu, "r", {x}));
  const std::vector<float> values = {1.0f, 2.0f};
  g.MarkOutput(g.AddConstant("c", DType::kF32, {1, 2}, Buffer::FromVector(values)));
  auto session = Session::FromGraph(std::move(g));
  std::vector<float> out(2);
  const std::string message =
      ErrorOf([&] { session->BindOutput(1, std::as_writable_bytes(std::span<float>(out))); },
              ErrorCode::kInvalidArgument);
  EXPECT_NE(message.find("constant 'c'"), std::string::npos) << message;
}

// A file's entropy-coded weights are decoded when a kernel first packs them, and freed once
// packed: the session's graph keeps their names and shapes, not their bytes, and runs as a
// session on the caller's graph (which keeps its bytes) does.
TEST(Session, PackedWeightsAreDecodedLateAndFreedOnceLoaded) {
  const Graph fp32 = zoo::BuildLeNet5(2);
  std::vector<float> calib(
      static_cast<size_t>(2 * NumElements(fp32.value(fp32.inputs()[0]).shape)));
  for (size_t i = 0; i < calib.size(); ++i) calib[i] = static_cast<float>(i % 29) / 29.0f;
  quant::CompressOptions options;
  options.weights.type = quant::WeightType::kTernary;
  const Graph ternary = quant::Compress(fp32, 1, options, calib.data(), 2).compressed;
  const std::string path =
      (std::filesystem::temp_directory_path() / "trit_session_ternary.trit").string();
  format::WriteModelFile(ternary, path);

  const format::ModelFile file = format::ReadModelFile(path);
  int deferred = 0;
  for (size_t v = 0; v < file.graph.values().size(); ++v) {
    const Value& value = file.graph.values()[v];
    if (!value.is_constant() || format::IsPlainEncoding(file.storage[v].encoding)) continue;
    EXPECT_FALSE(value.data->produced()) << value.name;
    EXPECT_EQ(0,
              std::memcmp(value.data->data(), ternary.values()[v].data->data(), value.data->size()))
        << value.name;
    EXPECT_TRUE(value.data->produced()) << value.name;
    ++deferred;
  }
  EXPECT_GT(deferred, 0);

  auto from_file = Session::FromFile(path);
  auto from_graph = Session::FromGraph(ternary);
  int freed = 0;
  for (const NodeId id : from_file->graph().TopologicalOrder()) {
    const Node& node = from_file->graph().node(id);
    if (node.op != OpType::kConv2D && node.op != OpType::kDense) continue;
    if (from_file->kernel_name(id).starts_with("ref_")) continue;
    const Value& weights = from_file->graph().value(node.inputs[1]);
    EXPECT_TRUE(weights.data->empty()) << node.name;
    EXPECT_EQ(weights.shape, ternary.value(node.inputs[1]).shape) << node.name;
    EXPECT_FALSE(ternary.value(node.inputs[1]).data->empty()) << node.name;
    ++freed;
  }
  EXPECT_GT(freed, 0);
  for (Session* s : {from_file.get(), from_graph.get()}) {
    for (size_t i = 0; i < s->input_bytes(0); ++i)
      static_cast<uint8_t*>(s->input_data(0))[i] = static_cast<uint8_t>(i * 7);
    s->Run();
  }
  EXPECT_EQ(0, std::memcmp(from_file->output_data(0), from_graph->output_data(0),
                           from_file->output_bytes(0)));
  std::filesystem::remove(path);
}

TEST(Session, UnsupportedCombinationNamesTheNode) {
  Graph g;
  const ValueId x = g.AddInput("x", DType::kI8, {1, 4}, QuantParams::PerTensor(0.1f, 0));
  const ValueId y =
      g.AddValue(Value{"y", DType::kU8, {}, QuantParams::PerTensor(0.2f, 0), std::nullopt});
  g.AddNodeWithOutputs(Node{
      OpType::kReshape, "reshape_changing_type", {x}, {y}, {{"shape", std::vector<int64_t>{4}}}});
  g.MarkOutput(y);
  try {
    Session::FromGraph(std::move(g));
    FAIL();
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::kUnsupported);
    EXPECT_NE(std::string(e.what()).find("reshape_changing_type"), std::string::npos);
  }
}

}  // namespace
}  // namespace trit::runtime
