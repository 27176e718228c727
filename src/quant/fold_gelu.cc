#include "quant/fold_gelu.h"

#include <algorithm>
#include <optional>
#include <string>
#include <vector>

#include "quant/graph_edit.h"
#include "quant/pattern_matcher.h"

namespace trit::quant {
namespace {

constexpr float kConstantTolerance = 1e-6f;

class GeluMatcher : PatternMatcher {
 public:
  GeluMatcher(Graph& g, std::set<NodeId>& removed) : PatternMatcher(g, removed) {}

  // Every Mul is tried as the outermost one: a GELU inside a larger product (GEGLU's
  // gelu(a) * b) is the Mul whose factors are exactly x, 0.5 and 1 + gate.
  int Run() {
    int fused = 0;
    for (size_t n = 0; n < g_.nodes().size(); ++n) {
      const auto id = static_cast<NodeId>(n);
      if (removed_.count(id) || g_.node(id).op != OpType::kMul || !IsFloat(id)) continue;
      if (TryFuse(id)) ++fused;
    }
    return fused;
  }

 private:
  bool IsFloat(NodeId n) const { return g_.value(g_.node(n).outputs[0]).dtype == DType::kF32; }
  // The factors of the product that Mul node `mul` computes, through the Muls that feed only it:
  // the leaves go to `factors`, the inner Muls to `inner`.
  void Factors(NodeId mul, std::vector<ValueId>& factors, std::vector<NodeId>& inner) const {
    for (const ValueId v : g_.node(mul).inputs) {
      const NodeId p = OnlyFor(v, mul);
      if (p >= 0 && g_.node(p).op == OpType::kMul && IsFloat(p)) {
        inner.push_back(p);
        Factors(p, factors, inner);
      } else {
        factors.push_back(v);
      }
    }
  }

  // The last of `nodes` that reads `v`, or -1.
  NodeId ReaderAmong(ValueId v, const std::vector<NodeId>& nodes) const {
    NodeId reader = -1;
    for (const NodeId n : nodes) {
      const std::vector<ValueId>& inputs = g_.node(n).inputs;
      if (std::find(inputs.begin(), inputs.end(), v) != inputs.end()) reader = n;
    }
    return reader;
  }

  bool IsConstant(ValueId v, float expected) const {
    return IsScalarConstant(g_, v, expected, kConstantTolerance);
  }

  // For Add(v, 1) or Add(1, v) made only for `reader`: v and the Add; nothing otherwise.
  std::optional<std::pair<ValueId, NodeId>> OnePlus(ValueId sum, NodeId reader) const {
    const NodeId a = OnlyFor(sum, reader);
    if (a < 0 || !IsPlainAdd(g_.node(a))) return std::nullopt;
    const Node& add = g_.node(a);
    for (int side = 0; side < 2; ++side) {
      if (IsConstant(add.inputs[side], 1.0f)) return std::pair{add.inputs[1 - side], a};
    }
    return std::nullopt;
  }

  // The erf form's gate argument: x / sqrt 2 as Div(x, sqrt 2) or Mul by 1/sqrt 2.
  bool IsScaledBySqrtHalf(const Node& node, ValueId x) const {
    if (node.op == OpType::kDiv) {
      return node.inputs[0] == x && IsConstant(node.inputs[1], 1.41421356237309505f);
    }
    if (node.op != OpType::kMul) return false;
    for (int side = 0; side < 2; ++side) {
      if (node.inputs[side] == x && IsConstant(node.inputs[1 - side], 0.70710678118654752f)) {
        return true;
      }
    }
    return false;
  }

  // x^3 for `reader`: Pow(x, 3), or a product whose factors are x three times.
  bool IsCube(ValueId v, ValueId x, NodeId reader, std::vector<NodeId>& pattern) const {
    const NodeId p = OnlyFor(v, reader);
    if (p < 0) return false;
    const Node& node = g_.node(p);
    if (node.op == OpType::kPow) {
      if (node.inputs[0] != x || !IsScalarConstant(g_, node.inputs[1], 3.0f)) return false;
      pattern.push_back(p);
      return true;
    }
    if (node.op != OpType::kMul) return false;
    std::vector<ValueId> factors;
    std::vector<NodeId> inner = {p};
    Factors(p, factors, inner);
    if (factors != std::vector<ValueId>{x, x, x}) return false;
    pattern.insert(pattern.end(), inner.begin(), inner.end());
    return true;
  }

