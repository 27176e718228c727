// Data movement and reductions: Reshape, Flatten, Squeeze, Unsqueeze, Transpose, Concat,
// Softmax, ReduceMean, Identity, Dropout. They run in ONNX axis order, except Transpose,
// Concat, Softmax and ReduceMean, which read a NHWC tensor in place where they can.
#include <algorithm>
#include <numeric>

#include "onnx/importer.h"

namespace trit::onnx_import {
namespace {

// The output shape of Reshape: 0 copies the input extent (unless allowzero), one -1 is inferred.
Shape ReshapeTarget(const NodeContext& node, const Shape& in, const HostTensor& target) {
  const bool allow_zero = node.Int("allowzero", 0) != 0;
  Shape out;
  int infer = -1;
  int64_t known = 1;
  for (int64_t i = 0; i < target.size(); ++i) {
    int64_t d = target.IntAt(i);
    if (d == 0 && !allow_zero) {
      if (static_cast<size_t>(i) >= in.size()) node.Fail("shape 0 beyond the input's rank");
      d = in[static_cast<size_t>(i)];
    }
    if (d == -1) {
      if (infer >= 0) node.Fail("shape has two -1");
      infer = static_cast<int>(i);
    } else if (d < 0) {
      node.Fail("shape has a negative extent");
    } else if (__builtin_mul_overflow(known, d, &known)) {
      node.Fail("shape is too large");
    }
    out.push_back(d);
  }
  if (infer >= 0) {
    if (known == 0 || NumElements(in) % known != 0) node.Fail("cannot infer the -1 extent");
    out[static_cast<size_t>(infer)] = NumElements(in) / known;
  }
  if (NumElements(out) != NumElements(in)) {
    node.Fail("cannot reshape " + ShapeToString(in) + " to " + ShapeToString(out));
  }
  return out;
}

// Any reshape with a known target: folded for constants, else an IR Reshape in ONNX order.
// `keeps_batch`: for Reshape and Flatten (axis >= 1), an unchanged first extent is the batch
// and is written as 0, "copy the input's", so that the graph runs at any batch (`trit eval`).
void ReshapeTo(NodeContext& node, const Shape& shape, bool keeps_batch = false) {
  if (node.IsConstant(0)) {
    node.SetConstant(0, ReshapeHost(node.Constant(0, "data"), shape));
    return;
  }
  Shape target = shape;
  if (keeps_batch && !target.empty() && !node.OnnxShape(0).empty() &&
      target[0] == node.OnnxShape(0)[0]) {
    target[0] = 0;
  }
  node.SetOutput(0, node.Emit(OpType::kReshape, {node.InOnnxLayout(0)}, {{"shape", target}}));
}

void Reshape(NodeContext& node) {
  Shape target;
  if (node.opset() < 5) {
    target = node.Ints("shape", {});
  } else {
    const HostTensor& t = node.Constant(1, "shape");
    for (int64_t i = 0; i < t.size(); ++i) target.push_back(t.IntAt(i));
  }
  ReshapeTo(node,
            ReshapeTarget(node, node.OnnxShape(0),
                          HostTensor::Int64({static_cast<int64_t>(target.size())}, target)),
            true);
}

void Flatten(NodeContext& node) {
  const Shape& in = node.OnnxShape(0);
  const int64_t rank = static_cast<int64_t>(in.size());
  int64_t axis = node.Int("axis", 1);
  if (axis < -rank || axis > rank) node.Fail("axis out of range");
  if (axis < 0) axis += rank;
  int64_t outer = 1, inner = 1;
  for (int64_t d = 0; d < rank; ++d) (d < axis ? outer : inner) *= in[static_cast<size_t>(d)];
  ReshapeTo(node, {outer, inner}, axis >= 1);
}

std::vector<int64_t> AxesOf(NodeContext& node, int input, int first_opset_with_input) {
  if (node.opset() < first_opset_with_input) return node.Ints("axes", {});
  if (!node.HasInput(input)) return {};
  const HostTensor& t = node.Constant(input, "axes");
  std::vector<int64_t> axes;
  for (int64_t i = 0; i < t.size(); ++i) axes.push_back(t.IntAt(i));
  return axes;
}

void Squeeze(NodeContext& node) {
  const Shape& in = node.OnnxShape(0);
  const auto rank = static_cast<int64_t>(in.size());
  std::vector<int64_t> axes = AxesOf(node, 1, 13);
  std::vector<bool> drop(in.size(), false);
  for (const int64_t a : axes) {
    const auto d = static_cast<size_t>(NormalizeAxis(a, rank, node));
    if (in[d] != 1)
      node.Fail("squeezes axis " + std::to_string(a) + " of extent " + std::to_string(in[d]));
    drop[d] = true;
  }
  Shape out;
  for (size_t d = 0; d < in.size(); ++d) {
    if (axes.empty() ? in[d] != 1 : !drop[d]) out.push_back(in[d]);
  }
  ReshapeTo(node, out);
}

void Unsqueeze(NodeContext& node) {
  const Shape& in = node.OnnxShape(0);
  const std::vector<int64_t> axes = AxesOf(node, 1, 13);
  const auto rank = static_cast<int64_t>(in.size() + axes.size());
  std::vector<bool> inserted(static_cast<size_t>(rank), false);
  for (const int64_t a : axes) {
    const auto d = static_cast<size_t>(NormalizeAxis(a, rank, node));
    if (inserted[d]) node.Fail("axes name an axis twice");
    inserted[d] = true;
  }
  Shape out;
  size_t next = 0;
  for (size_t d = 0; d < inserted.size(); ++d) out.push_back(inserted[d] ? 1 : in[next++]);
  ReshapeTo(node, out);
}

void Transpose(NodeContext& node) {
  const Shape& in = node.OnnxShape(0);
  std::vector<int64_t> perm = node.Ints("perm", {});
  if (perm.empty()) {
    perm.resize(in.size());
    std::iota(perm.rbegin(), perm.rend(), 0);
  }
  std::vector<bool> seen(in.size(), false);
  for (const int64_t p : perm) {
    if (p < 0 || p >= static_cast<int64_t>(in.size()) || seen[static_cast<size_t>(p)]) {
      node.Fail("perm must name every axis once");
    }
    seen[static_cast<size_t>(p)] = true;
  }
  if (perm.size() != in.size()) node.Fail("perm must name every axis once");
  if (node.IsConstant(0)) {
    node.SetConstant(0, TransposeHost(node.Constant(0, "data"), perm));
    return;
  }
  if (node.IsNhwc(0)) {
    // Read the NHWC value directly: output axis d is ONNX axis perm[d], at kNhwcAxisOf there.
    std::vector<int64_t> on_nhwc;
    for (const int64_t p : perm) {
      if (p < 0 || p >= 4) node.Fail("perm must name every axis once");
      on_nhwc.push_back(kNhwcAxisOf[p]);
    }
    node.SetOutput(0, node.Emit(OpType::kTranspose, {node.InNhwc(0)}, {{"perm", on_nhwc}}));
    return;
  }
  node.SetOutput(0, node.Emit(OpType::kTranspose, {node.InOnnxLayout(0)}, {{"perm", perm}}));
}

void Concat(NodeContext& node) {
  const int count = node.proto().input_size();
  if (count == 0) node.Fail("no inputs");
  const auto rank = static_cast<int64_t>(node.OnnxShape(0).size());
  const int64_t axis = NormalizeAxis(node.Int("axis", node.opset() < 4 ? 1 : 0), rank, node);
  bool all_constant = true, any_nhwc = false;
  for (int i = 0; i < count; ++i) {
    all_constant = all_constant && node.IsConstant(i);
    any_nhwc = any_nhwc || node.IsNhwc(i);
  }
  if (all_constant) {
    HostTensor out = node.Constant(0, "input");
    const Shape first = out.shape;
    std::vector<const HostTensor*> parts;
    for (int i = 0; i < count; ++i) parts.push_back(&node.Constant(i, "input"));
    int64_t outer = 1;
    for (int64_t d = 0; d < axis; ++d) outer *= first[static_cast<size_t>(d)];
    out.floats.clear();
    out.ints.clear();
    out.shape[static_cast<size_t>(axis)] = 0;
    for (const HostTensor* p : parts) {
      if (p->shape.size() != first.size()) node.Fail("inputs differ in rank");
      if (p->IsFloat() != out.IsFloat()) node.Fail("inputs differ in type");
      for (size_t d = 0; d < first.size(); ++d) {
        if (d != static_cast<size_t>(axis) && p->shape[d] != first[d]) {
          node.Fail("inputs differ off the concat axis");
        }
      }
      out.shape[static_cast<size_t>(axis)] += p->shape[static_cast<size_t>(axis)];
    }
    for (int64_t o = 0; o < outer; ++o) {
      for (const HostTensor* p : parts) {
        const int64_t chunk = p->size() / std::max<int64_t>(outer, 1);
        for (int64_t i = o * chunk; i < (o + 1) * chunk; ++i) {
          if (out.IsFloat()) {
            out.floats.push_back(static_cast<float>(p->At(i)));
          } else {
            out.ints.push_back(p->IntAt(i));
          }
        }
      }
    }
    node.SetConstant(0, out);
    return;
  }
  std::vector<ValueId> inputs;
  const bool nhwc = rank == 4 && any_nhwc;
  for (int i = 0; i < count; ++i) {
    if (!node.IsConstant(i) && node.ElemType(i) != onnx::TensorProto::FLOAT) {
      node.Fail("input type " + ElemTypeName(node.ElemType(i)));
    }
    if (nhwc && node.IsConstant(i)) {
      inputs.push_back(
          node.ConstantNhwc(node.Constant(i, "input"), std::string("/") + std::to_string(i)));
    } else {
      inputs.push_back(nhwc ? node.InNhwc(i) : node.InOnnxLayout(i));
    }
  }
  const int64_t ir_axis = nhwc ? kNhwcAxisOf[axis] : axis;
  node.SetOutput(0, node.Emit(OpType::kConcat, inputs, {{"axis", ir_axis}}), nhwc);
}

void Softmax(NodeContext& node) {
  const Shape& in = node.OnnxShape(0);
  const auto rank = static_cast<int64_t>(in.size());
  const int64_t axis = NormalizeAxis(node.Int("axis", node.opset() < 13 ? 1 : -1), rank, node);
  if (node.IsConstant(0)) node.Fail("a constant input");
  if (node.ElemType(0) != onnx::TensorProto::FLOAT) node.Fail("a non-float input");
  if (node.opset() >= 13 || axis == rank - 1) {
    if (node.IsNhwc(0)) {
      node.SetOutput(
          0, node.Emit(OpType::kSoftmax, {node.InNhwc(0)}, {{"axis", kNhwcAxisOf[axis]}}), true);
    } else {
      node.SetOutput(0, node.Emit(OpType::kSoftmax, {node.InOnnxLayout(0)}, {{"axis", axis}}));
    }
    return;
  }
  // Before opset 13: one softmax over all axes from `axis` on, as a 2-D [outer, inner].
  int64_t outer = 1, inner = 1;
  for (int64_t d = 0; d < rank; ++d) (d < axis ? outer : inner) *= in[static_cast<size_t>(d)];
  const ValueId flat = node.Emit(OpType::kReshape, {node.InOnnxLayout(0)},
                                 {{"shape", std::vector<int64_t>{outer, inner}}}, "/2d");
  const ValueId soft = node.Emit(OpType::kSoftmax, {flat}, {{"axis", int64_t{1}}}, "/softmax");
  node.SetOutput(0, node.Emit(OpType::kReshape, {soft}, {{"shape", in}}));
}

// LayerNormalization (opset 17): over the axes from `axis` on, in the ONNX layout (an NHWC
// tensor is brought back first: the normalized elements must be the trailing ones). Scale and B
// constant, broadcastable to those axes; the optional Mean and InvStdDev outputs not read.
void LayerNormalization(NodeContext& node) {
  const Shape& in = node.OnnxShape(0);
  const auto rank = static_cast<int64_t>(in.size());
  const int64_t axis = NormalizeAxis(node.Int("axis", -1), rank, node);
  if (node.OutputCount() > 1) node.Fail("the Mean or InvStdDev output");
  if (node.IsConstant(0)) node.Fail("a constant input");
  if (node.ElemType(0) != onnx::TensorProto::FLOAT) node.Fail("a non-float input");
  const Shape row(in.begin() + axis, in.end());
  std::vector<ValueId> inputs = {node.InOnnxLayout(0)};
  const char* names[] = {"Scale", "B"};
  for (int i = 1; i <= 2 && node.HasInput(i); ++i) {
    const HostTensor& p = node.Constant(i, names[i - 1]);
    if (!p.IsFloat()) node.Fail(std::string(names[i - 1]) + " must be float");
    // Broadcast to the row's shape, so that the op holds one value per element of a row.
    const HostTensor zeros =
        HostTensor::Float(row, std::vector<float>(static_cast<size_t>(NumElements(row)), 0.0f));
    const HostTensor full = HostBinary(ToFloatHost(p), zeros, [](double a, double) { return a; });
    if (full.shape != row) node.Fail(std::string(names[i - 1]) + " does not broadcast to the row");
    inputs.push_back(node.ConstantValue(full, std::string("/") + names[i - 1]));
  }
  node.SetOutput(0, node.Emit(OpType::kLayerNorm, inputs,
                              {{"axis", axis}, {"epsilon", node.Float("epsilon", 1e-5f)}}));
}

void ReduceMean(NodeContext& node) {
  const Shape& in = node.OnnxShape(0);
  const auto rank = static_cast<int64_t>(in.size());
  std::vector<int64_t> axes = AxesOf(node, 1, 18);
  const bool keep = node.Int("keepdims", 1) != 0;
  if (axes.empty()) {
    if (node.Int("noop_with_empty_axes", 0) != 0) {
      node.Forward(0, 0);
      return;
    }
    for (int64_t d = 0; d < rank; ++d) axes.push_back(d);
  }
  for (int64_t& a : axes) a = NormalizeAxis(a, rank, node);
  if (node.IsConstant(0)) node.Fail("a constant input");
  if (node.ElemType(0) != onnx::TensorProto::FLOAT) node.Fail("a non-float input");
  if (node.IsNhwc(0)) {
    const bool c_kept = std::find(axes.begin(), axes.end(), 1) == axes.end();
    const bool spatial_kept = std::find(axes.begin(), axes.end(), 2) == axes.end() ||
                              std::find(axes.begin(), axes.end(), 3) == axes.end();
    // On NHWC, the kept axes come out in NHWC order: the same as ONNX order unless the channel
    // axis and a spatial one are both kept and dropped from rank 4.
    if (keep || !(c_kept && spatial_kept)) {
      std::vector<int64_t> on_nhwc;
      for (const int64_t a : axes) on_nhwc.push_back(kNhwcAxisOf[a]);
      std::sort(on_nhwc.begin(), on_nhwc.end());
      const ValueId y = node.Emit(OpType::kReduceMean, {node.InNhwc(0)},
                                  {{"axes", on_nhwc}, {"keepdims", int64_t{keep}}});
      node.SetOutput(0, y, keep);
      return;
    }
  }
  std::sort(axes.begin(), axes.end());
  node.SetOutput(0, node.Emit(OpType::kReduceMean, {node.InOnnxLayout(0)},
                              {{"axes", axes}, {"keepdims", int64_t{keep}}}));
}

void Identity(NodeContext& node) { node.Forward(0, 0); }

void Dropout(NodeContext& node) {
  if (node.OutputUsed(1)) node.Fail("the mask output");
  if (node.HasInput(2)) {
    const HostTensor& training = node.Constant(2, "training_mode");
    if (training.size() != 1 || training.At(0) != 0) node.Fail("training mode");
  }
  node.Forward(0, 0);
}

}  // namespace

void AddTensorOps(OpTable& table) {
  table["Reshape"] = {Reshape, false, "shape constant (after folding)"};
  table["Flatten"] = {Flatten, false, ""};
  table["Squeeze"] = {Squeeze, false, "axes constant"};
  table["Unsqueeze"] = {Unsqueeze, false, "axes constant"};
  table["Transpose"] = {Transpose, false,
                        "folded on constants; on NHWC tensors it reads the layout"};
  table["Concat"] = {Concat, false, ""};
  table["Softmax"] = {Softmax, false, ""};
  table["LayerNormalization"] = {LayerNormalization, false, "Scale and B constant"};
  table["ReduceMean"] = {ReduceMean, false, "float only; axes constant"};
  table["Identity"] = {Identity, false, "dropped"};
  table["Dropout"] = {Dropout, false, "dropped (inference); no mask output"};
}

}  // namespace trit::onnx_import
