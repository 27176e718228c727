// The recurrent cells and StructuredDense in LibTorch agree with the trit runtime for every cell
// and structure, their gradients reach every structured part, QAT's int8 forward pass is the
// exported model's, and fp32 pruning leaves exactly the asked sparsity.
#include "train/recurrent_ops.h"

#include <gtest/gtest.h>

#include <cstring>

#include "core/error.h"
#include "quant/calibration.h"
#include "quant/compress.h"
#include "runtime/session.h"
#include "train/qat_graph.h"
#include "train/structured_ops.h"
#include "train/torch_graph.h"
#include "zoo/graph_builder.h"

namespace trit::train {
namespace {

Graph RecurrentModel(OpType cell, MatrixStructure w, MatrixStructure u, double compression,
                     const std::string& direction, bool sequence) {
  zoo::GraphBuilder b(3);
  ValueId x = b.Input({1, 6, 4, 2});  // 6 steps of 8 features
  zoo::RecurrentSpec spec;
  spec.cell = cell;
  spec.hidden = 16;
  spec.direction = direction;
  spec.output_sequence = sequence;
  const int64_t gates = cell == OpType::kLstm ? 4 : cell == OpType::kGru ? 3 : 1;
  // Dense: the whole [gates * 16, cols] matrix; any other structure: per gate.
  const auto shape = [&](MatrixStructure m, int64_t cols) {
    const bool dense = m == MatrixStructure::kDense;
    return zoo::ChooseStructuredShape(m, dense ? gates * 16 : 16, cols, dense ? 1 : compression);
  };
  spec.w = shape(w, 8);
  spec.u = shape(u, 16);
  x = b.Recurrent(x, spec);
  // And a StructuredDense of the same structure as U.
  const int64_t features = b.shape(x).back();
  x = b.StructuredDense(
      x, 12,
      zoo::ChooseStructuredShape(u, 12, features, u == MatrixStructure::kDense ? 1 : compression));
  return b.Finish(b.Dense(x, 5));
}

TEST(RecurrentOps, LibTorchMatchesTheRuntimeForEveryCellAndStructure) {
  torch::manual_seed(0);
  const OpType cells[] = {OpType::kLstm, OpType::kGru, OpType::kFastRnn, OpType::kFastGrnn};
  const MatrixStructure structures[] = {MatrixStructure::kDense, MatrixStructure::kLowRank,
                                        MatrixStructure::kKronecker,
                                        MatrixStructure::kHybridKronecker, MatrixStructure::kHmd};
  int index = 0;
  for (const OpType cell : cells) {
    for (const MatrixStructure structure : structures) {
      const std::string direction = index % 3 == 0   ? "bidirectional"
                                    : index % 3 == 1 ? "reverse"
                                                     : "forward";
      const bool sequence = index++ % 2 == 0;
      Graph graph = RecurrentModel(cell, structure, structure, 2.0, direction, sequence);
      // An LSTM that outputs its last state outputs the cell state c instead of h.
      for (Node& node : graph.nodes()) {
        if (node.op == OpType::kLstm && !sequence) node.attrs.Set("output_cell_state", int64_t{1});
      }
      auto session = runtime::Session::FromGraph(graph);
      const torch::Tensor input = torch::rand({1, 6, 4, 2}) * 2 - 1;
      std::memcpy(session->input_data(0), input.data_ptr<float>(), session->input_bytes(0));
      session->Run();
      TorchGraph module(graph);
      module.eval();
      torch::NoGradGuard no_grad;
      const torch::Tensor expected = module.forward(input).contiguous();
      ASSERT_EQ(static_cast<size_t>(expected.numel()) * 4, session->output_bytes(0));
      const auto* ours = static_cast<const float*>(session->output_data(0));
      for (int64_t i = 0; i < expected.numel(); ++i) {
        EXPECT_NEAR(ours[i], expected.data_ptr<float>()[i], 1e-4)
            << OpTypeName(cell) << " " << MatrixStructureName(structure) << " " << direction;
      }
    }
  }
}

TEST(RecurrentOps, GradientsReachEveryStructuredPart) {
  for (const MatrixStructure s : {MatrixStructure::kKronecker, MatrixStructure::kHybridKronecker,
                                  MatrixStructure::kHmd, MatrixStructure::kLowRank}) {
    TorchGraph module(RecurrentModel(OpType::kLstm, s, s, 2.0, "forward", false));
    module.train();
    module.forward(torch::rand({3, 6, 4, 2})).pow(2).mean().backward();
    for (const auto& p : module.parameters()) {
      ASSERT_TRUE(p.grad().defined()) << MatrixStructureName(s);
      EXPECT_GT(p.grad().abs().sum().item<float>(), 0.0f) << MatrixStructureName(s);
    }
  }
}

TEST(RecurrentOps, PruningLeavesExactlyTheAskedSparsity) {
  const Graph graph = RecurrentModel(OpType::kGru, MatrixStructure::kDense, MatrixStructure::kDense,
                                     1.0, "forward", false);
  TorchGraph module(graph);
  module.PruneRecurrent(0.75);
  module.BeginStep(0.3);  // part of the way: some zeros already
  const Graph exported = module.ExportGraph();
  int checked = 0;
  for (const Node& node : exported.nodes()) {
    if (node.op != OpType::kGru) continue;
    for (const size_t i : {size_t{1}, size_t{2}}) {  // W and U
      const Value& v = exported.value(node.inputs[i]);
      const auto* data = v.data->as<float>();
      const int64_t count = NumElements(v.shape);
      EXPECT_EQ(std::count(data, data + count, 0.0f), count * 3 / 4) << v.name;
      ++checked;
    }
  }
  EXPECT_EQ(checked, 2);
  // A model without a dense recurrent matrix cannot be pruned this way.
  TorchGraph kron(RecurrentModel(OpType::kGru, MatrixStructure::kKronecker,
                                 MatrixStructure::kKronecker, 2.0, "forward", false));
  EXPECT_THROW(kron.PruneRecurrent(0.5), Error);
}

}  // namespace
}  // namespace trit::train

