#include "quant/channel_prune.h"

#include <algorithm>
#include <cmath>
#include <numeric>
#include <optional>

#include "core/error.h"
#include "quant/graph_edit.h"

namespace trit::quant {
namespace {

bool IsF32Constant(const Value& v) { return v.is_constant() && v.dtype == DType::kF32; }

// The way from a layer's output to the next layer that reads its channels.
struct ChannelPath {
  std::vector<NodeId> batch_norms;  // their [C] parameters are sliced too
  NodeId next = -1;
  int64_t flatten_factor = 1;  // next is a Dense behind a Flatten of [N, H, W, C]: H * W
};

bool ReadOnlyAsData(const Node& node, ValueId v) {
  return !node.inputs.empty() && node.inputs[0] == v &&
         std::count(node.inputs.begin(), node.inputs.end(), v) == 1;
}

std::optional<ChannelPath> FollowChannels(const Graph& g,
                                          const std::vector<std::vector<NodeId>>& consumers,
                                          ValueId v) {
  ChannelPath path;
  bool flattened = false;
  while (true) {
    if (!HasSingleConsumer(g, consumers, v)) return std::nullopt;
    const NodeId n = consumers[static_cast<size_t>(v)][0];
    const Node& node = g.node(n);
    if (!ReadOnlyAsData(node, v)) return std::nullopt;
    const size_t rank = g.value(v).shape.size();
    switch (node.op) {
      case OpType::kRelu:
      case OpType::kClip:
      case OpType::kSigmoid:
      case OpType::kTanh:
      case OpType::kSilu:
      case OpType::kErf:
      case OpType::kGelu:
      case OpType::kExp:
      case OpType::kSoftplus:
      case OpType::kMish:
      case OpType::kDropout:
        break;
      case OpType::kMaxPool:
      case OpType::kAvgPool:
      case OpType::kGlobalAvgPool:
        if (flattened) return std::nullopt;
        break;
      case OpType::kBatchNorm:
        if (flattened) return std::nullopt;
        for (size_t i = 1; i < node.inputs.size(); ++i) {
          if (!IsF32Constant(g.value(node.inputs[i])) ||
              consumers[static_cast<size_t>(node.inputs[i])].size() != 1) {
            return std::nullopt;
          }
        }
        path.batch_norms.push_back(n);
        break;
      case OpType::kPad: {
        const std::vector<int64_t> pads = node.attrs.GetInts("pads", {});
        if (flattened || pads.size() != 2 * rank || pads[rank - 1] != 0 || pads[2 * rank - 1]) {
          return std::nullopt;
        }
        break;
      }
      case OpType::kFlatten: {
        if (flattened || node.attrs.GetInt("axis", 1) != 1 || rank < 2) return std::nullopt;
        const Shape& s = g.value(v).shape;
        for (size_t d = 1; d + 1 < rank; ++d) path.flatten_factor *= s[d];
        flattened = true;
        break;
      }
      case OpType::kConv2D:
        if (flattened || node.attrs.GetInt("groups", 1) != 1) return std::nullopt;
        [[fallthrough]];
      case OpType::kDense: {
        const ValueId w = node.inputs[1];
        if (!IsF32Constant(g.value(w)) || consumers[static_cast<size_t>(w)].size() != 1) {
          return std::nullopt;
        }
        path.next = n;
        return path;
      }
      default:
        return std::nullopt;
    }
    v = node.outputs[0];
  }
}

// Keeps the rows `kept` of a [rows, per_row] tensor.
void KeepRows(Value& value, const std::vector<int64_t>& kept) {
  const std::vector<float> data = FloatData(value);
  const size_t per_row = data.size() / static_cast<size_t>(value.shape[0]);
  std::vector<float> out;
  out.reserve(kept.size() * per_row);
  for (const int64_t r : kept) {
    const auto begin = data.begin() + static_cast<ptrdiff_t>(static_cast<size_t>(r) * per_row);
    out.insert(out.end(), begin, begin + static_cast<ptrdiff_t>(per_row));
  }
  value.shape[0] = static_cast<int64_t>(kept.size());
  SetFloatData(value, out);
}

// Keeps, along the last axis of `value`, the positions p * channels + c for every kept c: the
// innermost axis is the channel axis repeated `factor` times (NHWC flattened) or once.
void KeepInputs(Value& value, int64_t channels, const std::vector<int64_t>& kept) {
  const std::vector<float> data = FloatData(value);
  const int64_t last = value.shape.back();
  if (last % channels != 0) {
    throw Error(ErrorCode::kInternal, "channel pruning: '" + value.name + "' does not match");
  }
  const int64_t factor = last / channels;
  const size_t rows = data.size() / static_cast<size_t>(last);
  std::vector<float> out;
  out.reserve(rows * static_cast<size_t>(factor) * kept.size());
  for (size_t r = 0; r < rows; ++r) {
    for (int64_t p = 0; p < factor; ++p) {
      for (const int64_t c : kept) {
        out.push_back(data[r * static_cast<size_t>(last) + static_cast<size_t>(p * channels + c)]);
      }
    }
  }
  value.shape.back() = factor * static_cast<int64_t>(kept.size());
  SetFloatData(value, out);
}

std::vector<double> ChannelImportance(const Graph& g, const Node& layer, const ChannelPath& path) {
  const Value& w = g.value(layer.inputs[1]);
  const std::vector<float> data = FloatData(w);
  const size_t channels = static_cast<size_t>(w.shape[0]);
  const size_t per_channel = data.size() / channels;
  std::vector<double> importance(channels, 0.0);
  for (size_t c = 0; c < channels; ++c) {
    for (size_t i = 0; i < per_channel; ++i) importance[c] += std::fabs(data[c * per_channel + i]);
  }
  for (const NodeId bn_id : path.batch_norms) {
    const Node& bn = g.node(bn_id);
    const std::vector<float> gamma = FloatData(g.value(bn.inputs[1]));
    const std::vector<float> var = FloatData(g.value(bn.inputs[4]));
    const double eps = bn.attrs.GetFloat("epsilon", 1e-5f);
    for (size_t c = 0; c < channels && c < gamma.size(); ++c) {
      importance[c] *= std::fabs(gamma[c]) / std::sqrt(static_cast<double>(var[c]) + eps);
    }
  }
  return importance;
}

}  // namespace

std::vector<PrunedChannels> PruneChannels(Graph& graph, double fraction,
                                          const std::set<std::string>& skip) {
  if (!(fraction >= 0.0 && fraction < 1.0)) {
    throw Error(ErrorCode::kInvalidArgument, "channel pruning fraction must be in [0, 1)");
  }
  graph.InferShapes();
  const std::vector<std::vector<NodeId>> consumers = Consumers(graph);
  std::vector<PrunedChannels> result;
  for (size_t n = 0; n < graph.nodes().size(); ++n) {
    const Node& layer = graph.nodes()[n];
    if (layer.op != OpType::kConv2D && layer.op != OpType::kDense) continue;
    if (skip.count(layer.name)) continue;
    if (layer.op == OpType::kConv2D && layer.attrs.GetInt("groups", 1) != 1) continue;
    const ValueId weights = layer.inputs[1];
    if (!IsF32Constant(graph.value(weights)) ||
        consumers[static_cast<size_t>(weights)].size() != 1) {
      continue;
    }
    const bool has_bias = layer.inputs.size() == 3;
    if (has_bias && (!IsF32Constant(graph.value(layer.inputs[2])) ||
                     consumers[static_cast<size_t>(layer.inputs[2])].size() != 1)) {
      continue;
    }
    const std::optional<ChannelPath> path = FollowChannels(graph, consumers, layer.outputs[0]);
    if (!path) continue;

    const int64_t channels = graph.value(weights).shape[0];
    const auto removed = static_cast<int64_t>(std::floor(fraction * static_cast<double>(channels)));
    const int64_t keep = std::max<int64_t>(1, channels - removed);
    if (keep == channels) continue;
    const std::vector<double> importance = ChannelImportance(graph, layer, *path);
    std::vector<int64_t> order(static_cast<size_t>(channels));
    std::iota(order.begin(), order.end(), 0);
    // Strongest first; ties keep the lower index so the result does not depend on the sort.
    std::stable_sort(order.begin(), order.end(), [&](int64_t a, int64_t b) {
      return importance[static_cast<size_t>(a)] > importance[static_cast<size_t>(b)];
    });
    std::vector<int64_t> kept(order.begin(), order.begin() + keep);
    std::sort(kept.begin(), kept.end());

    KeepRows(graph.value(weights), kept);
    if (has_bias) KeepRows(graph.value(layer.inputs[2]), kept);
    for (const NodeId bn : path->batch_norms) {
      for (size_t i = 1; i < graph.node(bn).inputs.size(); ++i) {
        KeepRows(graph.value(graph.node(bn).inputs[i]), kept);
      }
    }
    KeepInputs(graph.value(graph.node(path->next).inputs[1]), channels, kept);
    result.push_back({layer.name, channels, std::move(kept)});
    graph.InferShapes();
  }
  graph.Validate();
  return result;
}

}  // namespace trit::quant
