#include "quant/prune.h"

#include <algorithm>
#include <cmath>

#include "core/error.h"
#include "quant/graph_edit.h"
#include "quant/quantize_graph.h"
#include "quant/weight_quantizer.h"

namespace trit::quant {
namespace {

// The magnitude at or below which `sparsity` of `magnitudes` lie (-1: prune nothing).
float Threshold(std::vector<float> magnitudes, double sparsity) {
  const size_t k =
      static_cast<size_t>(std::clamp(sparsity, 0.0, 1.0) * static_cast<double>(magnitudes.size()));
  if (k == 0 || magnitudes.empty()) return -1.0f;
  std::nth_element(magnitudes.begin(), magnitudes.begin() + static_cast<ptrdiff_t>(k - 1),
                   magnitudes.end());
  return magnitudes[k - 1];
}

std::vector<float> Magnitudes(const std::vector<float>& w) {
  std::vector<float> m(w.size());
  for (size_t i = 0; i < w.size(); ++i) m[i] = std::fabs(w[i]);
  return m;
}

void CheckSparsity(double sparsity) {
  if (!(sparsity >= 0.0 && sparsity < 1.0)) {
    throw Error(ErrorCode::kInvalidArgument, "pruning sparsity must be in [0, 1)");
  }
}

// Zeroes the weights of `w` at or below `threshold`, at most `budget` of them (ties at the
// threshold: prune exactly k per layer where possible).
void ZeroBelow(Value& w, float threshold, int64_t budget) {
  std::vector<float> data = FloatData(w);
  for (float& v : data) {
    if (budget > 0 && std::fabs(v) <= threshold) {
      v = 0.0f;
      --budget;
    }
  }
  SetFloatData(w, data);
}

void PruneLayer(Value& w, double sparsity) {
  const std::vector<float> data = FloatData(w);
  ZeroBelow(w, Threshold(Magnitudes(data), sparsity),
            static_cast<int64_t>(sparsity * static_cast<double>(data.size())));
}

// Zeroes the round(sparsity x blocks) blocks of least magnitude (ties: the first ones) of `w`,
// viewed as [channels][taps][depth].
void PruneLayerBlocks(Value& w, int64_t channels, int64_t taps, int64_t depth, double sparsity) {
  std::vector<float> data = FloatData(w);
  const int64_t channel_blocks = (channels + kPruneBlockChannels - 1) / kPruneBlockChannels;
  const int64_t depth_blocks = (depth + kPruneBlockDepth - 1) / kPruneBlockDepth;
  const int64_t blocks = channel_blocks * taps * depth_blocks;
  // Block b = (channel block, tap, depth block); calls visit(index of each weight).
  auto for_each_weight = [&](int64_t b, auto visit) {
    const int64_t c0 = b / (taps * depth_blocks) * kPruneBlockChannels;
    const int64_t tap = b / depth_blocks % taps;
    const int64_t k0 = b % depth_blocks * kPruneBlockDepth;
    for (int64_t c = c0; c < std::min(channels, c0 + kPruneBlockChannels); ++c) {
      for (int64_t k = k0; k < std::min(depth, k0 + kPruneBlockDepth); ++k)
        visit(static_cast<size_t>((c * taps + tap) * depth + k));
    }
  };
  std::vector<double> magnitude(static_cast<size_t>(blocks), 0.0);
  for (int64_t b = 0; b < blocks; ++b) {
    for_each_weight(b, [&](size_t i) {
      magnitude[static_cast<size_t>(b)] += static_cast<double>(data[i]) * data[i];
    });
  }
  const int64_t k = std::llround(std::clamp(sparsity, 0.0, 1.0) * static_cast<double>(blocks));
  std::vector<int64_t> order(static_cast<size_t>(blocks));
  for (int64_t b = 0; b < blocks; ++b) order[static_cast<size_t>(b)] = b;
  std::stable_sort(order.begin(), order.end(), [&](int64_t a, int64_t b) {
    return magnitude[static_cast<size_t>(a)] < magnitude[static_cast<size_t>(b)];
  });
  for (int64_t j = 0; j < k; ++j) {
    for_each_weight(order[static_cast<size_t>(j)], [&](size_t i) { data[i] = 0.0f; });
  }
  SetFloatData(w, data);
}

bool Prunable(const Graph& graph, const Node& node) {
  const Value& w = graph.value(node.inputs[1]);
  return w.is_constant() && w.dtype == DType::kF32;
}

}  // namespace

std::vector<LayerSparsity> PruneMagnitude(Graph& graph, double sparsity, bool global,
                                          const std::set<std::string>& skip) {
  CheckSparsity(sparsity);
  std::vector<NodeId> layers;
  for (const NodeId id : LinearLayers(graph)) {
    const Node& node = graph.node(id);
    if (!skip.count(node.name) && Prunable(graph, node)) layers.push_back(id);
  }
  if (!global) {
    for (const NodeId id : layers) PruneLayer(graph.value(graph.node(id).inputs[1]), sparsity);
    return MeasureSparsity(graph);
  }
  std::vector<float> all;
  for (const NodeId id : layers) {
    const std::vector<float> m = Magnitudes(FloatData(graph.value(graph.node(id).inputs[1])));
    all.insert(all.end(), m.begin(), m.end());
  }
  const float threshold = Threshold(std::move(all), sparsity);
  for (const NodeId id : layers) {
    Value& w = graph.value(graph.node(id).inputs[1]);
    ZeroBelow(w, threshold, NumElements(w.shape));
  }
  return MeasureSparsity(graph);
}

std::vector<LayerSparsity> PruneMagnitudePerLayer(Graph& graph,
                                                  const std::map<std::string, double>& sparsity) {
  for (const auto& [name, fraction] : sparsity) CheckSparsity(fraction);
  for (const NodeId id : LinearLayers(graph)) {
    const Node& node = graph.node(id);
    const auto it = sparsity.find(node.name);
    if (it != sparsity.end() && Prunable(graph, node)) {
      PruneLayer(graph.value(node.inputs[1]), it->second);
    }
  }
  return MeasureSparsity(graph);
}

std::vector<LayerSparsity> PruneBlocksPerLayer(Graph& graph,
                                               const std::map<std::string, double>& sparsity) {
  for (const auto& [name, fraction] : sparsity) CheckSparsity(fraction);
  for (const NodeId id : LinearLayers(graph)) {
    const Node& node = graph.node(id);
    const auto it = sparsity.find(node.name);
    if (it == sparsity.end() || !Prunable(graph, node)) continue;
    Value& w = graph.value(node.inputs[1]);
    const bool grouped = node.op == OpType::kConv2D && node.attrs.GetInt("groups", 1) != 1;
    if (w.shape.size() < 2 || grouped) {
      PruneLayer(w, it->second);
      continue;
    }
    const int64_t channels = w.shape.front(), depth = w.shape.back();
    PruneLayerBlocks(w, channels, NumElements(w.shape) / (channels * depth), depth, it->second);
  }
  return MeasureSparsity(graph);
}

double CubicSparsity(double final_sparsity, int64_t step, int64_t begin, int64_t end) {
  if (step <= begin) return 0.0;
  if (step >= end || end <= begin) return final_sparsity;
  const double t = static_cast<double>(step - begin) / static_cast<double>(end - begin);
  return final_sparsity * (1.0 - std::pow(1.0 - t, 3.0));
}

std::vector<LayerSparsity> MeasureSparsity(const Graph& graph) {
  std::vector<LayerSparsity> result;
  for (const NodeId id : LinearLayers(graph)) {
    const Node& node = graph.node(id);
    const Value& w = graph.value(node.inputs[1]);
    LayerSparsity s;
    s.node = node.name;
    if (w.is_constant()) {
      for (const float v : WeightValues(w)) {
        ++s.weights;
        s.zeros += v == 0.0f;
      }
    }
    result.push_back(s);
  }
  return result;
}

}  // namespace trit::quant
