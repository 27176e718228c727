#include "core/graph.h"

#include <gtest/gtest.h>

#include "core/error.h"

namespace trit {
namespace {

Buffer Floats(size_t count, float value = 0.5f) {
  return Buffer::FromVector(std::vector<float>(count, value));
}

Graph SmallConvNet() {
  Graph g;
  const ValueId x = g.AddInput("x", DType::kF32, {1, 8, 8, 3});
  const ValueId w = g.AddConstant("w", DType::kF32, {4, 3, 3, 3}, Floats(4 * 27));
  const ValueId b = g.AddConstant("b", DType::kF32, {4}, Floats(4));
  const ValueId c =
      g.AddNode(OpType::kConv2D, "conv", {x, w, b}, {{"pads", std::vector<int64_t>{1, 1, 1, 1}}});
  const ValueId r = g.AddNode(OpType::kRelu, "relu", {c});
  const ValueId p =
      g.AddNode(OpType::kMaxPool, "pool", {r}, {{"kernel", std::vector<int64_t>{2, 2}}});
  const ValueId f = g.AddNode(OpType::kFlatten, "flat", {p});
  const ValueId dw = g.AddConstant("dw", DType::kF32, {10, 64}, Floats(640));
  g.MarkOutput(g.AddNode(OpType::kDense, "fc", {f, dw}));
  return g;
}

TEST(Graph, InferShapesAndValidate) {
  Graph g = SmallConvNet();
  g.InferShapes();
  g.Validate();
  EXPECT_EQ(g.value(*g.FindValue("conv")).shape, (Shape{1, 8, 8, 4}));
  EXPECT_EQ(g.value(*g.FindValue("pool")).shape, (Shape{1, 4, 4, 4}));
  EXPECT_EQ(g.value(*g.FindValue("flat")).shape, (Shape{1, 64}));
  EXPECT_EQ(g.value(g.outputs()[0]).shape, (Shape{1, 10}));
}

TEST(Graph, TopologicalOrderPutsProducersFirst) {
  Graph g;
  const ValueId x = g.AddInput("x", DType::kF32, {1, 4});
  // Nodes added out of order: "b" reads "a", which is added later.
  const ValueId a_out = g.AddValue(Value{"a", DType::kF32, {}, {}, std::nullopt});
  const ValueId b_out = g.AddValue(Value{"b", DType::kF32, {}, {}, std::nullopt});
  g.AddNodeWithOutputs(Node{OpType::kRelu, "b", {a_out}, {b_out}, {}});
  g.AddNodeWithOutputs(Node{OpType::kRelu, "a", {x}, {a_out}, {}});
  g.MarkOutput(b_out);
  const std::vector<NodeId> order = g.TopologicalOrder();
  ASSERT_EQ(order.size(), 2u);
  EXPECT_EQ(g.node(order[0]).name, "a");
  EXPECT_EQ(g.node(order[1]).name, "b");
}

TEST(Graph, CycleIsNamed) {
  Graph g;
  const ValueId a_out = g.AddValue(Value{"a", DType::kF32, {1}, {}, std::nullopt});
  const ValueId b_out = g.AddValue(Value{"b", DType::kF32, {1}, {}, std::nullopt});
  g.AddNodeWithOutputs(Node{OpType::kRelu, "a", {b_out}, {a_out}, {}});
  g.AddNodeWithOutputs(Node{OpType::kRelu, "b", {a_out}, {b_out}, {}});
  g.MarkOutput(b_out);
  try {
    g.TopologicalOrder();
    FAIL() << "cycle not detected";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::kInvalidGraph);
    EXPECT_NE(std::string(e.what()).find("cycle"), std::string::npos);
  }
}

TEST(Graph, ValidateNamesNodeAndProblem) {
  Graph g = SmallConvNet();
  g.InferShapes();
  // A quantized input feeding float weights must be rejected, naming the node.
  g.value(g.inputs()[0]).dtype = DType::kI8;
  g.value(g.inputs()[0]).quant = QuantParams::PerTensor(0.1f, 0);
  try {
    g.Validate();
    FAIL() << "invalid graph accepted";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::kInvalidGraph);
    EXPECT_NE(std::string(e.what()).find("node 'conv'"), std::string::npos) << e.what();
  }
}

