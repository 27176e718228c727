// StructuredDense: every structure (and a pruned dense matrix, which runs as sparse rows), batch
// shape and activation, at every ISA level, against a double-precision evaluation of the
// materialized matrix; int8 weights against the reference integer product bit for bit; malformed
// nodes get one-line errors.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <random>
#include <string>
#include <vector>

#include "core/error.h"
#include "core/structured_layout.h"
#include "isa_levels.h"
#include "kernels/isa.h"
#include "kernels/ref/structured_matrix.h"
#include "kernels/ref/structured_matrix_q8.h"
#include "quant/structured_weights.h"
#include "runtime/ops/structured_product.h"
#include "runtime/session.h"
#include "zoo/graph_builder.h"
#include "zoo/structured_shape.h"

namespace trit {
namespace {

constexpr MatrixStructure kStructures[] = {
    MatrixStructure::kDense, MatrixStructure::kLowRank, MatrixStructure::kKronecker,
    MatrixStructure::kHybridKronecker, MatrixStructure::kHmd};
constexpr const char* kActivations[] = {"none", "relu", "relu6"};

// One StructuredDense node on an input of `input` shape; `pruned` zeroes 97% of a dense W.
Graph Model(MatrixStructure structure, const Shape& input, int64_t units, uint64_t seed,
            const std::string& activation, bool pruned) {
  zoo::GraphBuilder b(seed);
  const ValueId x = b.Input(input);
  const double compression = structure == MatrixStructure::kDense ? 1.0 : 3.0;
  const zoo::StructuredShape shape =
      zoo::ChooseStructuredShape(structure, units, input.back(), compression, 2);
  Graph g = b.Finish(b.StructuredDense(x, units, shape));
  Node& node = g.nodes().back();
  node.attrs.Set("activation", activation);
  if (pruned) {
    Value& w = g.value(node.inputs[1]);
    std::vector<float> values(w.data->as<float>(), w.data->as<float>() + NumElements(w.shape));
    for (size_t i = 0; i < values.size(); ++i) {
      if (i % 32 != 0) values[i] = 0.0f;
    }
    w.data = Buffer::FromVector(values);
  }
  // Scale the bias so that the activations clip some outputs.
  Value& bias = g.value(node.inputs.back());
  std::vector<float> b_values(static_cast<size_t>(bias.shape[0]));
  std::mt19937 rng(static_cast<uint32_t>(seed));
  std::uniform_real_distribution<float> value(-4.0f, 8.0f);
  for (float& v : b_values) v = value(rng);
  bias.data = Buffer::FromVector(b_values);
  return g;
}

float Activate(double v, const std::string& activation) {
  if (activation == "relu") return static_cast<float>(std::max(v, 0.0));
  if (activation == "relu6") return static_cast<float>(std::clamp(v, 0.0, 6.0));
  return static_cast<float>(v);
}

std::vector<float> RunAt(const Graph& g, Isa isa, const std::vector<float>& x,
                         std::string* kernel) {
  const ForcedIsa forced(isa);
  auto session = runtime::Session::FromGraph(g);
  std::memcpy(session->input_data(0), x.data(), x.size() * sizeof(float));
  session->Run();
  if (kernel)
    *kernel = std::string(session->kernel_name(static_cast<NodeId>(g.nodes().size() - 1)));
  const auto* y = static_cast<const float*>(session->output_data(0));
  return std::vector<float>(y, y + NumElements(g.value(g.outputs()[0]).shape));
}

TEST(StructuredDense, EveryStructureMatchesItsMaterializedMatrixAtEveryIsaLevel) {
  const uint32_t seed = std::random_device{}();
  std::mt19937 rng(seed);
  std::uniform_real_distribution<float> value(-1.0f, 1.0f);
  int trial = 0;
  for (const MatrixStructure structure : kStructures) {
    for (const bool pruned : {false, true}) {
      if (pruned && structure != MatrixStructure::kDense) continue;
      for (const Shape& input : {Shape{1, 48}, Shape{3, 48}, Shape{2, 3, 48}}) {
        const std::string activation = kActivations[trial % 3];
        const Graph g =
            Model(structure, input, 64, seed + static_cast<uint32_t>(trial++), activation, pruned);
        const Node& node = g.nodes().back();
        const StructuredDenseLayout layout = ParseStructuredDenseLayout(g, node);
        const std::vector<float> m =
            ref::MaterializeStructured(runtime::StructuredMatrixOf(g, node, layout.w));
        const float* bias = g.value(node.inputs.back()).data->as<float>();
        std::vector<float> x(static_cast<size_t>(NumElements(input)));
        for (float& v : x) v = value(rng);
        const int64_t rows = 64, cols = 48, batch = NumElements(input) / cols;
        std::vector<float> want(static_cast<size_t>(batch * rows));
        for (int64_t b = 0; b < batch; ++b) {
          for (int64_t r = 0; r < rows; ++r) {
            double sum = bias[r];
            for (int64_t c = 0; c < cols; ++c) {
              sum += static_cast<double>(m[static_cast<size_t>(r * cols + c)]) *
                     x[static_cast<size_t>(b * cols + c)];
            }
            want[static_cast<size_t>(b * rows + r)] = Activate(sum, activation);
          }
        }
        for (const Isa isa : IsaLevels()) {
          std::string kernel;
          const std::vector<float> got = RunAt(g, isa, x, &kernel);
          ASSERT_EQ(got.size(), want.size());
          for (size_t i = 0; i < want.size(); ++i) {
            ASSERT_NEAR(got[i], want[i], 1e-4 * (1.0 + std::fabs(want[i])))
                << kernel << " " << ShapeToString(input) << " " << activation << " seed " << seed;
          }
        }
      }
    }
  }
}

TEST(StructuredDense, Int8WeightsMatchTheReferenceIntegerProductBitForBit) {
  const uint32_t seed = std::random_device{}();
  std::mt19937 rng(seed);
  std::uniform_real_distribution<float> value(-1.0f, 1.0f);
  int trial = 0;
  for (const MatrixStructure structure : kStructures) {
    const std::string activation = kActivations[trial % 3];
    Graph g =
        Model(structure, {2, 48}, 64, seed + static_cast<uint32_t>(trial++), activation, false);
    const Graph fp32 = g;
    const Node& node = g.nodes().back();
    const StructuredDenseLayout layout = ParseStructuredDenseLayout(g, node);
    for (size_t i = layout.w.first; i < layout.w.first + layout.w.count; ++i) {
      g.value(node.inputs[i]) = quant::QuantizeStructuredPart(
          fp32.value(node.inputs[i]),
          StructuredPartMayScaleRows(layout.w.structure, i - layout.w.first));
    }
    g.Validate();
    std::vector<float> x(96);
    for (float& v : x) v = value(rng);
    const ref::StructuredMatrixQ8 q8 = *runtime::QuantStructuredMatrixOf(g, node, layout.w);
    std::vector<float> want(128);
    std::vector<char> scratch(static_cast<size_t>(ref::StructuredScratchBytesQ8(q8, 2)) + 64);
    ref::StructuredMatmulQ8(q8, 2, x.data(), want.data(), scratch.data());
    const float* bias = g.value(node.inputs.back()).data->as<float>();
    for (size_t i = 0; i < want.size(); ++i) {
      want[i] = Activate(static_cast<double>(want[i] + bias[i % 64]), activation);
    }
    const std::vector<float> fp32_result = RunAt(fp32, Isa::kRef, x, nullptr);
    for (const Isa isa : IsaLevels()) {
      std::string kernel;
      const std::vector<float> got = RunAt(g, isa, x, &kernel);
      EXPECT_NE(kernel.find("_w8_"), std::string::npos) << kernel;
      ASSERT_EQ(0, std::memcmp(got.data(), want.data(), want.size() * sizeof(float)))
          << kernel << " seed " << seed;
      // And int8 stays near the float layer.
      for (size_t i = 0; i < want.size(); ++i) {
        ASSERT_NEAR(got[i], fp32_result[i], 0.1 * (1.0 + std::fabs(fp32_result[i])))
            << kernel << " seed " << seed;
      }
    }
  }
}

TEST(StructuredDense, MalformedNodesGetOneLineErrors) {
  const Graph good = Model(MatrixStructure::kKronecker, {1, 48}, 64, 3, "none", false);
  const auto expect_shape_error = [](Graph g, const std::string& needle) {
    try {
      g.InferShapes();
      FAIL() << "no error for " << needle;
    } catch (const Error& e) {
      EXPECT_EQ(e.code(), ErrorCode::kShape) << e.what();
      const std::string what = e.what();
      EXPECT_NE(what.find(needle), std::string::npos) << what;
      EXPECT_EQ(what.find('\n'), std::string::npos) << what;
    }
  };
  Graph wrong_factor = good;
  Value& factor = wrong_factor.value(wrong_factor.nodes().back().inputs[1]);
  factor.shape[0] += 1;
  factor.data =
      Buffer::FromVector(std::vector<float>(static_cast<size_t>(NumElements(factor.shape))));
  expect_shape_error(wrong_factor, "do not form a");
  Graph no_bias = good;
  no_bias.nodes().back().inputs.pop_back();
  expect_shape_error(no_bias, "bias");
  Graph parts = good;
  parts.nodes().back().attrs.Set("w_parts", int64_t{1});
  expect_shape_error(parts, "parts");
  Graph structure = good;
  structure.nodes().back().attrs.Set("w_structure", std::string("circulant"));
  EXPECT_THROW(structure.InferShapes(), Error);
}

}  // namespace
}  // namespace trit
