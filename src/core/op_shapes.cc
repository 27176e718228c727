#include "core/op_shapes.h"

#include <algorithm>
#include <string>

#include "core/error.h"
#include "core/op_params.h"
#include "core/recurrent_layout.h"
#include "core/structured_layout.h"

namespace trit {
namespace {

const Shape& InputShape(const Graph& graph, const Node& node, size_t i) {
  return graph.value(node.inputs[i]).shape;
}

void NeedRank(const Node& node, const Shape& shape, size_t rank, const char* what) {
  if (shape.size() != rank) {
    FailShape(node, std::string(what) + " must have rank " + std::to_string(rank) + ", has shape " +
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
      FailShape(node, "cannot broadcast " + ShapeToString(a) + " with " + ShapeToString(b));
    }
    out[i] = da == 1 ? db : da;
  }
  return out;
}

int64_t NormalizeAxis(const Node& node, int64_t axis, size_t rank) {
  const int64_t r = static_cast<int64_t>(rank);
  if (axis < -r || axis >= r) FailShape(node, "axis " + std::to_string(axis) + " out of range");
  return axis < 0 ? axis + r : axis;
}

Shape WindowOutput(const Node& node, const Shape& in, const WindowParams& p, int64_t channels) {
  const int64_t oh = p.OutH(in[1]);
  const int64_t ow = p.OutW(in[2]);
  if (oh <= 0 || ow <= 0) {
    FailShape(node, "window does not fit input " + ShapeToString(in));
  }
  return {in[0], oh, ow, channels};
}

void NeedBiasOf(const Graph& graph, const Node& node, int64_t channels) {
  if (node.inputs.size() == 3 && InputShape(graph, node, 2) != Shape{channels}) {
    FailShape(node, "bias must have shape [" + std::to_string(channels) + "]");
  }
}

}  // namespace

void FailShape(const Node& node, const std::string& problem) {
  throw Error(ErrorCode::kShape, DescribeNode(node) + ": " + problem);
}

Shape InferConv2DShape(const Graph& graph, const Node& node) {
  const Shape& x = InputShape(graph, node, 0);
  const Shape& w = InputShape(graph, node, 1);
  NeedRank(node, x, 4, "input");
  NeedRank(node, w, 4, "weights");
  const WindowParams p = ParseConv2DParams(node.attrs, w[1], w[2]);
  if (x[3] % p.groups != 0 || w[0] % p.groups != 0) {
    FailShape(node, "channels not divisible by groups " + std::to_string(p.groups));
  }
  if (w[3] != x[3] / p.groups) {
    FailShape(node, "weights " + ShapeToString(w) + " do not match input channels " +
                        std::to_string(x[3]) + " / groups " + std::to_string(p.groups));
  }
  NeedBiasOf(graph, node, w[0]);
  return WindowOutput(node, x, p, w[0]);
}

Shape InferDenseShape(const Graph& graph, const Node& node) {
  const Shape& x = InputShape(graph, node, 0);
  const Shape& w = InputShape(graph, node, 1);
  NeedRank(node, w, 2, "weights");
  if (x.empty() || x.back() != w[1]) {
    FailShape(node, "input " + ShapeToString(x) + " does not match weights " + ShapeToString(w));
  }
  NeedBiasOf(graph, node, w[0]);
  Shape out = x;
  out.back() = w[0];
  return out;
}

Shape InferPoolShape(const Graph& graph, const Node& node) {
  const Shape& x = InputShape(graph, node, 0);
  NeedRank(node, x, 4, "input");
  return WindowOutput(node, x, ParsePoolParams(node.attrs), x[3]);
}

Shape InferGlobalAvgPoolShape(const Graph& graph, const Node& node) {
  const Shape& x = InputShape(graph, node, 0);
  NeedRank(node, x, 4, "input");
  return {x[0], 1, 1, x[3]};
}

Shape InferBroadcastShape(const Graph& graph, const Node& node) {
  return Broadcast(node, InputShape(graph, node, 0), InputShape(graph, node, 1));
}

Shape InferMatMulShape(const Graph& graph, const Node& node) {
  const Shape& a = InputShape(graph, node, 0);
  const Shape& b = InputShape(graph, node, 1);
  if (a.size() < 2 || b.size() < 2) FailShape(node, "inputs must have rank 2 or more");
  if (a.back() != b[b.size() - 2]) {
    FailShape(node, "cannot multiply " + ShapeToString(a) + " by " + ShapeToString(b));
  }
  Shape out = Broadcast(node, Shape(a.begin(), a.end() - 2), Shape(b.begin(), b.end() - 2));
  out.push_back(a[a.size() - 2]);
  out.push_back(b.back());
  return out;
}

Shape InferTransposeShape(const Graph& graph, const Node& node) {
  const Shape& x = InputShape(graph, node, 0);
  const std::vector<int64_t> perm = node.attrs.GetInts("perm", {});
  if (perm.size() != x.size()) FailShape(node, "perm must name every axis once");
  std::vector<bool> seen(x.size(), false);
  Shape out(x.size());
  for (size_t d = 0; d < perm.size(); ++d) {
    if (perm[d] < 0 || perm[d] >= static_cast<int64_t>(x.size()) ||
        seen[static_cast<size_t>(perm[d])]) {
      FailShape(node, "perm must name every axis once");
    }
    seen[static_cast<size_t>(perm[d])] = true;
    out[d] = x[static_cast<size_t>(perm[d])];
  }
  return out;
}

Shape InferReduceMeanShape(const Graph& graph, const Node& node) {
  const Shape& x = InputShape(graph, node, 0);
  std::vector<bool> reduced(x.size(), node.attrs.GetInts("axes", {}).empty());
  for (const int64_t axis : node.attrs.GetInts("axes", {})) {
    const auto d = static_cast<size_t>(NormalizeAxis(node, axis, x.size()));
    if (reduced[d]) FailShape(node, "axes name an axis twice");
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

Shape InferConcatShape(const Graph& graph, const Node& node) {
  Shape out = InputShape(graph, node, 0);
  const int64_t axis = NormalizeAxis(node, node.attrs.GetInt("axis", -1), out.size());
  for (size_t i = 1; i < node.inputs.size(); ++i) {
    const Shape& s = InputShape(graph, node, i);
    if (s.size() != out.size()) FailShape(node, "inputs differ in rank");
    for (size_t d = 0; d < s.size(); ++d) {
      if (static_cast<int64_t>(d) != axis && s[d] != out[d]) {
        FailShape(node, "input " + ShapeToString(s) + " does not match " +
                            ShapeToString(InputShape(graph, node, 0)) + " off the concat axis");
      }
    }
    out[static_cast<size_t>(axis)] += s[static_cast<size_t>(axis)];
  }
  return out;
}

Shape InferReshapeShape(const Graph& graph, const Node& node) {
  const Shape& x = InputShape(graph, node, 0);
  Shape out = node.attrs.GetInts("shape", {});
  int infer_at = -1;
  int64_t known = 1;
  for (size_t d = 0; d < out.size(); ++d) {
    if (out[d] == 0) {
      if (d >= x.size()) FailShape(node, "shape 0 at a dimension the input lacks");
      out[d] = x[d];
    }
    if (out[d] == -1) {
      if (infer_at >= 0) FailShape(node, "shape has more than one -1");
      infer_at = static_cast<int>(d);
    } else if (out[d] < 0) {
      FailShape(node, "shape has a negative extent");
    } else {
      known *= out[d];
    }
  }
  const int64_t total = NumElements(x);
  if (infer_at >= 0) {
    if (known == 0 || total % known != 0) FailShape(node, "cannot infer -1 in the target shape");
    out[static_cast<size_t>(infer_at)] = total / known;
  }
  if (NumElements(out) != total) {
    FailShape(node, "cannot reshape " + ShapeToString(x) + " to " + ShapeToString(out));
  }
  return out;
}

Shape InferFlattenShape(const Graph& graph, const Node& node) {
  const Shape& x = InputShape(graph, node, 0);
  int64_t axis = node.attrs.GetInt("axis", 1);
  if (axis < 0) axis += static_cast<int64_t>(x.size());
  if (axis < 0 || axis > static_cast<int64_t>(x.size())) FailShape(node, "axis out of range");
  int64_t outer = 1, inner = 1;
  for (size_t d = 0; d < x.size(); ++d) {
    (static_cast<int64_t>(d) < axis ? outer : inner) *= x[d];
  }
  return {outer, inner};
}

Shape InferSoftmaxShape(const Graph& graph, const Node& node) {
  const Shape& x = InputShape(graph, node, 0);
  NormalizeAxis(node, node.attrs.GetInt("axis", -1), x.size());
  return x;
}

Shape InferBatchNormShape(const Graph& graph, const Node& node) {
  const Shape& x = InputShape(graph, node, 0);
  if (x.empty()) FailShape(node, "input must have a channel dimension");
  for (size_t i = 1; i < 5; ++i) {
    if (InputShape(graph, node, i) != Shape{x.back()}) {
      FailShape(node, "parameter " + std::to_string(i) + " must have shape [" +
                          std::to_string(x.back()) + "]");
    }
  }
  return x;
}

Shape InferLayerNormShape(const Graph& graph, const Node& node) {
  const Shape& x = InputShape(graph, node, 0);
  const auto rank = static_cast<int64_t>(x.size());
  int64_t axis = node.attrs.GetInt("axis", -1);
  if (axis < 0) axis += rank;
  if (axis < 0 || axis >= rank) FailShape(node, "axis out of range");
  int64_t row = 1;
  for (int64_t d = axis; d < rank; ++d) row *= x[static_cast<size_t>(d)];
  for (size_t i = 1; i < node.inputs.size(); ++i) {
    if (NumElements(InputShape(graph, node, i)) != row) {
      FailShape(node, "parameter " + std::to_string(i) + " must hold " + std::to_string(row) +
                          " values, one per element of a row");
    }
  }
  return x;
}

Shape InferPadShape(const Graph& graph, const Node& node) {
  const Shape& x = InputShape(graph, node, 0);
  const std::vector<int64_t> pads = node.attrs.GetInts("pads", {});
  if (pads.size() != 2 * x.size()) FailShape(node, "pads needs 2 values per dimension");
  Shape out = x;
  for (size_t d = 0; d < x.size(); ++d) {
    if (pads[d] < 0 || pads[d + x.size()] < 0) FailShape(node, "negative pads");
    out[d] += pads[d] + pads[d + x.size()];
  }
  return out;
}

Shape InferRecurrentShape(const Graph& graph, const Node& node) {
  return ParseRecurrentLayout(graph, node).OutputShape();
}

Shape InferStructuredDenseShape(const Graph& graph, const Node& node) {
  const StructuredDenseLayout layout = ParseStructuredDenseLayout(graph, node);
  Shape out = InputShape(graph, node, 0);
  out.back() = layout.w.rows;
  return out;
}

Shape InferSameShape(const Graph& graph, const Node& node) { return InputShape(graph, node, 0); }

Shape InferGeluShape(const Graph& graph, const Node& node) {
  ParseGeluApproximation(node.attrs.GetString("approximate", "none"));  // checked here, once
  return InputShape(graph, node, 0);
}

}  // namespace trit
