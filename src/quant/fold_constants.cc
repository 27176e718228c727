#include "quant/fold_constants.h"

#include <algorithm>
#include <map>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

#include "quant/graph_edit.h"

namespace trit::quant {
namespace {

// The per-output-channel values of constant `c` for a layer of `channels` outputs whose output
// has shape `out`: c holds one value, or `channels` along the last axis with every other
// extent 1 and no more axes than `out` (so broadcasting leaves the shape as it is). Empty when
// it is neither.
std::vector<float> PerChannel(const Value& c, const Shape& out, int64_t channels) {
  if (!c.is_constant() || c.dtype != DType::kF32 || c.shape.size() > out.size()) return {};
  const int64_t count = NumElements(c.shape);
  if (count == 1) return std::vector<float>(static_cast<size_t>(channels), FloatData(c)[0]);
  if (count != channels || c.shape.empty() || c.shape.back() != channels) return {};
  return FloatData(c);
}

// The op that folds and what it does to the layer: a scale of the rows and bias, or a shift
// of the bias.
enum class Fold { kNone, kScale, kShift };

}  // namespace

int FoldConstantsIntoLinearLayers(Graph& g, std::set<NodeId>& removed) {
  const std::vector<NodeId> producers = g.Producers();
  auto consumers = Consumers(g);
  int folded = 0;
  for (size_t n = 0; n < g.nodes().size(); ++n) {
    const auto id = static_cast<NodeId>(n);
    if (removed.count(id)) continue;
    const Node node = g.nodes()[n];
    if (node.inputs.size() != 2 || g.value(node.outputs[0]).dtype != DType::kF32) continue;
    Fold fold = Fold::kNone;
    if (node.op == OpType::kMul || node.op == OpType::kDiv) fold = Fold::kScale;
    if (IsPlainAdd(node) || node.op == OpType::kSub) fold = Fold::kShift;
    if (fold == Fold::kNone) continue;
    // Which side is the layer's output: either for Mul and Add, the first for Div and Sub.
    const bool commutes = node.op == OpType::kMul || node.op == OpType::kAdd;
    for (int side = 0; side < (commutes ? 2 : 1); ++side) {
      const ValueId v = node.inputs[static_cast<size_t>(side)];
      const NodeId p = producers[static_cast<size_t>(v)];
      if (p < 0 || removed.count(p) || !HasSingleConsumer(g, consumers, v)) continue;
      Node& layer = g.nodes()[static_cast<size_t>(p)];
      if ((layer.op != OpType::kConv2D && layer.op != OpType::kDense) ||
          layer.attrs.GetString("activation", "none") != "none" ||
          !g.value(layer.inputs[1]).is_constant() ||
          g.value(layer.inputs[1]).dtype != DType::kF32 ||
          (layer.inputs.size() == 3 && !g.value(layer.inputs[2]).is_constant())) {
        continue;
      }
      const Shape& out = g.value(v).shape;
      if (out.empty() || g.value(node.outputs[0]).shape != out) continue;
      const int64_t channels = out.back();
      std::vector<float> c =
          PerChannel(g.value(node.inputs[static_cast<size_t>(1 - side)]), out, channels);
      if (c.empty()) continue;
      std::vector<float> w = FloatData(g.value(layer.inputs[1]));
      std::vector<float> bias(static_cast<size_t>(channels), 0.0f);
      if (layer.inputs.size() == 3) bias = FloatData(g.value(layer.inputs[2]));
      const size_t per_channel = w.size() / static_cast<size_t>(channels);
      for (size_t o = 0; o < static_cast<size_t>(channels); ++o) {
        if (fold == Fold::kScale) {
          const float s = node.op == OpType::kDiv ? 1.0f / c[o] : c[o];
          for (size_t i = 0; i < per_channel; ++i) w[o * per_channel + i] *= s;
          bias[o] *= s;
        } else {
          bias[o] += node.op == OpType::kSub ? -c[o] : c[o];
        }
      }
      // New constants: the old ones may be read by another layer.
      Value weights = g.value(layer.inputs[1]);
      weights.name += "/" + node.name + "_folded";
      SetFloatData(weights, w);
      Value b;
      b.name = layer.name + "/" + node.name + "_folded_bias";
      b.shape = {channels};
      SetFloatData(b, bias);
      layer.inputs[1] = g.AddValue(std::move(weights));
      const ValueId bias_id = g.AddValue(std::move(b));
      if (layer.inputs.size() == 3) {
        layer.inputs[2] = bias_id;
      } else {
        layer.inputs.push_back(bias_id);
      }
      ReplaceUses(g, node.outputs[0], v);
      g.nodes()[n].inputs.clear();
      removed.insert(id);
      consumers = Consumers(g);
      ++folded;
      break;
    }
  }
  return folded;
}

int MergeDuplicateNodes(Graph& g, std::set<NodeId>& removed) {
  // By op and inputs; the attributes are compared within a bucket.
  std::map<std::pair<OpType, std::vector<ValueId>>, std::vector<NodeId>> seen;
  int merged = 0;
  for (const NodeId id : g.TopologicalOrder()) {
    if (removed.count(id)) continue;
    const Node node = g.node(id);
    if (node.inputs.empty()) continue;
    auto& bucket = seen[{node.op, node.inputs}];
    const auto same = std::find_if(bucket.begin(), bucket.end(), [&](NodeId other) {
      return g.node(other).attrs == node.attrs &&
             g.node(other).outputs.size() == node.outputs.size();
    });
    if (same == bucket.end()) {
      bucket.push_back(id);
      continue;
    }
    for (size_t k = 0; k < node.outputs.size(); ++k) {
      ReplaceUses(g, node.outputs[k], g.node(*same).outputs[k]);
    }
    g.nodes()[static_cast<size_t>(id)].inputs.clear();
    removed.insert(id);
    ++merged;
  }
  return merged;
}

int RemoveDeadNodes(Graph& g, std::set<NodeId>& removed) {
  int dead = 0;
  const std::vector<NodeId> order = g.TopologicalOrder();
  const auto& outputs = g.outputs();
  // From the last node back, so that what only a dead node read dies too.
  auto consumers = Consumers(g);
  for (auto it = order.rbegin(); it != order.rend(); ++it) {
    if (removed.count(*it)) continue;
    const Node& node = g.node(*it);
    const bool read = std::any_of(node.outputs.begin(), node.outputs.end(), [&](ValueId v) {
      return !consumers[static_cast<size_t>(v)].empty() ||
             std::find(outputs.begin(), outputs.end(), v) != outputs.end();
    });
    if (read) continue;
    for (const ValueId v : node.inputs) {
      auto& readers = consumers[static_cast<size_t>(v)];
      readers.erase(std::remove(readers.begin(), readers.end(), *it), readers.end());
    }
    g.nodes()[static_cast<size_t>(*it)].inputs.clear();
    removed.insert(*it);
    ++dead;
  }
  return dead;
}

}  // namespace trit::quant
