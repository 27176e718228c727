// Graph::InferShapes: the output shape of every op from its input shapes and attributes.
#include <algorithm>
#include <string>

#include "core/error.h"
#include "core/graph.h"
#include "core/op_params.h"
#include "core/recurrent_layout.h"

namespace trit {
namespace {

[[noreturn]] void Fail(const Node& node, const std::string& problem) {
  throw Error(ErrorCode::kShape,
              "node '" + node.name + "' (" + std::string(OpTypeName(node.op)) + "): " + problem);
}

void NeedInputs(const Node& node, size_t min_count, size_t max_count) {
  if (node.inputs.size() < min_count || node.inputs.size() > max_count) {
    Fail(node, "takes " + std::to_string(min_count) +
                   (max_count != min_count ? " to " + std::to_string(max_count) : "") +
                   " inputs, has " + std::to_string(node.inputs.size()));
  }
}

void NeedRank(const Node& node, const Shape& shape, size_t rank, const char* what) {
  if (shape.size() != rank) {
    Fail(node, std::string(what) + " must have rank " + std::to_string(rank) + ", has shape " +
                   ShapeToString(shape));
  }
}

Shape Broadcast(const Node& node, const Shape& a, const Shape& b) {
  const size_t rank = std::max(a.size(), b.size());
  Shape out(rank);
  for (size_t i = 0; i < rank; ++i) {
    const int64_t da = i < rank - a.size() ? 1 : a[i - (rank - a.size())];
    const int64_t db = i < rank - b.size() ? 1 : b[i - (rank - b.size())];
    if (da != db && da != 1 && db != 1) {
      Fail(node, "cannot broadcast " + ShapeToString(a) + " with " + ShapeToString(b));
    }
    out[i] = da == 1 ? db : da;
  }
  return out;
}

int64_t NormalizeAxis(const Node& node, int64_t axis, size_t rank) {
  const int64_t r = static_cast<int64_t>(rank);
  if (axis < -r || axis >= r) Fail(node, "axis " + std::to_string(axis) + " out of range");
  return axis < 0 ? axis + r : axis;
}

Shape WindowOutput(const Node& node, const Shape& in, const WindowParams& p, int64_t channels) {
  const int64_t oh = p.OutH(in[1]);
  const int64_t ow = p.OutW(in[2]);
  if (oh <= 0 || ow <= 0) {
    Fail(node, "window does not fit input " + ShapeToString(in));
  }
  return {in[0], oh, ow, channels};
}

Shape InferNode(const Graph& graph, const Node& node) {
  auto shape_of = [&](size_t i) -> const Shape& { return graph.value(node.inputs[i]).shape; };
  switch (node.op) {
    case OpType::kConv2D: {
      NeedInputs(node, 2, 3);
      const Shape& x = shape_of(0);
      const Shape& w = shape_of(1);
      NeedRank(node, x, 4, "input");
      NeedRank(node, w, 4, "weights");
      const WindowParams p = ParseConv2DParams(node.attrs, w[1], w[2]);
      if (x[3] % p.groups != 0 || w[0] % p.groups != 0) {
        Fail(node, "channels not divisible by groups " + std::to_string(p.groups));
      }
      if (w[3] != x[3] / p.groups) {
        Fail(node, "weights " + ShapeToString(w) + " do not match input channels " +
                       std::to_string(x[3]) + " / groups " + std::to_string(p.groups));
      }
      if (node.inputs.size() == 3 && shape_of(2) != Shape{w[0]}) {
        Fail(node, "bias must have shape [" + std::to_string(w[0]) + "]");
      }
      return WindowOutput(node, x, p, w[0]);
    }
    case OpType::kDense: {
      NeedInputs(node, 2, 3);
      const Shape& x = shape_of(0);
      const Shape& w = shape_of(1);
      NeedRank(node, w, 2, "weights");
      if (x.empty() || x.back() != w[1]) {
        Fail(node, "input " + ShapeToString(x) + " does not match weights " + ShapeToString(w));
      }
      if (node.inputs.size() == 3 && shape_of(2) != Shape{w[0]}) {
        Fail(node, "bias must have shape [" + std::to_string(w[0]) + "]");
      }
      Shape out = x;
      out.back() = w[0];
      return out;
    }
    case OpType::kMaxPool:
    case OpType::kAvgPool: {
      NeedInputs(node, 1, 1);
      const Shape& x = shape_of(0);
      NeedRank(node, x, 4, "input");
      return WindowOutput(node, x, ParsePoolParams(node.attrs), x[3]);
    }
    case OpType::kGlobalAvgPool: {
      NeedInputs(node, 1, 1);
      const Shape& x = shape_of(0);
      NeedRank(node, x, 4, "input");
      return {x[0], 1, 1, x[3]};
    }
    case OpType::kAdd:
    case OpType::kMul:
    case OpType::kSub:
    case OpType::kDiv:
    case OpType::kPow:
      NeedInputs(node, 2, 2);
      return Broadcast(node, shape_of(0), shape_of(1));
    case OpType::kMatMul: {
      NeedInputs(node, 2, 2);
      const Shape& a = shape_of(0);
      const Shape& b = shape_of(1);
      if (a.size() < 2 || b.size() < 2) Fail(node, "inputs must have rank 2 or more");
      if (a.back() != b[b.size() - 2]) {
        Fail(node, "cannot multiply " + ShapeToString(a) + " by " + ShapeToString(b));
      }
      Shape out = Broadcast(node, Shape(a.begin(), a.end() - 2), Shape(b.begin(), b.end() - 2));
      out.push_back(a[a.size() - 2]);
      out.push_back(b.back());
      return out;
    }
    case OpType::kTranspose: {
      NeedInputs(node, 1, 1);
      const Shape& x = shape_of(0);
      const std::vector<int64_t> perm = node.attrs.GetInts("perm", {});
      if (perm.size() != x.size()) Fail(node, "perm must name every axis once");
      std::vector<bool> seen(x.size(), false);
      Shape out(x.size());
      for (size_t d = 0; d < perm.size(); ++d) {
        if (perm[d] < 0 || perm[d] >= static_cast<int64_t>(x.size()) ||
            seen[static_cast<size_t>(perm[d])]) {
          Fail(node, "perm must name every axis once");
        }
        seen[static_cast<size_t>(perm[d])] = true;
        out[d] = x[static_cast<size_t>(perm[d])];
      }
      return out;
    }
    case OpType::kReduceMean: {
      NeedInputs(node, 1, 1);
      const Shape& x = shape_of(0);
      std::vector<bool> reduced(x.size(), node.attrs.GetInts("axes", {}).empty());
      for (const int64_t axis : node.attrs.GetInts("axes", {})) {
        const auto d = static_cast<size_t>(NormalizeAxis(node, axis, x.size()));
        if (reduced[d]) Fail(node, "axes name an axis twice");
        reduced[d] = true;
      }
      const bool keep = node.attrs.GetInt("keepdims", 1) != 0;
      Shape out;
      for (size_t d = 0; d < x.size(); ++d) {
        if (!reduced[d]) {
          out.push_back(x[d]);
        } else if (keep) {
          out.push_back(1);
        }
      }
      return out;
    }
    case OpType::kConcat: {
      NeedInputs(node, 1, 1 << 16);
      Shape out = shape_of(0);
      const int64_t axis = NormalizeAxis(node, node.attrs.GetInt("axis", -1), out.size());
      for (size_t i = 1; i < node.inputs.size(); ++i) {
        const Shape& s = shape_of(i);
        if (s.size() != out.size()) Fail(node, "inputs differ in rank");
        for (size_t d = 0; d < s.size(); ++d) {
          if (static_cast<int64_t>(d) != axis && s[d] != out[d]) {
            Fail(node, "input " + ShapeToString(s) + " does not match " +
                           ShapeToString(shape_of(0)) + " off the concat axis");
          }
        }
        out[static_cast<size_t>(axis)] += s[static_cast<size_t>(axis)];
      }
      return out;
    }
    case OpType::kReshape: {
      NeedInputs(node, 1, 1);
      const Shape& x = shape_of(0);
      Shape out = node.attrs.GetInts("shape", {});
      int infer_at = -1;
      int64_t known = 1;
      for (size_t d = 0; d < out.size(); ++d) {
        if (out[d] == 0) {
          if (d >= x.size()) Fail(node, "shape 0 at a dimension the input lacks");
          out[d] = x[d];
        }
        if (out[d] == -1) {
          if (infer_at >= 0) Fail(node, "shape has more than one -1");
          infer_at = static_cast<int>(d);
        } else if (out[d] < 0) {
          Fail(node, "shape has a negative extent");
        } else {
          known *= out[d];
        }
      }
      const int64_t total = NumElements(x);
      if (infer_at >= 0) {
        if (known == 0 || total % known != 0) Fail(node, "cannot infer -1 in the target shape");
        out[static_cast<size_t>(infer_at)] = total / known;
      }
      if (NumElements(out) != total) {
        Fail(node, "cannot reshape " + ShapeToString(x) + " to " + ShapeToString(out));
      }
      return out;
    }
    case OpType::kFlatten: {
      NeedInputs(node, 1, 1);
      const Shape& x = shape_of(0);
      int64_t axis = node.attrs.GetInt("axis", 1);
      if (axis < 0) axis += static_cast<int64_t>(x.size());
      if (axis < 0 || axis > static_cast<int64_t>(x.size())) Fail(node, "axis out of range");
      int64_t outer = 1, inner = 1;
      for (size_t d = 0; d < x.size(); ++d) {
        (static_cast<int64_t>(d) < axis ? outer : inner) *= x[d];
      }
      return {outer, inner};
    }
    case OpType::kSoftmax: {
      NeedInputs(node, 1, 1);
      NormalizeAxis(node, node.attrs.GetInt("axis", -1), shape_of(0).size());
      return shape_of(0);
    }
    case OpType::kBatchNorm: {
      NeedInputs(node, 5, 5);
      const Shape& x = shape_of(0);
      if (x.empty()) Fail(node, "input must have a channel dimension");
      for (size_t i = 1; i < 5; ++i) {
        if (shape_of(i) != Shape{x.back()}) {
          Fail(node, "parameter " + std::to_string(i) + " must have shape [" +
                         std::to_string(x.back()) + "]");
        }
      }
      return x;
    }
    case OpType::kPad: {
      NeedInputs(node, 1, 1);
      const Shape& x = shape_of(0);
      const std::vector<int64_t> pads = node.attrs.GetInts("pads", {});
      if (pads.size() != 2 * x.size()) Fail(node, "pads needs 2 values per dimension");
      Shape out = x;
      for (size_t d = 0; d < x.size(); ++d) {
        if (pads[d] < 0 || pads[d + x.size()] < 0) Fail(node, "negative pads");
        out[d] += pads[d] + pads[d + x.size()];
      }
      return out;
    }
    case OpType::kLstm:
    case OpType::kGru:
    case OpType::kFastRnn:
    case OpType::kFastGrnn:
      return ParseRecurrentLayout(graph, node).OutputShape();
    case OpType::kStructuredDense: {
      const StructuredDenseLayout layout = ParseStructuredDenseLayout(graph, node);
      Shape out = graph.value(node.inputs[0]).shape;
      out.back() = layout.w.rows;
      return out;
    }
    case OpType::kClip:
    case OpType::kRelu:
    case OpType::kSigmoid:
    case OpType::kTanh:
    case OpType::kQuantize:
    case OpType::kDequantize:
    case OpType::kDropout:
    case OpType::kBinarize:
    case OpType::kSqrt:
    case OpType::kHardSigmoid:
    case OpType::kHardSwish:
      NeedInputs(node, 1, 1);
      return shape_of(0);
  }
  Fail(node, "unknown op");
}

// Ops whose quantized output can share the input's scale and zero point.
bool KeepsQuantParams(OpType op) {
  switch (op) {
    case OpType::kMaxPool:
    case OpType::kReshape:
    case OpType::kFlatten:
    case OpType::kDropout:
    case OpType::kPad:
    case OpType::kRelu:
    case OpType::kClip:
    case OpType::kConcat:
    case OpType::kTranspose:
      return true;
    default:
      return false;
  }
}

}  // namespace

void Graph::InferShapes() {
  for (const NodeId id : TopologicalOrder()) InferShape(id);
}

void Graph::InferShape(NodeId id) {
  const Node& node = nodes_.at(static_cast<size_t>(id));
  if (node.outputs.size() != 1) {
    throw Error(ErrorCode::kInvalidGraph, "node '" + node.name + "' must have exactly one output");
  }
  for (const ValueId in : node.inputs) {
    if (in < 0 || static_cast<size_t>(in) >= values_.size()) {
      throw Error(ErrorCode::kInvalidGraph, "node '" + node.name + "' reads a missing value");
    }
  }
  Value& out = value(node.outputs[0]);
  out.shape = InferNode(*this, node);
  const Value& first = value(node.inputs[0]);
  if (node.op == OpType::kDequantize) {
    out.dtype = DType::kF32;
    out.quant = {};
  } else if (node.op == OpType::kQuantize) {
    // dtype and parameters are the quantizer's choice
  } else if (node.op == OpType::kBinarize && out.dtype == DType::kBinary) {
    // levels +-1 at scale 1 unless the graph says otherwise
    if (out.quant.empty()) out.quant = QuantParams::PerTensor(1.0f, 0);
  } else if (first.dtype == DType::kF32) {
    out.dtype = DType::kF32;
    out.quant = {};
  } else if (!IsQuantizedActivation(out.dtype) || out.quant.empty()) {
    if (KeepsQuantParams(node.op)) {
      out.dtype = first.dtype;
      out.quant = first.quant;
    }
  }
}

}  // namespace trit
