#include "core/op_def.h"

#include <gtest/gtest.h>

#include <set>
#include <string>

#include "core/error.h"
#include "core/graph.h"

namespace trit {
namespace {

std::set<OpType> OpsWhere(bool (*predicate)(const OpDef&)) {
  std::set<OpType> ops;
  for (const OpDef& def : AllOpDefs()) {
    if (predicate(def)) ops.insert(def.op);
  }
  return ops;
}

TEST(OpDef, EveryOpHasACompleteRowAtItsIndex) {
  ASSERT_EQ(AllOpDefs().size(), static_cast<size_t>(kNumOpTypes));
  std::set<std::string_view> names;
  for (int i = 0; i < kNumOpTypes; ++i) {
    const auto op = static_cast<OpType>(i);
    const OpDef& def = GetOpDef(op);
    EXPECT_EQ(def.op, op) << i;
    EXPECT_FALSE(def.name.empty()) << i;
    EXPECT_TRUE(names.insert(def.name).second) << def.name << " names two ops";
    EXPECT_EQ(ParseOpType(OpTypeName(op)), op) << def.name;
    EXPECT_NE(def.infer_shape, nullptr) << def.name;
    EXPECT_NE(def.check_types, nullptr) << def.name;
    EXPECT_LE(def.min_inputs, def.max_inputs) << def.name;
    for (const AttrDef& attr : def.attrs) EXPECT_FALSE(attr.name.empty()) << def.name;
  }
}

// .trit files store each node's op number and name and the reader checks that they agree, so
// both must stay what files already hold.
TEST(OpDef, NamesAreTheOnesStoredInFiles) {
  const char* const kStoredNames[] = {
      "Conv2D",     "Dense",     "MaxPool",    "AvgPool",     "GlobalAvgPool",
      "Add",        "Mul",       "Concat",     "Reshape",     "Flatten",
      "Relu",       "Clip",      "Sigmoid",    "Tanh",        "Softmax",
      "BatchNorm",  "Quantize",  "Dequantize", "Pad",         "Dropout",
      "Binarize",   "Sub",       "Div",        "Pow",         "Sqrt",
      "ReduceMean", "Transpose", "MatMul",     "HardSigmoid", "HardSwish",
      "LSTM",       "GRU",       "FastRNN",    "FastGRNN",    "StructuredDense",
      "Silu",       "Erf",       "Gelu",       "LayerNorm",   "Exp",
      "Min",        "Max",       "Softplus",   "Mish"};
  ASSERT_EQ(std::size(kStoredNames), static_cast<size_t>(kNumOpTypes));
  for (int i = 0; i < kNumOpTypes; ++i) {
    EXPECT_EQ(OpTypeName(static_cast<OpType>(i)), kStoredNames[i]) << i;
  }
}

TEST(OpDef, UnknownOpTypes) {
  const auto unknown = static_cast<OpType>(kNumOpTypes);
  EXPECT_FALSE(IsKnownOpType(unknown));
  EXPECT_EQ(OpTypeName(unknown), "invalid");
  EXPECT_EQ(ParseOpType("Conv"), std::nullopt);
  EXPECT_EQ(ParseOpType("invalid"), std::nullopt);
  try {
    GetOpDef(unknown);
    FAIL();
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::kInvalidGraph);
  }
  Graph g;
  const ValueId x = g.AddInput("x", DType::kF32, {1, 4});
  g.MarkOutput(g.AddNode(unknown, "node", {x}));
  try {
    g.InferShapes();
    FAIL();
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::kShape);
    EXPECT_STREQ(e.what(), "node 'node' (invalid): unknown op");
  }
}

// The sets the quantizer and shape inference listed before the table.
TEST(OpDef, QuantRulesMatchTheQuantizersLists) {
  EXPECT_EQ(OpsWhere([](const OpDef& d) { return InheritsInputQuantParams(d.op); }),
            (std::set<OpType>{OpType::kMaxPool, OpType::kReshape, OpType::kFlatten,
                              OpType::kDropout, OpType::kPad, OpType::kRelu, OpType::kClip,
                              OpType::kConcat, OpType::kTranspose}));
  EXPECT_EQ(OpsWhere([](const OpDef& d) { return d.quant == QuantRule::kJoinsInputs; }),
            (std::set<OpType>{OpType::kConcat}));
  EXPECT_EQ(OpsWhere([](const OpDef& d) { return d.quant == QuantRule::kRequantizes; }),
            (std::set<OpType>{
                OpType::kAvgPool,     OpType::kGlobalAvgPool, OpType::kAdd,  OpType::kSub,
                OpType::kMul,         OpType::kSigmoid,       OpType::kTanh, OpType::kBatchNorm,
                OpType::kHardSigmoid, OpType::kHardSwish,     OpType::kSilu, OpType::kErf,
                OpType::kGelu,        OpType::kLayerNorm,     OpType::kExp,  OpType::kMin,
                OpType::kMax,         OpType::kSoftplus,      OpType::kMish, OpType::kSoftmax,
                OpType::kDiv,         OpType::kMatMul}));
  EXPECT_EQ(OpsWhere([](const OpDef& d) { return d.quant == QuantRule::kQuantizedWeights; }),
            (std::set<OpType>{OpType::kConv2D, OpType::kDense}));
  EXPECT_EQ(OpsWhere([](const OpDef& d) { return d.quant == QuantRule::kStructuredWeights; }),
            (std::set<OpType>{OpType::kLstm, OpType::kGru, OpType::kFastRnn, OpType::kFastGrnn,
                              OpType::kStructuredDense}));
  EXPECT_EQ(OpsWhere([](const OpDef& d) { return d.alias; }),
            (std::set<OpType>{OpType::kReshape, OpType::kFlatten, OpType::kDropout}));
}

TEST(OpDef, InputCountComesFromTheTable) {
  Graph g;
  const ValueId x = g.AddInput("x", DType::kF32, {1, 4});
  g.MarkOutput(g.AddNode(OpType::kRelu, "relu", {x, x}));
  try {
    g.InferShapes();
    FAIL();
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::kShape);
    EXPECT_STREQ(e.what(), "node 'relu' (Relu): takes 1 inputs, has 2");
  }
  Graph dense;
  const ValueId y = dense.AddInput("x", DType::kF32, {1, 4});
  dense.MarkOutput(dense.AddNode(OpType::kDense, "fc", {y}));
  try {
    dense.InferShapes();
    FAIL();
  } catch (const Error& e) {
    EXPECT_STREQ(e.what(), "node 'fc' (Dense): takes 2 to 3 inputs, has 1");
  }
}

// Dense's activation is read by the runtime, not by shape inference: Validate names the node.
TEST(OpDef, ValidateChecksDeclaredAttributeKinds) {
  Graph g;
  const ValueId x = g.AddInput("x", DType::kF32, {1, 4});
  const ValueId w =
      g.AddConstant("w", DType::kF32, {2, 4}, Buffer::FromVector(std::vector<float>(8, 1.0f)));
  g.MarkOutput(g.AddNode(OpType::kDense, "fc", {x, w},
                         {{"activation", int64_t{1}}, {"not_declared", 2.0f}}));
  g.InferShapes();
  try {
    g.Validate();
    FAIL();
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::kInvalidGraph);
    EXPECT_STREQ(e.what(), "node 'fc' (Dense): attribute 'activation' must be of type string");
  }
  g.nodes()[0].attrs.Set("activation", std::string("relu"));
  g.Validate();  // attributes the row does not declare are left alone
}

}  // namespace
}  // namespace trit