  // The tanh form's gate argument, made for `reader`: sqrt(2/pi) * (x + 0.044715 * x^3).
  bool IsTanhArgument(ValueId v, ValueId x, NodeId reader, std::vector<NodeId>& pattern) const {
    const NodeId scale = OnlyFor(v, reader);
    if (scale < 0 || g_.node(scale).op != OpType::kMul) return false;
    std::vector<ValueId> factors;
    std::vector<NodeId> inner = {scale};
    Factors(scale, factors, inner);
    if (factors.size() != 2) return false;
    const int beta_side = IsConstant(factors[0], 0.79788456080286536f) ? 0 : 1;
    if (!IsConstant(factors[beta_side], 0.79788456080286536f)) return false;
    // x + 0.044715 x^3, the sum in either order.
    const ValueId sum = factors[1 - beta_side];
    const NodeId a = producers_[static_cast<size_t>(sum)];
    if (a < 0 || std::find(inner.begin(), inner.end(), a) != inner.end()) return false;
    if (!IsPlainAdd(g_.node(a))) return false;
    if (OnlyFor(sum, ReaderAmong(sum, inner)) != a) return false;
    const Node& add = g_.node(a);
    for (int side = 0; side < 2; ++side) {
      if (add.inputs[side] != x) continue;
      const NodeId cubic = OnlyFor(add.inputs[1 - side], a);
      if (cubic < 0 || g_.node(cubic).op != OpType::kMul) continue;
      const Node& mul = g_.node(cubic);
      for (int k = 0; k < 2; ++k) {
        std::vector<NodeId> cube_nodes;
        if (!IsConstant(mul.inputs[k], 0.044715f) ||
            !IsCube(mul.inputs[1 - k], x, cubic, cube_nodes)) {
          continue;
        }
        pattern.insert(pattern.end(), inner.begin(), inner.end());
        pattern.insert(pattern.end(), {a, cubic});
        pattern.insert(pattern.end(), cube_nodes.begin(), cube_nodes.end());
        return true;
      }
    }
    return false;
  }

  bool TryFuse(NodeId root) {
    std::vector<ValueId> factors;
    std::vector<NodeId> inner;
    Factors(root, factors, inner);
    if (factors.size() != 3) return false;
    const auto half = std::find_if(factors.begin(), factors.end(),
                                   [&](ValueId v) { return IsConstant(v, 0.5f); });
    if (half == factors.end()) return false;
    factors.erase(half);
    // The remaining two: x and 1 + gate(...), in either order.
    for (int side = 0; side < 2; ++side) {
      const ValueId x = factors[static_cast<size_t>(side)];
      const ValueId sum = factors[static_cast<size_t>(1 - side)];
      // The Mul that reads the sum: the root or one of the inner Muls.
      std::vector<NodeId> muls = inner;
      muls.push_back(root);
      const NodeId sum_reader = ReaderAmong(sum, muls);
      const auto one_plus = OnePlus(sum, sum_reader);
      if (!one_plus) continue;
      const NodeId gate = OnlyFor(one_plus->first, one_plus->second);
      if (gate < 0) continue;
      std::vector<NodeId> pattern = inner;
      pattern.insert(pattern.end(), {one_plus->second, gate});
      bool tanh_form = false;
      if (g_.node(gate).op == OpType::kErf) {
        const NodeId scale = OnlyFor(g_.node(gate).inputs[0], gate);
        if (scale < 0 || !IsScaledBySqrtHalf(g_.node(scale), x)) continue;
        pattern.push_back(scale);
      } else if (g_.node(gate).op == OpType::kTanh) {
        if (!IsTanhArgument(g_.node(gate).inputs[0], x, gate, pattern)) continue;
        tanh_form = true;
      } else {
        continue;
      }
      Remove(pattern);
      Node& gelu = g_.nodes()[static_cast<size_t>(root)];
      gelu.op = OpType::kGelu;
      gelu.inputs = {x};
      gelu.attrs = {};
      if (tanh_form) gelu.attrs.Set("approximate", std::string("tanh"));
      Recount();
      return true;
    }
    return false;
  }
};

}  // namespace

int FoldSpelledOutGelus(Graph& graph, std::set<NodeId>& removed) {
  return GeluMatcher(graph, removed).Run();
}

}  // namespace trit::quant
