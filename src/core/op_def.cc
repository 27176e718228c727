// The op-definition table: one row per OpType. A missing row, or two rows for one op, is a
// compile error (IndexByOp, core/op_table.h); so is a row without a name, shape function or
// type rule (the static_assert below).
#include "core/op_def.h"

#include <array>
#include <string>

#include "core/error.h"
#include "core/op_dtype_checks.h"
#include "core/op_shapes.h"
#include "core/op_table.h"

namespace trit {
namespace {

using enum AttrKind;

constexpr AttrDef kConv2DAttrs[] = {{"strides", kInts, "[1, 1]"},
                                    {"pads", kInts, "[0, 0, 0, 0]"},
                                    {"dilations", kInts, "[1, 1]"},
                                    {"groups", kInt, "1"},
                                    {"activation", kString, "none"}};
constexpr AttrDef kDenseAttrs[] = {{"activation", kString, "none"}};
constexpr AttrDef kMaxPoolAttrs[] = {
    {"kernel", kInts, ""}, {"strides", kInts, "kernel"}, {"pads", kInts, "[0, 0, 0, 0]"}};
constexpr AttrDef kAvgPoolAttrs[] = {{"kernel", kInts, ""},
                                     {"strides", kInts, "kernel"},
                                     {"pads", kInts, "[0, 0, 0, 0]"},
                                     {"count_include_pad", kInt, "0"}};
constexpr AttrDef kLastAxisAttrs[] = {{"axis", kInt, "-1"}};
constexpr AttrDef kReshapeAttrs[] = {{"shape", kInts, "[]"}};
constexpr AttrDef kFlattenAttrs[] = {{"axis", kInt, "1"}};
constexpr AttrDef kClipAttrs[] = {{"min", kFloat, "-inf"}, {"max", kFloat, "inf"}};
constexpr AttrDef kBatchNormAttrs[] = {{"epsilon", kFloat, "1e-5"},
                                       {"activation", kString, "none"}};
// Add with a fused ReLU / ReLU6 (quant::FoldForInference: a residual block's Add + ReLU).
constexpr AttrDef kAddAttrs[] = {{"activation", kString, "none"}};
constexpr AttrDef kPadAttrs[] = {{"pads", kInts, ""}};
constexpr AttrDef kDropoutAttrs[] = {{"ratio", kFloat, "0.5"}};
constexpr AttrDef kLayerNormAttrs[] = {{"axis", kInt, "-1"}, {"epsilon", kFloat, "1e-5"}};
constexpr AttrDef kGeluAttrs[] = {{"approximate", kString, "none"}};
constexpr AttrDef kReduceMeanAttrs[] = {{"axes", kInts, "[]"}, {"keepdims", kInt, "1"}};
constexpr AttrDef kTransposeAttrs[] = {{"perm", kInts, ""}};
constexpr AttrDef kHardSigmoidAttrs[] = {{"alpha", kFloat, "0.2"}, {"beta", kFloat, "0.5"}};
// The recurrent cells (core/recurrent_layout.h): the attributes all take, then each cell's own.
constexpr AttrDef kRecurrentAttrs[] = {
    {"hidden_size", kInt, ""},         {"direction", kString, "forward"},
    {"output_sequence", kInt, "1"},    {"initial_state", kInt, "0"},
    {"w_structure", kString, "dense"}, {"w_parts", kInt, "the structure's"},
    {"u_structure", kString, "dense"}, {"u_parts", kInt, "the structure's"}};
constexpr AttrDef kLstmOwnAttrs[] = {{"output_cell_state", kInt, "0"}, {"peepholes", kInt, "0"}};
constexpr AttrDef kGruOwnAttrs[] = {{"linear_before_reset", kInt, "0"}};
constexpr AttrDef kFastRnnOwnAttrs[] = {{"activation", kString, "tanh"}};
constexpr AttrDef kStructuredDenseAttrs[] = {{"w_structure", kString, "dense"},
                                             {"w_parts", kInt, "the structure's"},
                                             {"activation", kString, "none"}};

template <size_t A, size_t B>
consteval std::array<AttrDef, A + B> Join(const AttrDef (&a)[A], const AttrDef (&b)[B]) {
  std::array<AttrDef, A + B> joined{};
  for (size_t i = 0; i < A; ++i) joined[i] = a[i];
  for (size_t i = 0; i < B; ++i) joined[A + i] = b[i];
  return joined;
}
constexpr auto kLstmAttrs = Join(kRecurrentAttrs, kLstmOwnAttrs);
constexpr auto kGruAttrs = Join(kRecurrentAttrs, kGruOwnAttrs);
constexpr auto kFastRnnAttrs = Join(kRecurrentAttrs, kFastRnnOwnAttrs);

constexpr int kConcatMaxInputs = 1 << 16;

using enum QuantRule;

constexpr OpDef kRows[] = {
    {.op = OpType::kConv2D,
     .name = "Conv2D",
     .min_inputs = 2,
     .max_inputs = 3,
     .attrs = kConv2DAttrs,
     .infer_shape = InferConv2DShape,
     .check_types = CheckLinearTypes,
     .quant = kQuantizedWeights},
    {.op = OpType::kDense,
     .name = "Dense",
     .min_inputs = 2,
     .max_inputs = 3,
     .attrs = kDenseAttrs,
     .infer_shape = InferDenseShape,
     .check_types = CheckLinearTypes,
     .quant = kQuantizedWeights},
    {.op = OpType::kMaxPool,
     .name = "MaxPool",
     .attrs = kMaxPoolAttrs,
     .infer_shape = InferPoolShape,
     .check_types = CheckSameTypes,
     .quant = kKeepsInputParams},
    {.op = OpType::kAvgPool,
     .name = "AvgPool",
     .attrs = kAvgPoolAttrs,
     .infer_shape = InferPoolShape,
     .check_types = CheckSameTypes,
     .quant = kRequantizes},
    {.op = OpType::kGlobalAvgPool,
     .name = "GlobalAvgPool",
     .infer_shape = InferGlobalAvgPoolShape,
     .check_types = CheckSameTypes,
     .quant = kRequantizes},
    {.op = OpType::kAdd,
     .name = "Add",
     .min_inputs = 2,
     .max_inputs = 2,
     .attrs = kAddAttrs,
     .infer_shape = InferBroadcastShape,
     .check_types = CheckAddTypes,
     .quant = kRequantizes},
    {.op = OpType::kMul,
     .name = "Mul",
     .min_inputs = 2,
     .max_inputs = 2,
     .infer_shape = InferBroadcastShape,
     .check_types = CheckSameTypes,
     .quant = kRequantizes},
    {.op = OpType::kConcat,
     .name = "Concat",
     .max_inputs = kConcatMaxInputs,
     .attrs = kLastAxisAttrs,
     .infer_shape = InferConcatShape,
     .check_types = CheckSameTypes,
     .quant = kJoinsInputs},
    {.op = OpType::kReshape,
     .name = "Reshape",
     .attrs = kReshapeAttrs,
     .infer_shape = InferReshapeShape,
     .check_types = CheckSameTypes,
     .quant = kKeepsInputParams,
     .alias = true},
    {.op = OpType::kFlatten,
     .name = "Flatten",
     .attrs = kFlattenAttrs,
     .infer_shape = InferFlattenShape,
     .check_types = CheckSameTypes,
     .quant = kKeepsInputParams,
     .alias = true},
    {.op = OpType::kRelu,
     .name = "Relu",
     .infer_shape = InferSameShape,
     .check_types = CheckSameTypes,
     .quant = kKeepsInputParams},
    {.op = OpType::kClip,
     .name = "Clip",
     .attrs = kClipAttrs,
     .infer_shape = InferSameShape,
     .check_types = CheckSameTypes,
     .quant = kKeepsInputParams},
    {.op = OpType::kSigmoid,
     .name = "Sigmoid",
     .infer_shape = InferSameShape,
     .check_types = CheckSameTypes,
     .quant = kRequantizes},
    {.op = OpType::kTanh,
     .name = "Tanh",
     .infer_shape = InferSameShape,
     .check_types = CheckSameTypes,
     .quant = kRequantizes},
    {.op = OpType::kSoftmax,
     .name = "Softmax",
     .attrs = kLastAxisAttrs,
     .infer_shape = InferSoftmaxShape,
     .check_types = CheckSameTypes,
     .quant = kRequantizes},
    {.op = OpType::kBatchNorm,
     .name = "BatchNorm",
     .min_inputs = 5,
     .max_inputs = 5,
     .attrs = kBatchNormAttrs,
     .infer_shape = InferBatchNormShape,
     .check_types = CheckBatchNormTypes,
     .quant = kRequantizes},
    {.op = OpType::kQuantize,
     .name = "Quantize",
     .infer_shape = InferSameShape,
     .check_types = CheckQuantizeTypes,
     .quant = kConvertsType},
    {.op = OpType::kDequantize,
     .name = "Dequantize",
     .infer_shape = InferSameShape,
     .check_types = CheckDequantizeTypes,
     .quant = kConvertsType},
    {.op = OpType::kPad,
     .name = "Pad",
     .attrs = kPadAttrs,
     .infer_shape = InferPadShape,
     .check_types = CheckSameTypes,
     .quant = kKeepsInputParams},
    {.op = OpType::kDropout,
     .name = "Dropout",
     .attrs = kDropoutAttrs,
     .infer_shape = InferSameShape,
     .check_types = CheckSameTypes,
     .quant = kKeepsInputParams,
     .alias = true},
    {.op = OpType::kBinarize,
     .name = "Binarize",
     .infer_shape = InferSameShape,
     .check_types = CheckBinarizeTypes,
     .quant = kBinarizes},
    {.op = OpType::kSub,
     .name = "Sub",
     .min_inputs = 2,
     .max_inputs = 2,
     .infer_shape = InferBroadcastShape,
     .check_types = CheckSameTypes,
     .quant = kRequantizes},
    {.op = OpType::kDiv,
     .name = "Div",
     .min_inputs = 2,
     .max_inputs = 2,
     .infer_shape = InferBroadcastShape,
     .check_types = CheckDivTypes,
     .quant = kRequantizes},
    {.op = OpType::kPow,
     .name = "Pow",
     .min_inputs = 2,
     .max_inputs = 2,
     .infer_shape = InferBroadcastShape,
     .check_types = CheckFloatOnlyTypes,
     .quant = kStaysFloat},
    {.op = OpType::kSqrt,
     .name = "Sqrt",
     .infer_shape = InferSameShape,
     .check_types = CheckFloatOnlyTypes,
     .quant = kStaysFloat},
    {.op = OpType::kReduceMean,
     .name = "ReduceMean",
     .attrs = kReduceMeanAttrs,
     .infer_shape = InferReduceMeanShape,
     .check_types = CheckFloatOnlyTypes,
     .quant = kStaysFloat},
    {.op = OpType::kTranspose,
     .name = "Transpose",
     .attrs = kTransposeAttrs,
     .infer_shape = InferTransposeShape,
     .check_types = CheckSameTypes,
     .quant = kKeepsInputParams},
    {.op = OpType::kMatMul,
     .name = "MatMul",
     .min_inputs = 2,
     .max_inputs = 2,
     .infer_shape = InferMatMulShape,
     .check_types = CheckSameTypes,
     .quant = kRequantizes},
    {.op = OpType::kHardSigmoid,
     .name = "HardSigmoid",
     .attrs = kHardSigmoidAttrs,
     .infer_shape = InferSameShape,
     .check_types = CheckSameTypes,
     .quant = kRequantizes},
    {.op = OpType::kHardSwish,
     .name = "HardSwish",
     .infer_shape = InferSameShape,
     .check_types = CheckSameTypes,
     .quant = kRequantizes},
    {.op = OpType::kLstm,
     .name = "LSTM",
     .min_inputs = 0,
     .max_inputs = kInputsCountedByLayout,
     .attrs = kLstmAttrs,
     .infer_shape = InferRecurrentShape,
     .check_types = CheckStructuredTypes,
     .quant = kStructuredWeights},
    {.op = OpType::kGru,
     .name = "GRU",
     .min_inputs = 0,
     .max_inputs = kInputsCountedByLayout,
     .attrs = kGruAttrs,
     .infer_shape = InferRecurrentShape,
     .check_types = CheckStructuredTypes,
     .quant = kStructuredWeights},
    {.op = OpType::kFastRnn,
     .name = "FastRNN",
     .min_inputs = 0,
     .max_inputs = kInputsCountedByLayout,
     .attrs = kFastRnnAttrs,
     .infer_shape = InferRecurrentShape,
     .check_types = CheckStructuredTypes,
     .quant = kStructuredWeights},
    {.op = OpType::kFastGrnn,
     .name = "FastGRNN",
     .min_inputs = 0,
     .max_inputs = kInputsCountedByLayout,
     .attrs = kRecurrentAttrs,
     .infer_shape = InferRecurrentShape,
     .check_types = CheckStructuredTypes,
     .quant = kStructuredWeights},
    {.op = OpType::kStructuredDense,
     .name = "StructuredDense",
     .min_inputs = 0,
     .max_inputs = kInputsCountedByLayout,
     .attrs = kStructuredDenseAttrs,
     .infer_shape = InferStructuredDenseShape,
     .check_types = CheckStructuredTypes,
     .quant = kStructuredWeights},
    {.op = OpType::kSilu,
     .name = "Silu",
     .infer_shape = InferSameShape,
     .check_types = CheckSameTypes,
     .quant = kRequantizes},
    {.op = OpType::kErf,
     .name = "Erf",
     .infer_shape = InferSameShape,
     .check_types = CheckSameTypes,
     .quant = kRequantizes},
    {.op = OpType::kGelu,
     .name = "Gelu",
     .attrs = kGeluAttrs,
     .infer_shape = InferGeluShape,
     .check_types = CheckSameTypes,
     .quant = kRequantizes},
    {.op = OpType::kLayerNorm,
     .name = "LayerNorm",
     .min_inputs = 2,
     .max_inputs = 3,
     .attrs = kLayerNormAttrs,
     .infer_shape = InferLayerNormShape,
     .check_types = CheckBatchNormTypes,
     .quant = kRequantizes},
    {.op = OpType::kExp,
     .name = "Exp",
     .infer_shape = InferSameShape,
     .check_types = CheckSameTypes,
     .quant = kRequantizes},
    {.op = OpType::kMin,
     .name = "Min",
     .min_inputs = 2,
     .max_inputs = 2,
     .infer_shape = InferBroadcastShape,
     .check_types = CheckSameTypes,
     .quant = kRequantizes},
    {.op = OpType::kMax,
     .name = "Max",
     .min_inputs = 2,
     .max_inputs = 2,
     .infer_shape = InferBroadcastShape,
     .check_types = CheckSameTypes,
     .quant = kRequantizes},
    {.op = OpType::kSoftplus,
     .name = "Softplus",
     .infer_shape = InferSameShape,
     .check_types = CheckSameTypes,
     .quant = kRequantizes},
    {.op = OpType::kMish,
     .name = "Mish",
     .infer_shape = InferSameShape,
     .check_types = CheckSameTypes,
     .quant = kRequantizes},
};

constexpr std::array<OpDef, kNumOpTypes> kOpDefs = IndexByOp(kRows);

consteval bool EveryRowHasANameAndInputCounts() {
  for (const OpDef& def : kOpDefs) {
    if (def.name.empty() || def.min_inputs > def.max_inputs) return false;
  }
  return true;
}
static_assert(EveryRowHasANameAndInputCounts(), "every op needs a name and input counts");

// UBSan builds keep null pointer checks, under which GCC cannot compare a function's address
// with null at compile time (TRIT_UBSAN, CMakeLists.txt); the release build checks it, and
// tests/core/op_def_test.cc checks it at run time in every build.
#if !defined(TRIT_UBSAN)
consteval bool EveryRowHasItsFunctions() {
  for (const OpDef& def : kOpDefs) {
    if (def.infer_shape == nullptr || def.check_types == nullptr) return false;
  }
  return true;
}
static_assert(EveryRowHasItsFunctions(), "every op needs a shape function and a type rule");
#endif

}  // namespace

std::string_view AttrKindName(AttrKind kind) {
  switch (kind) {
    case kInt:
      return "int";
    case kFloat:
      return "float";
    case kString:
      return "string";
    case kInts:
      return "int list";
    case kFloats:
      return "float list";
  }
  return "invalid";
}

bool IsKnownOpType(OpType op) { return static_cast<size_t>(op) < kOpDefs.size(); }

const OpDef& GetOpDef(OpType op) {
  if (!IsKnownOpType(op)) {
    throw Error(ErrorCode::kInvalidGraph,
                "unknown op type " + std::to_string(static_cast<int>(op)));
  }
  return kOpDefs[static_cast<size_t>(op)];
}

std::span<const OpDef> AllOpDefs() { return kOpDefs; }

bool InheritsInputQuantParams(OpType op) {
  const QuantRule rule = GetOpDef(op).quant;
  return rule == kKeepsInputParams || rule == kJoinsInputs;
}

}  // namespace trit
