// Pointwise ops: activations and binary arithmetic. They keep their input's layout; a binary
// op on a NHWC tensor brings its other operand to NHWC (constants are permuted at import).
#include <cmath>
#include <limits>

#include "onnx/importer.h"

namespace trit::onnx_import {
namespace {

using onnx::TensorProto;

HostTensor HostUnary(const HostTensor& x, const std::function<float(float)>& f) {
  HostTensor out = ToFloatHost(x);
  for (float& v : out.floats) v = f(v);
  return out;
}

// A unary op: folded when its input is known, else emitted in the input's layout.
void Unary(NodeContext& node, OpType op, const std::function<float(float)>& f,
           Attributes attrs = {}) {
  if (node.IsConstant(0)) {
    if (!node.Constant(0, "X").IsFloat()) node.Fail("a non-float input");
    node.SetConstant(0, HostUnary(node.Constant(0, "X"), f));
    return;
  }
  if (node.ElemType(0) != TensorProto::FLOAT)
    node.Fail("input type " + ElemTypeName(node.ElemType(0)));
  node.SetOutput(0, node.Emit(op, {node.InCurrentLayout(0)}, std::move(attrs)), node.IsNhwc(0));
}

float ClipBound(NodeContext& node, int input, const char* attr, float fallback) {
  if (node.opset() < 11) return node.Float(attr, fallback);
  if (!node.HasInput(input)) return fallback;
  const HostTensor& t = node.Constant(input, attr);
  if (t.size() != 1) node.Fail(std::string(attr) + " must be a scalar");
  return static_cast<float>(t.At(0));
}

void Clip(NodeContext& node) {
  const float lo = ClipBound(node, 1, "min", -std::numeric_limits<float>::infinity());
  const float hi = ClipBound(node, 2, "max", std::numeric_limits<float>::infinity());
  Attributes attrs;
  if (std::isfinite(lo)) attrs.Set("min", lo);
  if (std::isfinite(hi)) attrs.Set("max", hi);
  Unary(
      node, OpType::kClip, [=](float v) { return std::min(std::max(v, lo), hi); }, attrs);
}

void HardSigmoid(NodeContext& node) {
  const float alpha = node.Float("alpha", 0.2f), beta = node.Float("beta", 0.5f);
  Unary(node, OpType::kHardSigmoid,
        [=](float v) { return std::min(std::max(alpha * v + beta, 0.0f), 1.0f); },
        {{"alpha", alpha}, {"beta", beta}});
}

// Brings a non-constant operand of rank below 4 to NHWC: 1s prepended, then transposed.
ValueId OperandNhwc(NodeContext& node, int i, const std::string& suffix) {
  if (node.IsConstant(i)) return node.ConstantNhwc(node.Constant(i, "operand"), suffix);
  const Shape& shape = node.OnnxShape(i);
  if (shape.size() == 4) return node.InNhwc(i);
  Shape padded(4 - shape.size(), 1);
  padded.insert(padded.end(), shape.begin(), shape.end());
  const ValueId reshaped =
      node.Emit(OpType::kReshape, {node.InOnnxLayout(i)}, {{"shape", padded}}, suffix + "/rank4");
  return node.Emit(OpType::kTranspose, {reshaped},
                   {{"perm", std::vector<int64_t>(kToNhwc, kToNhwc + 4)}}, suffix + "/nhwc");
}

void Binary(NodeContext& node, OpType op, const std::function<double(double, double)>& f) {
  if (node.IsConstant(0) && node.IsConstant(1)) {
    node.SetConstant(0, HostBinary(node.Constant(0, "A"), node.Constant(1, "B"), f));
    return;
  }
  for (int i = 0; i < 2; ++i) {
    if (!node.IsConstant(i) && node.ElemType(i) != TensorProto::FLOAT) {
      node.Fail("input type " + ElemTypeName(node.ElemType(i)));
    }
  }
  const size_t rank = std::max(node.OnnxShape(0).size(), node.OnnxShape(1).size());
  const bool nhwc = rank == 4 && (node.IsNhwc(0) || node.IsNhwc(1));
  std::vector<ValueId> inputs;
  for (int i = 0; i < 2; ++i) {
    const std::string suffix = i == 0 ? "/a" : "/b";
    inputs.push_back(nhwc ? OperandNhwc(node, i, suffix) : node.InOnnxLayout(i));
  }
  node.SetOutput(0, node.Emit(op, inputs), nhwc);
}

// Min and Max: one input is itself; more than two become a chain of two-input nodes, all in the
// layout Binary would choose for the whole set.
void Variadic(NodeContext& node, OpType op, const std::function<double(double, double)>& f) {
  const int count = node.proto().input_size();
  if (count == 0) node.Fail("no inputs");
  if (count == 1) return node.Forward(0, 0);
  if (count == 2) return Binary(node, op, f);
  bool constant = true;
  size_t rank = 0;
  bool any_nhwc = false;
  for (int i = 0; i < count; ++i) {
    constant = constant && node.IsConstant(i);
    if (!node.IsConstant(i) && node.ElemType(i) != TensorProto::FLOAT) {
      node.Fail("input type " + ElemTypeName(node.ElemType(i)));
    }
    rank = std::max(rank, node.OnnxShape(i).size());
    any_nhwc = any_nhwc || node.IsNhwc(i);
  }
  if (constant) {
    HostTensor folded = node.Constant(0, "data_0");
    for (int i = 1; i < count; ++i) folded = HostBinary(folded, node.Constant(i, "data"), f);
    node.SetConstant(0, std::move(folded));
    return;
  }
  const bool nhwc = rank == 4 && any_nhwc;
  auto operand = [&](int i) {
    const std::string suffix = std::string("/").append(std::to_string(i));
    return nhwc ? OperandNhwc(node, i, suffix) : node.InOnnxLayout(i);
  };
  ValueId result = operand(0);
  for (int i = 1; i < count; ++i) {
    const std::string suffix = i + 1 < count ? std::string("/chain").append(std::to_string(i)) : "";
    result = node.Emit(op, {result, operand(i)}, {}, suffix);
  }
  node.SetOutput(0, result, nhwc);
}

}  // namespace

void AddPointwiseOps(OpTable& table) {
  table["Relu"] = {
      [](NodeContext& n) { Unary(n, OpType::kRelu, [](float v) { return v > 0 ? v : 0.0f; }); },
      false, ""};
  table["Sigmoid"] = {[](NodeContext& n) {
                        Unary(n, OpType::kSigmoid,
                              [](float v) { return 1.0f / (1.0f + std::exp(-v)); });
                      },
                      false, ""};
  table["Tanh"] = {
      [](NodeContext& n) { Unary(n, OpType::kTanh, [](float v) { return std::tanh(v); }); }, false,
      ""};
  table["Sqrt"] = {
      [](NodeContext& n) { Unary(n, OpType::kSqrt, [](float v) { return std::sqrt(v); }); }, false,
      "float only (not quantized)"};
  table["HardSwish"] = {[](NodeContext& n) {
                          Unary(n, OpType::kHardSwish, [](float v) {
                            return v * std::min(std::max(v / 6.0f + 0.5f, 0.0f), 1.0f);
                          });
                        },
                        false, ""};
  table["HardSigmoid"] = {HardSigmoid, false, ""};
  table["Softplus"] = {[](NodeContext& n) {
                         Unary(n, OpType::kSoftplus, [](float v) {
                           return static_cast<float>(std::log1p(std::exp(double{v})));
                         });
                       },
                       false,
                       "quantized as a table; fp32 runs the reference kernel; inside a Mish it "
                       "folds into one `Mish` node"};
  table["Exp"] = {
      [](NodeContext& n) { Unary(n, OpType::kExp, [](float v) { return std::exp(v); }); }, false,
      ""};
  table["Erf"] = {
      [](NodeContext& n) { Unary(n, OpType::kErf, [](float v) { return std::erf(v); }); }, false,
      ""};
  table["Clip"] = {Clip, false, "min and max constant"};
  table["Add"] = {
      [](NodeContext& n) { Binary(n, OpType::kAdd, [](double a, double b) { return a + b; }); },
      false, "float inputs; broadcasting"};
  table["Sub"] = {
      [](NodeContext& n) { Binary(n, OpType::kSub, [](double a, double b) { return a - b; }); },
      false, "float inputs; float only at run time"};
  table["Mul"] = {
      [](NodeContext& n) { Binary(n, OpType::kMul, [](double a, double b) { return a * b; }); },
      false, "float inputs; broadcasting"};
  table["Div"] = {
      [](NodeContext& n) {
        Binary(n, OpType::kDiv, [&n](double a, double b) {
          if (n.IsConstant(0) && !n.Constant(0, "A").IsFloat() && !n.Constant(1, "B").IsFloat()) {
            if (b == 0) n.Fail("integer division by zero");
            return std::trunc(a / b);
          }
          return a / b;
        });
      },
      false, "float inputs; float only at run time"};
  table["Min"] = {[](NodeContext& n) {
                    Variadic(n, OpType::kMin, [](double a, double b) {
                      return std::isnan(a) || std::isnan(b) ? a + b : std::min(a, b);
                    });
                  },
                  false, "float inputs; broadcasting; NaN if any input is NaN"};
  table["Max"] = {[](NodeContext& n) {
                    Variadic(n, OpType::kMax, [](double a, double b) {
                      return std::isnan(a) || std::isnan(b) ? a + b : std::max(a, b);
                    });
                  },
                  false, "float inputs; broadcasting; NaN if any input is NaN"};
  table["Pow"] = {[](NodeContext& n) {
                    Binary(n, OpType::kPow, [](double a, double b) { return std::pow(a, b); });
                  },
                  false, "float base; float only at run time"};
}

}  // namespace trit::onnx_import
