// `trit compress --weights int8` on recurrent models with a StructuredDense layer: W and U of
// every structure, and the dense layer's structured W, become int8 with the scales the IR
// allows, the report counts both, and the int8 model stays close to the fp32 one.
#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <random>

#include "core/error.h"
#include "core/recurrent_layout.h"
#include "quant/compress.h"
#include "runtime/session.h"
#include "zoo/graph_builder.h"

namespace trit::quant {
namespace {

Graph Model(MatrixStructure structure) {
  zoo::GraphBuilder b(11);
  ValueId x = b.Input({1, 8, 6, 1});
  zoo::RecurrentSpec spec;
  spec.hidden = 16;
  const bool dense = structure == MatrixStructure::kDense;
  spec.w = zoo::ChooseStructuredShape(structure, dense ? 64 : 16, 6, dense ? 1.0 : 2.0);
  spec.u = zoo::ChooseStructuredShape(structure, dense ? 64 : 16, 16, dense ? 1.0 : 2.0);
  x = b.Recurrent(x, spec);
  x = b.StructuredDense(x, 8, zoo::ChooseStructuredShape(structure, 8, 16, dense ? 1.0 : 2.0));
  return b.Finish(b.Dense(x, 4));
}

TEST(RecurrentCompress, Int8WeightsForEveryStructure) {
  std::mt19937 rng(3);
  std::uniform_real_distribution<float> value(0.0f, 1.0f);
  std::vector<float> samples(32 * 48);
  for (float& v : samples) v = value(rng);
  for (const MatrixStructure s :
       {MatrixStructure::kDense, MatrixStructure::kLowRank, MatrixStructure::kKronecker,
        MatrixStructure::kHybridKronecker, MatrixStructure::kHmd}) {
    const Graph fp32 = Model(s);
    CompressOptions options;
    options.weights.type = WeightType::kInt8;
    const CompressResult result = Compress(fp32, 0, options, samples.data(), 32);
    const Graph& q = result.compressed;
    int structured = 0;
    for (const Node& node : q.nodes()) {
      const std::vector<StructuredSlot> slots = StructuredSlotsOf(q, node);
      structured += !slots.empty();
      for (const StructuredSlot& slot : slots) {
        for (size_t i = slot.first; i < slot.first + slot.count; ++i) {
          EXPECT_EQ(q.value(node.inputs[i]).dtype, DType::kI8) << MatrixStructureName(s);
        }
      }
    }
    EXPECT_EQ(structured, 2);  // the LSTM and the StructuredDense
    ASSERT_GE(result.report.layers.size(), 2u);
    EXPECT_EQ(result.report.layers[0].op, "LSTM");
    EXPECT_EQ(result.report.layers[1].op, "StructuredDense");
    for (int layer = 0; layer < 2; ++layer) {
      EXPECT_EQ(result.report.layers[layer].weight_type, "i8");
      EXPECT_GT(result.report.layers[layer].weight_sqnr, 30.0) << MatrixStructureName(s);
    }
    // The int8 model's outputs stay near the fp32 model's.
    auto a = runtime::Session::FromGraph(fp32);
    auto b = runtime::Session::FromGraph(q);
    std::memcpy(a->input_data(0), samples.data(), a->input_bytes(0));
    std::memcpy(b->input_data(0), samples.data(), b->input_bytes(0));
    a->Run();
    b->Run();
    const auto* ya = static_cast<const float*>(a->output_data(0));
    const auto* yb = static_cast<const float*>(b->output_data(0));
    for (int i = 0; i < 4; ++i) EXPECT_NEAR(ya[i], yb[i], 0.05) << MatrixStructureName(s);
  }
}

TEST(RecurrentCompress, OtherWeightTypesAreRefusedForCells) {
  std::vector<float> samples(4 * 48, 0.5f);
  CompressOptions options;
  options.weights.type = WeightType::kTernary;
  options.eight_bit_ends = false;
  try {
    Compress(Model(MatrixStructure::kKronecker), 0, options, samples.data(), 4);
    FAIL() << "no error";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("structured weights take int8 or f32"), std::string::npos)
        << e.what();
  }
}

}  // namespace
}  // namespace trit::quant
