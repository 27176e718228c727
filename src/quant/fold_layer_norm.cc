#include "quant/fold_layer_norm.h"

#include <algorithm>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "quant/graph_edit.h"
#include "quant/pattern_matcher.h"

namespace trit::quant {
namespace {

class LayerNormMatcher : PatternMatcher {
 public:
  LayerNormMatcher(Graph& g, std::set<NodeId>& removed) : PatternMatcher(g, removed) {}

  int Run() {
    int fused = 0;
    for (size_t n = 0; n < g_.nodes().size(); ++n) {
      const auto id = static_cast<NodeId>(n);
      if (removed_.count(id) || g_.node(id).op != OpType::kDiv) continue;
      if (TryFuse(id)) ++fused;
    }
    return fused;
  }

 private:
  // The first normalized axis of a keepdims ReduceMean over the trailing axes of its input, or
  // nothing.
  std::optional<int64_t> TrailingAxis(const Node& reduce) const {
    const auto rank = static_cast<int64_t>(g_.value(reduce.inputs[0]).shape.size());
    if (reduce.attrs.GetInt("keepdims", 1) == 0 || rank == 0) return std::nullopt;
    std::vector<int64_t> axes = reduce.attrs.GetInts("axes", {});
    if (axes.empty()) return 0;  // all axes
    for (int64_t& a : axes) a = a < 0 ? a + rank : a;
    std::sort(axes.begin(), axes.end());
    for (size_t i = 0; i < axes.size(); ++i) {
      if (axes[i] != rank - static_cast<int64_t>(axes.size()) + static_cast<int64_t>(i)) {
        return std::nullopt;
      }
    }
    return axes.front();
  }

  // A constant operand of `node` (either side) holding one value per element of a row of
  // `row_shape`: the other operand and the values; nothing otherwise.
  std::optional<std::pair<ValueId, std::vector<float>>> RowConstant(const Node& node,
                                                                    const Shape& row_shape) const {
    for (int side = 0; side < 2; ++side) {
      const Value& c = g_.value(node.inputs[static_cast<size_t>(side)]);
      if (!c.is_constant() || c.dtype != DType::kF32) continue;
      Shape shape = c.shape;
      while (!shape.empty() && shape.front() == 1 && shape.size() > row_shape.size()) {
        shape.erase(shape.begin());
      }
      if (shape != row_shape) continue;
      return std::pair{node.inputs[static_cast<size_t>(1 - side)], FloatData(c)};
    }
    return std::nullopt;
  }

  bool TryFuse(NodeId div_id) {
    const Node& div = g_.node(div_id);
    const ValueId centered = div.inputs[0];
    const NodeId sqrt = OnlyFor(div.inputs[1], div_id, OpType::kSqrt);
    if (sqrt < 0) return false;
    const NodeId add = OnlyFor(g_.node(sqrt).inputs[0], sqrt, OpType::kAdd);
    if (add < 0 || !IsPlainAdd(g_.node(add))) return false;
    // variance + epsilon, either order.
    const Node& add_node = g_.node(add);
    int variance_side = -1;
    float epsilon = 0;
    for (int side = 0; side < 2; ++side) {
      const Value& c = g_.value(add_node.inputs[static_cast<size_t>(1 - side)]);
      if (c.is_constant() && c.dtype == DType::kF32 && NumElements(c.shape) == 1) {
        variance_side = side;
        epsilon = FloatData(c)[0];
      }
    }
    if (variance_side < 0 || !(epsilon >= 0)) return false;
    const NodeId variance =
        OnlyFor(add_node.inputs[static_cast<size_t>(variance_side)], add, OpType::kReduceMean);
    if (variance < 0) return false;
    const std::optional<int64_t> axis = TrailingAxis(g_.node(variance));
    if (!axis) return false;
    // c^2: Pow(c, 2) or Mul(c, c), made only for the variance.
    const ValueId squared_value = g_.node(variance).inputs[0];
    NodeId squared = OnlyFor(squared_value, variance, OpType::kPow);
    if (squared >= 0) {
      const Node& pow = g_.node(squared);
      if (pow.inputs[0] != centered || !IsScalarConstant(g_, pow.inputs[1], 2.0f)) return false;
    } else {
      squared = OnlyFor(squared_value, variance, OpType::kMul);
      if (squared < 0 || g_.node(squared).inputs[0] != centered ||
          g_.node(squared).inputs[1] != centered) {
        return false;
      }
    }
    // c = x - mean, read by the square and the division only.
    const NodeId sub = producers_[static_cast<size_t>(centered)];
    if (sub < 0 || removed_.count(sub) || g_.node(sub).op != OpType::kSub) return false;
    std::vector<NodeId> readers = consumers_[static_cast<size_t>(centered)];
    std::sort(readers.begin(), readers.end());
    std::vector<NodeId> expected = {squared, div_id};
    std::sort(expected.begin(), expected.end());
    if (readers != expected || IsGraphOutput(centered)) return false;
    const ValueId x = g_.node(sub).inputs[0];
    const NodeId mean = OnlyFor(g_.node(sub).inputs[1], sub, OpType::kReduceMean);
    if (mean < 0 || g_.node(mean).inputs[0] != x || TrailingAxis(g_.node(mean)) != axis) {
      return false;
    }
    const Shape& x_shape = g_.value(x).shape;
    const Shape row(x_shape.begin() + *axis, x_shape.end());
    const auto row_size = static_cast<size_t>(NumElements(row));
    // Optional scale, then optional bias.
    std::vector<NodeId> pattern = {mean, sub, squared, variance, add, sqrt};
    NodeId last = div_id;
    std::vector<float> scale(row_size, 1.0f), bias;
    if (const NodeId m = SingleReader(div.outputs[0]); m >= 0 && g_.node(m).op == OpType::kMul) {
      if (const auto c = RowConstant(g_.node(m), row); c && c->first == div.outputs[0]) {
        pattern.push_back(last);
        last = m;
        scale = c->second;
      }
    }
    if (const NodeId a = SingleReader(g_.node(last).outputs[0]); a >= 0 && IsPlainAdd(g_.node(a))) {
      if (const auto c = RowConstant(g_.node(a), row); c && c->first == g_.node(last).outputs[0]) {
        pattern.push_back(last);
        last = a;
        bias = c->second;
      }
    }
    Remove(pattern);
    Node& norm = g_.nodes()[static_cast<size_t>(last)];
    const std::string name = norm.name;
    std::vector<ValueId> inputs = {x, AddRowConstant(name + "/scale", row, scale)};
    if (!bias.empty()) inputs.push_back(AddRowConstant(name + "/bias", row, bias));
    Node& fused = g_.nodes()[static_cast<size_t>(last)];
    fused.op = OpType::kLayerNorm;
    fused.inputs = std::move(inputs);
    fused.attrs = {};
    fused.attrs.Set("axis", *axis);
    fused.attrs.Set("epsilon", epsilon);
    Recount();
    return true;
  }

  bool IsGraphOutput(ValueId v) const {
    return std::find(g_.outputs().begin(), g_.outputs().end(), v) != g_.outputs().end();
  }

  ValueId AddRowConstant(const std::string& name, const Shape& row, const std::vector<float>& v) {
    Value c;
    c.name = name;
    c.shape = row;
    SetFloatData(c, v);
    return g_.AddValue(std::move(c));
  }
};

}  // namespace

int FoldSpelledOutLayerNorms(Graph& graph, std::set<NodeId>& removed) {
  return LayerNormMatcher(graph, removed).Run();
}

}  // namespace trit::quant
