// Gemm and MatMul. With a constant right-hand side they become Dense (weights [N, K]), the
// layer every quantizer and kernel of trit handles; otherwise an f32 MatMul of two tensors.
#include "onnx/importer.h"

namespace trit::onnx_import {
namespace {

HostTensor Transpose2D(const HostTensor& t) { return TransposeHost(ToFloatHost(t), {1, 0}); }

HostTensor Scaled(HostTensor t, float factor) {
  for (float& v : t.floats) v *= factor;
  return t;
}

// ONNX MatMul of two tensors in ONNX order (1-D operands promoted and demoted).
ValueId MatMul(NodeContext& node, ValueId a, Shape a_shape, ValueId b, Shape b_shape) {
  const bool a_vector = a_shape.size() == 1, b_vector = b_shape.size() == 1;
  if (a_vector) {
    a_shape = {1, a_shape[0]};
    a = node.Emit(OpType::kReshape, {a}, {{"shape", a_shape}}, "/a_row");
  }
  if (b_vector) {
    b_shape = {b_shape[0], 1};
    b = node.Emit(OpType::kReshape, {b}, {{"shape", b_shape}}, "/b_column");
  }
  if (!a_vector && !b_vector) return node.Emit(OpType::kMatMul, {a, b});
  const ValueId y = node.Emit(OpType::kMatMul, {a, b}, {}, "/matmul");
  Shape out = node.graph().value(y).shape;
  if (b_vector) out.pop_back();
  if (a_vector) out.erase(out.end() - (b_vector ? 1 : 2));
  return node.Emit(OpType::kReshape, {y}, {{"shape", out}});
}

void CheckFloat(NodeContext& node, int i) {
  if (node.HasInput(i) && !node.IsConstant(i) && node.ElemType(i) != onnx::TensorProto::FLOAT) {
    node.Fail("input type " + ElemTypeName(node.ElemType(i)));
  }
}

void MatMulOp(NodeContext& node) {
  CheckFloat(node, 0);
  CheckFloat(node, 1);
  const Shape& a = node.OnnxShape(0);
  const Shape& b = node.OnnxShape(1);
  if (node.IsConstant(0) && node.IsConstant(1)) node.Fail("two constant inputs");
  if (node.IsConstant(1) && b.size() == 2) {
    node.SetOutput(0, EmitDense(node, node.InOnnxLayout(0), a, node.Constant(1, "B"), false, 1.0f,
                                node.LevelsOf(1), nullptr, ""));
    return;
  }
  node.SetOutput(0, MatMul(node, node.InOnnxLayout(0), a, node.InOnnxLayout(1), b));
}

void Gemm(NodeContext& node) {
  for (int i = 0; i < 3; ++i) CheckFloat(node, i);
  const float alpha = node.Float("alpha", 1.0f), beta = node.Float("beta", 1.0f);
  const bool trans_a = node.Int("transA", 0) != 0, trans_b = node.Int("transB", 0) != 0;
  Shape a_shape = node.OnnxShape(0), b_shape = node.OnnxShape(1);
  if (a_shape.size() != 2 || b_shape.size() != 2) node.Fail("A and B must be matrices");
  ValueId a = node.InOnnxLayout(0);
  if (trans_a) {
    a = node.Emit(OpType::kTranspose, {a}, {{"perm", std::vector<int64_t>{1, 0}}}, "/a_t");
    a_shape = {a_shape[1], a_shape[0]};
  }
  const int64_t n = trans_b ? b_shape[0] : b_shape[1];
  ValueId y;
  bool bias_done = !node.HasInput(2) || beta == 0.0f;
  if (node.IsConstant(1)) {
    const HostTensor& b = node.Constant(1, "B");
    std::optional<HostTensor> bias;
    if (!bias_done && node.IsConstant(2)) {
      const HostTensor& c = node.Constant(2, "C");
      const Shape& cs = c.shape;
      const bool row = (cs.size() == 1 && (cs[0] == n || cs[0] == 1)) ||
                       (cs.size() == 2 && cs[0] == 1 && (cs[1] == n || cs[1] == 1)) || cs.empty();
      if (row) {
        const HostTensor flat = ToFloatHost(c);
        std::vector<float> values(static_cast<size_t>(n));
        for (int64_t j = 0; j < n; ++j) {
          values[static_cast<size_t>(j)] =
              beta * flat.floats[c.size() == 1 ? 0 : static_cast<size_t>(j)];
        }
        bias = HostTensor::Float({n}, std::move(values));
        bias_done = true;
      }
    }
    y = EmitDense(node, a, a_shape, b, trans_b, alpha, node.LevelsOf(1), bias ? &*bias : nullptr,
                  bias_done ? "" : "/dense");
  } else {
    ValueId b = node.InOnnxLayout(1);
    if (trans_b) {
      b = node.Emit(OpType::kTranspose, {b}, {{"perm", std::vector<int64_t>{1, 0}}}, "/b_t");
      b_shape = {b_shape[1], b_shape[0]};
    }
    const bool scaled = alpha != 1.0f;
    y = node.Emit(OpType::kMatMul, {a, b}, {}, scaled || !bias_done ? "/matmul" : "");
    if (scaled) {
      y = node.Emit(OpType::kMul, {y, node.ConstantValue(HostTensor::Float({}, {alpha}), "/alpha")},
                    {}, bias_done ? "" : "/scaled");
    }
  }
  if (!bias_done) {
    ValueId c = node.IsConstant(2)
                    ? node.ConstantValue(Scaled(ToFloatHost(node.Constant(2, "C")), beta), "/c")
                    : node.InOnnxLayout(2);
    if (!node.IsConstant(2) && beta != 1.0f) {
      c = node.Emit(OpType::kMul, {c, node.ConstantValue(HostTensor::Float({}, {beta}), "/beta")},
                    {}, "/beta_c");
    }
    y = node.Emit(OpType::kAdd, {y, c});
  }
  node.SetOutput(0, y);
}

}  // namespace

ValueId EmitDense(NodeContext& node, ValueId x, const Shape& x_shape, const HostTensor& b,
                  bool transposed, float alpha, const WeightLevels* levels, const HostTensor* bias,
                  const std::string& suffix) {
  if (b.shape.size() != 2) node.Fail("the weights must be a matrix");
  const int64_t k = transposed ? b.shape[1] : b.shape[0];
  if (x_shape.empty() || x_shape.back() != k) {
    node.Fail("cannot multiply " + ShapeToString(x_shape) + " by " + ShapeToString(b.shape));
  }
  const HostTensor weights = Scaled(transposed ? ToFloatHost(b) : Transpose2D(b), alpha);
  std::vector<ValueId> inputs = {x, node.ConstantValue(weights, suffix + "/weights")};
  if (bias) inputs.push_back(node.ConstantValue(*bias, suffix + "/bias"));
  ValueId y;
  if (x_shape.size() >= 2) {
    y = node.Emit(OpType::kDense, inputs, {}, suffix);
  } else {  // a vector: as a row [1, K], then back to [N]
    inputs[0] = node.Emit(OpType::kReshape, {x}, {{"shape", Shape{1, k}}}, suffix + "/row");
    y = node.Emit(OpType::kDense, inputs, {}, suffix + "/dense");
  }
  if (levels) {
    if (alpha != 1.0f) node.Fail("alpha with quantized weights");
    node.FixWeights(
        y, FixedWeights(node, *levels, b.shape,
                        transposed ? std::vector<int64_t>{0, 1} : std::vector<int64_t>{1, 0}));
  }
  if (x_shape.size() >= 2) return y;
  return node.Emit(OpType::kReshape, {y}, {{"shape", Shape{weights.shape[0]}}}, suffix);
}

void AddLinearOps(OpTable& table) {
  table["Gemm"] = {Gemm, false, "Dense when B is constant (C folded into the bias when a row)"};
  table["MatMul"] = {MatMulOp, false, "Dense when B is a constant matrix; else float MatMul"};
}

}  // namespace trit::onnx_import