TEST(Graph, ValidateRejectsWrongConstantSize) {
  Graph g;
  const ValueId x = g.AddInput("x", DType::kF32, {1, 4});
  const ValueId w = g.AddConstant("w", DType::kF32, {2, 4}, Floats(7));
  g.MarkOutput(g.AddNode(OpType::kDense, "fc", {x, w}));
  g.InferShapes();
  EXPECT_THROW(g.Validate(), Error);
}

TEST(Graph, ValidateRejectsDuplicateNamesAndDoubleWrites) {
  Graph g;
  const ValueId x = g.AddInput("x", DType::kF32, {1, 4});
  const ValueId y = g.AddNode(OpType::kRelu, "relu", {x});
  g.AddNodeWithOutputs(Node{OpType::kRelu, "relu2", {x}, {y}, {}});
  g.MarkOutput(y);
  EXPECT_THROW(g.Validate(), Error);
}

TEST(Graph, ValidateRejectsInvalidTernaryCodes) {
  Graph g;
  const ValueId x = g.AddInput("x", DType::kI8, {1, 4}, QuantParams::PerTensor(0.1f, 0));
  QuantParams wq = QuantParams::PerTensor(0.01f, 0);
  wq.ternary_pos = {1};
  wq.ternary_neg = {1};
  // 4 ternary codes in one byte; code 0b10 is invalid.
  const ValueId w = g.AddConstant("w", DType::kTernary, {1, 4},
                                  Buffer::FromVector(std::vector<uint8_t>{0b10000001}), wq);
  Value out{"fc", DType::kI8, {}, QuantParams::PerTensor(0.1f, 0), std::nullopt};
  const ValueId y = g.AddValue(out);
  g.AddNodeWithOutputs(Node{OpType::kDense, "fc", {x, w}, {y}, {}});
  g.MarkOutput(y);
  g.InferShapes();
  try {
    g.Validate();
    FAIL();
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("ternary"), std::string::npos) << e.what();
  }
}

// Binarize: f32 -> f32 (the float model) or f32/i8/u8 -> binary at scale 1, zero point 0; a
// binary tensor feeds Conv2D, Dense, Reshape, Flatten and Dropout only.
TEST(Graph, BinaryActivations) {
  Graph g;
  const ValueId x = g.AddInput("x", DType::kU8, {1, 4, 4, 8}, QuantParams::PerTensor(0.1f, 3));
  Value bits;
  bits.name = "bits";
  bits.dtype = DType::kBinary;
  const ValueId b = g.AddValue(bits);
  g.AddNodeWithOutputs(Node{OpType::kBinarize, "sign", {x}, {b}, {}});
  const ValueId f = g.AddNode(OpType::kFlatten, "flat", {b});
  g.MarkOutput(f);
  g.InferShapes();
  g.Validate();
  EXPECT_EQ(g.value(b).quant, QuantParams::PerTensor(1.0f, 0));
  EXPECT_EQ(g.value(f).dtype, DType::kBinary);

  Graph relu = g;
  relu.MarkOutput(relu.AddNode(OpType::kRelu, "relu", {b}));
  relu.InferShapes();
  EXPECT_THROW(relu.Validate(), Error);

  Graph shifted = g;
  shifted.value(b).quant = QuantParams::PerTensor(1.0f, 1);
  try {
    shifted.Validate();
    FAIL() << "a binary activation with zero point 1 validated";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("binary activation needs one scale and zero point 0"),
              std::string::npos)
        << e.what();
  }

  Graph to_u8;
  const ValueId y = to_u8.AddInput("y", DType::kF32, {1, 8});
  Value out;
  out.name = "out";
  out.dtype = DType::kU8;
  out.quant = QuantParams::PerTensor(1.0f, 0);
  to_u8.AddNodeWithOutputs(Node{OpType::kBinarize, "sign", {y}, {to_u8.AddValue(out)}, {}});
  to_u8.InferShapes();
  EXPECT_THROW(to_u8.Validate(), Error);
}

TEST(Graph, NodeCostCountsMacsAndParameters) {
  Graph g = SmallConvNet();
  g.InferShapes();
  const NodeCost conv = ComputeNodeCost(g, g.nodes()[0]);
  EXPECT_EQ(conv.macs, 8 * 8 * 4 * 27);
  EXPECT_EQ(conv.parameters, 4 * 27 + 4);
  EXPECT_EQ(conv.weight_bytes, (4 * 27 + 4) * 4);
  const NodeCost fc = ComputeNodeCost(g, g.nodes().back());
  EXPECT_EQ(fc.macs, 640);
}

}  // namespace
}  // namespace trit
