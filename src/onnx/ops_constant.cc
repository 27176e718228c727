// Ops folded at import time: constants and the shape arithmetic that exported models compute
// their Reshape targets with. Input shapes are fixed, so Shape of any tensor is known.
#include <algorithm>
#include <cmath>

#include "onnx/importer.h"

namespace trit::onnx_import {
namespace {

using onnx::TensorProto;

void Constant(NodeContext& node) {
  if (const auto* t = node.TensorAttr("value")) {
    node.SetConstant(0, FromProto(*t));
  } else if (node.HasAttr("value_float")) {
    node.SetConstant(0, HostTensor::Float({}, {node.Float("value_float", 0)}));
  } else if (node.HasAttr("value_floats")) {
    const auto v = node.Floats("value_floats", {});
    node.SetConstant(0, HostTensor::Float({static_cast<int64_t>(v.size())}, v));
  } else if (node.HasAttr("value_int")) {
    node.SetConstant(0, HostTensor::Int64({}, {node.Int("value_int", 0)}));
  } else if (node.HasAttr("value_ints")) {
    const auto v = node.Ints("value_ints", {});
    node.SetConstant(0, HostTensor::Int64({static_cast<int64_t>(v.size())}, v));
  } else {
    node.Fail("a sparse or string value");
  }
}

// A shape given as data; folded tensors stay below 2^28 elements (a hostile model cannot make
// the importer allocate without bound).
Shape ShapeFrom(const NodeContext& node, const HostTensor& t) {
  Shape shape;
  for (int64_t i = 0; i < t.size(); ++i) {
    if (t.IntAt(i) < 0) node.Fail("a negative extent");
    shape.push_back(t.IntAt(i));
  }
  if (NumElements(shape) > (int64_t{1} << 28)) node.Fail("a folded tensor that is too large");
  return shape;
}

void ConstantOfShape(NodeContext& node) {
  const Shape shape = ShapeFrom(node, node.Constant(0, "input"));
  HostTensor fill = HostTensor::Float({1}, {0.0f});
  if (const auto* t = node.TensorAttr("value")) fill = FromProto(*t);
  if (fill.size() != 1) node.Fail("value must hold one element");
  HostTensor out;
  out.elem_type = fill.elem_type;
  out.shape = shape;
  const auto n = static_cast<size_t>(NumElements(shape));
  fill.IsFloat() ? out.floats.assign(n, fill.floats[0]) : out.ints.assign(n, fill.ints[0]);
  node.SetConstant(0, out);
}

void ShapeOp(NodeContext& node) {
  const Shape& in = node.OnnxShape(0);
  const auto rank = static_cast<int64_t>(in.size());
  int64_t start = node.Int("start", 0), end = node.Int("end", rank);
  if (start < 0) start += rank;
  if (end < 0) end += rank;
  start = std::clamp<int64_t>(start, 0, rank);
  end = std::clamp<int64_t>(end, start, rank);
  std::vector<int64_t> dims(in.begin() + start, in.begin() + end);
  node.SetConstant(0, HostTensor::Int64({static_cast<int64_t>(dims.size())}, dims));
}

void Gather(NodeContext& node) {
  const HostTensor& data = node.Constant(0, "data");
  const HostTensor& indices = node.Constant(1, "indices");
  const auto rank = static_cast<int64_t>(data.shape.size());
  const int64_t axis = NormalizeAxis(node.Int("axis", 0), rank, node);
  const int64_t extent = data.shape[static_cast<size_t>(axis)];
  int64_t outer = 1, inner = 1;
  for (int64_t d = 0; d < axis; ++d) outer *= data.shape[static_cast<size_t>(d)];
  for (int64_t d = axis + 1; d < rank; ++d) inner *= data.shape[static_cast<size_t>(d)];
  HostTensor out;
  out.elem_type = data.elem_type;
  out.shape.assign(data.shape.begin(), data.shape.begin() + axis);
  out.shape.insert(out.shape.end(), indices.shape.begin(), indices.shape.end());
  out.shape.insert(out.shape.end(), data.shape.begin() + axis + 1, data.shape.end());
  if (NumElements(out.shape) > (int64_t{1} << 28)) node.Fail("a folded tensor that is too large");
  for (int64_t o = 0; o < outer; ++o) {
    for (int64_t k = 0; k < indices.size(); ++k) {
      int64_t index = indices.IntAt(k);
      if (index < 0) index += extent;
      if (index < 0 || index >= extent) node.Fail("index out of range");
      for (int64_t i = 0; i < inner; ++i) {
        const int64_t from = (o * extent + index) * inner + i;
        data.IsFloat() ? out.floats.push_back(data.floats[static_cast<size_t>(from)])
                       : out.ints.push_back(data.ints[static_cast<size_t>(from)]);
      }
    }
  }
  node.SetConstant(0, out);
}

std::vector<int64_t> IntsOf(const HostTensor& t) {
  std::vector<int64_t> v;
  for (int64_t i = 0; i < t.size(); ++i) v.push_back(t.IntAt(i));
  return v;
}

void Slice(NodeContext& node) {
  const HostTensor& data = node.Constant(0, "data");
  const auto rank = static_cast<int64_t>(data.shape.size());
  std::vector<int64_t> starts, ends, axes, steps;
  if (node.opset() < 10) {
    starts = node.Ints("starts", {});
    ends = node.Ints("ends", {});
    axes = node.Ints("axes", {});
  } else {
    starts = IntsOf(node.Constant(1, "starts"));
    ends = IntsOf(node.Constant(2, "ends"));
    if (node.HasInput(3)) axes = IntsOf(node.Constant(3, "axes"));
    if (node.HasInput(4)) steps = IntsOf(node.Constant(4, "steps"));
  }
  if (axes.empty()) {
    for (size_t i = 0; i < starts.size(); ++i) axes.push_back(static_cast<int64_t>(i));
  }
  if (steps.empty()) steps.assign(starts.size(), 1);
  if (ends.size() != starts.size() || axes.size() != starts.size() ||
      steps.size() != starts.size()) {
    node.Fail("starts, ends, axes and steps differ in length");
  }
  std::vector<int64_t> first(static_cast<size_t>(rank), 0), step(static_cast<size_t>(rank), 1);
  Shape out_shape = data.shape;
  for (size_t i = 0; i < starts.size(); ++i) {
    const auto d = static_cast<size_t>(NormalizeAxis(axes[i], rank, node));
    const int64_t extent = data.shape[d];
    if (steps[i] == 0) node.Fail("step 0");
    // Bounded first, so that the arithmetic cannot overflow: a step beyond the extent takes
    // one element as the extent does, and bounds beyond +-(extent + 1) clamp the same.
    const int64_t reach = std::max<int64_t>(extent, 1);
    const int64_t st = std::clamp<int64_t>(steps[i], -reach, reach);
    int64_t s = std::clamp<int64_t>(starts[i], -extent - 1, extent + 1);
    int64_t e = std::clamp<int64_t>(ends[i], -extent - 1, extent + 1);
    if (s < 0) s += extent;
    if (e < 0) e += extent;
    if (st > 0) {
      s = std::clamp<int64_t>(s, 0, extent);
      e = std::clamp<int64_t>(e, 0, extent);
      out_shape[d] = e > s ? (e - s + st - 1) / st : 0;
    } else if (extent == 0) {
      s = 0;
      out_shape[d] = 0;
    } else {
      s = std::clamp<int64_t>(s, 0, extent - 1);
      e = std::clamp<int64_t>(e, -1, extent - 1);
      out_shape[d] = s > e ? (s - e - st - 1) / -st : 0;
    }
    steps[i] = st;
    first[d] = s;
    step[d] = steps[i];
  }
  HostTensor out;
  out.elem_type = data.elem_type;
  out.shape = out_shape;
  std::vector<int64_t> stride(static_cast<size_t>(rank), 1), index(static_cast<size_t>(rank), 0);
  for (int64_t d = rank - 1; d > 0; --d) {
    stride[static_cast<size_t>(d - 1)] =
        stride[static_cast<size_t>(d)] * data.shape[static_cast<size_t>(d)];
  }
  const int64_t count = NumElements(out_shape);
  for (int64_t i = 0; i < count; ++i) {
    int64_t from = 0;
    for (size_t d = 0; d < static_cast<size_t>(rank); ++d) {
      from += (first[d] + index[d] * step[d]) * stride[d];
    }
    data.IsFloat() ? out.floats.push_back(data.floats[static_cast<size_t>(from)])
                   : out.ints.push_back(data.ints[static_cast<size_t>(from)]);
    for (size_t d = static_cast<size_t>(rank); d-- > 0;) {
      if (++index[d] < out_shape[d]) break;
      index[d] = 0;
    }
  }
  node.SetConstant(0, out);
}

void Cast(NodeContext& node) {
  const auto to = static_cast<int32_t>(node.Int("to", TensorProto::FLOAT));
  if (to == TensorProto::FLOAT16 || to == TensorProto::BFLOAT16 || to == TensorProto::STRING ||
      !TensorProto::DataType_IsValid(to)) {
    node.Fail("cast to " + ElemTypeName(to));
  }
  if (node.IsConstant(0)) {
    node.SetConstant(0, CastTo(node.Constant(0, "input"), to));
    return;
  }
  if (to == TensorProto::FLOAT && node.IsAccumulator(0)) {  // ConvInteger's sum, already float
    node.SetOutput(0, node.InCurrentLayout(0), node.IsNhwc(0));
    return;
  }
  if (to != TensorProto::FLOAT || node.ElemType(0) != TensorProto::FLOAT) {
    node.Fail("a run-time cast to " + ElemTypeName(to) + " (only float to float)");
  }
  node.Forward(0, 0);
}

void Range(NodeContext& node) {
  const HostTensor& start = node.Constant(0, "start");
  const HostTensor& limit = node.Constant(1, "limit");
  const HostTensor& delta = node.Constant(2, "delta");
  if (delta.At(0) == 0) node.Fail("delta 0");
  const double count = std::max(0.0, std::ceil((limit.At(0) - start.At(0)) / delta.At(0)));
  if (count > 1e8) node.Fail("too many elements");
  HostTensor out;
  out.elem_type = start.elem_type;
  out.shape = {static_cast<int64_t>(count)};
  for (int64_t i = 0; i < out.shape[0]; ++i) {
    const double v = start.At(0) + static_cast<double>(i) * delta.At(0);
    out.IsFloat() ? out.floats.push_back(static_cast<float>(v))
                  : out.ints.push_back(static_cast<int64_t>(v));
  }
  node.SetConstant(0, out);
}

void Equal(NodeContext& node) {
  HostTensor out = HostBinary(node.Constant(0, "A"), node.Constant(1, "B"),
                              [](double a, double b) { return a == b ? 1.0 : 0.0; });
  node.SetConstant(0, CastTo(out, TensorProto::BOOL));
}

void Where(NodeContext& node) {
  const HostTensor& condition = node.Constant(0, "condition");
  const HostTensor& x = node.Constant(1, "X");
  const HostTensor& y = node.Constant(2, "Y");
  // Broadcast the three: select between X and Y by the condition broadcast over both.
  const HostTensor picked_x =
      HostBinary(condition, x, [](double c, double v) { return c != 0 ? v : 0; });
  const HostTensor mask = HostBinary(condition, y, [](double c, double) { return c != 0 ? 1 : 0; });
  HostTensor out =
      HostBinary(HostBinary(picked_x, mask, [](double v, double) { return v; }),
                 HostBinary(mask, y, [](double m, double v) { return m != 0 ? 0 : v; }),
                 [](double a, double b) { return a + b; });
  node.SetConstant(0, x.IsFloat() ? ToFloatHost(out) : CastTo(out, x.elem_type));
}

void Expand(NodeContext& node) {
  const HostTensor& input = node.Constant(0, "input");
  const Shape shape = ShapeFrom(node, node.Constant(1, "shape"));
  const HostTensor target =
      HostTensor::Int64(shape, std::vector<int64_t>(static_cast<size_t>(NumElements(shape)), 0));
  HostTensor out = HostBinary(input, target, [](double v, double) { return v; });
  node.SetConstant(0, input.IsFloat() ? out : CastTo(out, input.elem_type));
}

}  // namespace

void AddConstantOps(OpTable& table) {
  table["Constant"] = {Constant, true, "dense values"};
  table["ConstantOfShape"] = {ConstantOfShape, true, ""};
  table["Shape"] = {ShapeOp, true, "of any tensor (shapes are fixed at import)"};
  table["Gather"] = {Gather, true, ""};
  table["Slice"] = {Slice, true, ""};
  table["Cast"] = {Cast, false, "constants; float to float at run time"};
  table["Range"] = {Range, true, ""};
  table["Equal"] = {Equal, true, ""};
  table["Where"] = {Where, true, ""};
  table["Expand"] = {Expand, true, ""};
}

const OpTable& Ops() {
  static const OpTable table = [] {
    OpTable t;
    AddSpatialOps(t);
    AddPointwiseOps(t);
    AddTensorOps(t);
    AddLinearOps(t);
    AddConstantOps(t);
    AddQuantizedOps(t);
    AddRecurrentOps(t);
    return t;
  }();
  return table;
}

}  // namespace trit::onnx_import
