#include "runtime/session.h"

#include <gtest/gtest.h>

#include <cstring>
#include <filesystem>

#include "core/error.h"
#include "format/model_file.h"
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
