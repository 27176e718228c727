// The same graph in our runtime and in LibTorch gives the same fp32 outputs.
#include "train/torch_graph.h"

#include <gtest/gtest.h>

#include <cstring>

#include "runtime/session.h"
#include "zoo/zoo.h"

namespace trit::train {
namespace {

// Tolerance: max |runtime - libtorch| <= 1e-4 * (1 + max |libtorch|). Both compute in f32;
// only the order of the sums differs.
TEST(TorchGraph, MatchesTheRuntimeOnEveryZooModel) {
  torch::manual_seed(0);
  for (const auto& model : zoo::ZooModels()) {
    const Graph graph = model.build(3);
    auto session = runtime::Session::FromGraph(graph);
    const Shape& shape = session->input(0).shape;
    const torch::Tensor input =
        torch::rand(std::vector<int64_t>(shape.begin(), shape.end()), torch::kFloat32);
    std::memcpy(session->input_data(0), input.data_ptr<float>(), session->input_bytes(0));
    session->Run();

    TorchGraph module(graph);
    module.eval();
    torch::NoGradGuard no_grad;
    const torch::Tensor expected = module.forward(input).contiguous();
    ASSERT_EQ(static_cast<size_t>(expected.numel()) * 4, session->output_bytes(0)) << model.name;
    const auto* ours = static_cast<const float*>(session->output_data(0));
    const float* theirs = expected.data_ptr<float>();
    float max_value = 0, max_error = 0;
    for (int64_t i = 0; i < expected.numel(); ++i) {
      max_value = std::max(max_value, std::abs(theirs[i]));
      max_error = std::max(max_error, std::abs(ours[i] - theirs[i]));
    }
    EXPECT_LE(max_error, 1e-4f * (1 + max_value)) << model.name << " max abs error " << max_error;
  }
}

TEST(TorchGraph, ExportWithoutTrainingKeepsEveryByte) {
  const Graph graph = zoo::BuildConvNet(5);
  const Graph exported = TorchGraph(graph).ExportGraph();
  for (size_t v = 0; v < graph.values().size(); ++v) {
    const Value& a = graph.values()[v];
    if (!a.is_constant()) continue;
    const Value& b = exported.values()[v];
    ASSERT_EQ(a.data->size(), b.data->size()) << a.name;
    EXPECT_EQ(0, std::memcmp(a.data->data(), b.data->data(), a.data->size())) << a.name;
  }
}

TEST(TorchGraph, BatchesOfAnySizeAndGradientsReachEveryWeight) {
  TorchGraph module(zoo::BuildResNet(20, 1));
  module.train();
  const torch::Tensor x = torch::rand({4, 32, 32, 3});
  const torch::Tensor loss = module.forward(x).pow(2).mean();
  loss.backward();
  for (const auto& p : module.parameters()) {
    ASSERT_TRUE(p.grad().defined());
  }
  EXPECT_EQ(module.forward(x).sizes(), (std::vector<int64_t>{4, 10}));
}

}  // namespace
}  // namespace trit::train