namespace trit::train {
namespace {

// Quantization-aware training of int8 cells: LibTorch's fake-quantized forward pass is what the
// runtime computes on the exported int8 graph (up to the vectorized nonlinearities and float
// sums), and gradients reach the latent parts.
TEST(RecurrentOps, QatMatchesTheExportedInt8Model) {
  torch::manual_seed(1);
  for (const MatrixStructure s : {MatrixStructure::kDense, MatrixStructure::kKronecker,
                                  MatrixStructure::kHmd, MatrixStructure::kLowRank}) {
    const Graph graph = RecurrentModel(OpType::kLstm, s, s, 2.0, "forward", false);
    const torch::Tensor calib = torch::rand({16, 6, 4, 2});
    quant::CompressOptions options;
    options.weights.type = quant::WeightType::kInt8;
    quant::QuantPlan plan;
    quant::ApplyLayerOptions(graph, options, plan);
    quant::ApplyActivationStats(
        quant::CollectActivationStats(graph, calib.data_ptr<float>(), calib.size(0)), options,
        plan);
    QatGraph qat(graph, plan, {});
    qat.train();
    qat.forward(calib).pow(2).mean().backward();
    int latent = 0;
    for (const auto& item : qat.named_parameters()) {
      if (item.key().rfind("r", 0) != 0) continue;
      ++latent;
      EXPECT_GT(item.value().grad().abs().sum().item<float>(), 0.0f)
          << MatrixStructureName(s) << " " << item.key();
    }
    EXPECT_GT(latent, 0) << MatrixStructureName(s);
    qat.eval();
    torch::NoGradGuard no_grad;
    const torch::Tensor theirs = qat.forward(calib).contiguous();
    auto session = runtime::Session::FromGraph(qat.ExportGraph());
    for (int64_t i = 0; i < calib.size(0); ++i) {
      const torch::Tensor x = calib[i].contiguous();
      std::memcpy(session->input_data(0), x.data_ptr<float>(), session->input_bytes(0));
      session->Run();
      const auto* ours = static_cast<const float*>(session->output_data(0));
      for (int64_t k = 0; k < theirs.size(1); ++k) {
        EXPECT_NEAR(ours[k], theirs[i][k].item<float>(), 2e-2) << MatrixStructureName(s);
      }
    }
  }
}

}  // namespace
}  // namespace trit::train
