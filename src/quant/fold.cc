#include "quant/fold.h"

#include <algorithm>
#include <cmath>
#include <map>
#include <set>
#include <utility>

#include "core/recurrent_layout.h"
#include "quant/fold_constants.h"
#include "quant/fold_gelu.h"
#include "quant/fold_layer_norm.h"
#include "quant/graph_edit.h"

namespace trit::quant {
namespace {

bool IsLinear(OpType op) { return op == OpType::kConv2D || op == OpType::kDense; }

Activation FusedActivation(const Node& node) {
  return ParseActivation(node.attrs.GetString("activation", "none"));
}

// y = (conv(x) - mean) * gamma / sqrt(var + eps) + beta  ==  conv'(x) with scaled weights and a
// new bias. Weights are [Cout, ...] for both Conv2D (OHWI) and Dense.
FoldedBatchNorm FoldBatchNormInto(Graph& g, Node& linear, const Node& bn) {
  FoldedBatchNorm folded_bn;
  folded_bn.gamma = FloatData(g.value(bn.inputs[1]));
  folded_bn.beta = FloatData(g.value(bn.inputs[2]));
  folded_bn.mean = FloatData(g.value(bn.inputs[3]));
  folded_bn.var = FloatData(g.value(bn.inputs[4]));
  folded_bn.epsilon = bn.attrs.GetFloat("epsilon", 1e-5f);
  Value& weights = g.value(linear.inputs[1]);
  std::vector<float> w = FloatData(weights);
  const size_t channels = folded_bn.gamma.size();
  const size_t per_channel = w.size() / channels;
  std::vector<float> bias(channels, 0.0f);
  if (linear.inputs.size() == 3) bias = FloatData(g.value(linear.inputs[2]));
  folded_bn.layer_bias = bias;
  for (size_t c = 0; c < channels; ++c) {
    const double a =
        folded_bn.gamma[c] / std::sqrt(static_cast<double>(folded_bn.var[c]) + folded_bn.epsilon);
    for (size_t i = 0; i < per_channel; ++i) {
      w[c * per_channel + i] = static_cast<float>(w[c * per_channel + i] * a);
    }
    bias[c] = static_cast<float>((bias[c] - folded_bn.mean[c]) * a + folded_bn.beta[c]);
  }
  // The weights may be shared with another node: fold into a copy.
  Value folded = weights;
  folded.name = weights.name + "/bn_folded";
  SetFloatData(folded, w);
  linear.inputs[1] = g.AddValue(std::move(folded));
  Value b;
  b.name = bn.name + "/folded_bias";
  b.dtype = DType::kF32;
  b.shape = {static_cast<int64_t>(channels)};
  SetFloatData(b, bias);
  const ValueId bias_id = g.AddValue(std::move(b));
  if (linear.inputs.size() == 3) {
    linear.inputs[2] = bias_id;
  } else {
    linear.inputs.push_back(bias_id);
  }
  return folded_bn;
}

std::optional<Activation> AsActivation(const Node& node) {
  if (node.op == OpType::kRelu) return Activation::kRelu;
  if (node.op == OpType::kClip && node.attrs.GetFloat("min", -1) == 0.0f &&
      node.attrs.GetFloat("max", -1) == 6.0f) {
    return Activation::kRelu6;
  }
  return std::nullopt;
}

// The op that x * gate(x) is, for the gates that make one: Silu for Sigmoid, HardSwish for
// HardSigmoid(1/6, 1/2) (alpha to float precision); kMul (no fusion) otherwise.
OpType FusedSelfGate(const Node& gate) {
  if (gate.op == OpType::kSigmoid) return OpType::kSilu;
  if (gate.op == OpType::kHardSigmoid &&
      std::fabs(gate.attrs.GetFloat("alpha", 0.2f) - 1.0f / 6.0f) <= 1e-7f &&
      gate.attrs.GetFloat("beta", 0.5f) == 0.5f) {
    return OpType::kHardSwish;
  }
  return OpType::kMul;
}

// The operand that `node` divides by 6 (Div(v, 6), Mul(v, 1/6), Mul(1/6, v)), or -1.
ValueId DividedBySix(const Graph& g, const Node& node) {
  if (node.op == OpType::kDiv && IsScalarConstant(g, node.inputs[1], 6.0f)) return node.inputs[0];
  if (node.op != OpType::kMul) return -1;
  if (IsScalarConstant(g, node.inputs[1], 1.0f / 6.0f)) return node.inputs[0];
  if (IsScalarConstant(g, node.inputs[0], 1.0f / 6.0f)) return node.inputs[1];
  return -1;
}

const char* ActivationName(Activation a) {
  return a == Activation::kRelu ? "relu" : (a == Activation::kRelu6 ? "relu6" : "none");
}

}  // namespace

std::vector<float> FoldedBatchNorm::Gains() const {
  std::vector<float> gains(gamma.size());
  for (size_t c = 0; c < gamma.size(); ++c) {
    gains[c] = static_cast<float>(gamma[c] / std::sqrt(static_cast<double>(var[c]) + epsilon));
  }
  return gains;
}

Graph FoldForInference(const Graph& input, FoldReport* report) {
  Graph g = input;
  g.InferShapes();
  g.Validate();
  FoldReport counts;
  std::set<NodeId> removed;
  const std::vector<NodeId> producers = g.Producers();
  auto producer_of = [&](ValueId v) { return producers[static_cast<size_t>(v)]; };

  // Dropout is the identity at inference.
  for (size_t n = 0; n < g.nodes().size(); ++n) {
    const Node node = g.nodes()[n];
    if (node.op != OpType::kDropout) continue;
    ReplaceUses(g, node.outputs[0], node.inputs[0]);
    g.nodes()[n].inputs.clear();
    removed.insert(static_cast<NodeId>(n));
    ++counts.dropouts_removed;
  }
  counts.duplicates_merged = MergeDuplicateNodes(g, removed);
  auto consumers = Consumers(g);
  auto single_reader = [&](ValueId v) -> NodeId {
    return HasSingleConsumer(g, consumers, v) ? consumers[static_cast<size_t>(v)][0] : -1;
  };

  for (size_t n = 0; n < g.nodes().size(); ++n) {
    if (removed.count(static_cast<NodeId>(n))) continue;
    const Node bn = g.nodes()[n];
    if (bn.op != OpType::kBatchNorm) continue;
    const NodeId p = producer_of(bn.inputs[0]);
    if (p < 0 || removed.count(p)) continue;
    Node& linear = g.nodes()[static_cast<size_t>(p)];
    if (!IsLinear(linear.op) || FusedActivation(linear) != Activation::kNone) continue;
    if (single_reader(linear.outputs[0]) != static_cast<NodeId>(n)) continue;
    bool constants = true;
    for (size_t i = 1; i < bn.inputs.size(); ++i) constants &= g.value(bn.inputs[i]).is_constant();
    if (!constants || !g.value(linear.inputs[1]).is_constant()) continue;
    counts.batch_norms[linear.name] = FoldBatchNormInto(g, linear, bn);
    // A BatchNorm that carries a fused activation (a graph folded before) hands it on.
    linear.attrs.Set("activation", std::string(ActivationName(FusedActivation(bn))));
    ReplaceUses(g, bn.outputs[0], linear.outputs[0]);
    g.nodes()[n].inputs.clear();  // a removed node reads nothing
    removed.insert(static_cast<NodeId>(n));
    ++counts.batch_norms_folded;
    consumers = Consumers(g);
  }

  // Hard-sigmoid and hard-swish spelled out, as TensorFlow and Paddle exporters write them:
  // Clip(x + 3, 0, 6) / 6 is HardSigmoid(x; 1/6, 1/2), and x * Clip(x + 3, 0, 6) / 6 is
  // HardSwish(x) (the division also as a product by 1/6; x * (Clip(x + 3, 0, 6) / 6) is the
  // first form under a Mul, which the self-gate fusion below takes). The dividing node becomes
  // the fused one; the Add, the Clip (and the Mul) go, where each feeds only the next.
  const auto relu6_of_x_plus_3 = [&](ValueId v, NodeId reader) -> ValueId {
    const NodeId c = producer_of(v);
    if (c < 0 || removed.count(c) || single_reader(v) != reader) return -1;
    const Node& clip = g.nodes()[static_cast<size_t>(c)];
    if (clip.op != OpType::kClip || clip.attrs.GetFloat("min", -1) != 0.0f ||
        clip.attrs.GetFloat("max", -1) != 6.0f) {
      return -1;
    }
    const NodeId a = producer_of(clip.inputs[0]);
    if (a < 0 || removed.count(a) || single_reader(clip.inputs[0]) != c) return -1;
    const Node& add = g.nodes()[static_cast<size_t>(a)];
    if (!IsPlainAdd(add)) return -1;
    if (IsScalarConstant(g, add.inputs[1], 3.0f)) return add.inputs[0];
    if (IsScalarConstant(g, add.inputs[0], 3.0f)) return add.inputs[1];
    return -1;
  };
  const auto remove_node = [&](NodeId id) {
    g.nodes()[static_cast<size_t>(id)].inputs.clear();
    removed.insert(id);
  };
  for (size_t n = 0; n < g.nodes().size(); ++n) {
    if (removed.count(static_cast<NodeId>(n))) continue;
    const Node div = g.nodes()[n];
    const ValueId divided = DividedBySix(g, div);
    if (divided < 0 || g.value(div.outputs[0]).dtype != DType::kF32) continue;
    const auto self = static_cast<NodeId>(n);
    if (const ValueId x = relu6_of_x_plus_3(divided, self); x >= 0) {
      const NodeId clip = producer_of(divided);
      remove_node(producer_of(g.nodes()[static_cast<size_t>(clip)].inputs[0]));
      remove_node(clip);
      Node& fused = g.nodes()[n];
      fused.op = OpType::kHardSigmoid;
      fused.inputs = {x};
      fused.attrs = {};
      fused.attrs.Set("alpha", 1.0f / 6.0f);
      fused.attrs.Set("beta", 0.5f);
      ++counts.hard_sigmoids_fused;
      consumers = Consumers(g);
      continue;
    }
    const NodeId m = producer_of(divided);
    if (m < 0 || removed.count(m) || single_reader(divided) != self) continue;
    const Node& mul = g.nodes()[static_cast<size_t>(m)];
    if (mul.op != OpType::kMul) continue;
    for (size_t side = 0; side < 2; ++side) {
      const ValueId x = relu6_of_x_plus_3(mul.inputs[side], m);
      if (x < 0 || x != mul.inputs[1 - side]) continue;
      const NodeId clip = producer_of(mul.inputs[side]);
      remove_node(producer_of(g.nodes()[static_cast<size_t>(clip)].inputs[0]));
      remove_node(clip);
      remove_node(m);
      Node& fused = g.nodes()[n];
      fused.op = OpType::kHardSwish;
      fused.inputs = {x};
      fused.attrs = {};
      ++counts.hard_swishes_fused;
      consumers = Consumers(g);
      break;
    }
  }
  // SiLU and hard-swish as exporters write them, Mul(x, Sigmoid(x)) and Mul(x, HardSigmoid(x))
  // with HardSigmoid's alpha 1/6 and beta 1/2 (PyTorch's export of hardswish), in either order,
  // where the gate feeds only that Mul: one Silu or HardSwish node, the Mul's output. Float
  // graphs only (a quantized gate and Mul round twice; the fused table rounds once).
  for (size_t n = 0; n < g.nodes().size(); ++n) {
    if (removed.count(static_cast<NodeId>(n))) continue;
    const Node mul = g.nodes()[n];
    if (mul.op != OpType::kMul || g.value(mul.outputs[0]).dtype != DType::kF32) continue;
    for (size_t side = 0; side < 2; ++side) {
      const NodeId s = producer_of(mul.inputs[side]);
      if (s < 0 || removed.count(s)) continue;
      const Node& sigmoid = g.nodes()[static_cast<size_t>(s)];
      const OpType fused = FusedSelfGate(sigmoid);
      if (fused == OpType::kMul || sigmoid.inputs[0] != mul.inputs[1 - side]) continue;
      if (single_reader(sigmoid.outputs[0]) != static_cast<NodeId>(n)) continue;
      Node& silu = g.nodes()[n];
      silu.op = fused;
      silu.inputs = {sigmoid.inputs[0]};
      g.nodes()[static_cast<size_t>(s)].inputs.clear();
      removed.insert(s);
      ++(fused == OpType::kSilu ? counts.silus_fused : counts.hard_swishes_fused);
      consumers = Consumers(g);
      break;
    }
  }
  // Mish as exporters below ONNX opset 18 write it, Mul(x, Tanh(Softplus(x))) in either order,
  // where Softplus feeds only the Tanh and the Tanh only the Mul: one Mish node, the Mul's output.
  for (size_t n = 0; n < g.nodes().size(); ++n) {
    if (removed.count(static_cast<NodeId>(n))) continue;
    const Node mul = g.nodes()[n];
    if (mul.op != OpType::kMul || g.value(mul.outputs[0]).dtype != DType::kF32) continue;
    for (size_t side = 0; side < 2; ++side) {
      const NodeId t = producer_of(mul.inputs[side]);
      if (t < 0 || removed.count(t) || g.nodes()[static_cast<size_t>(t)].op != OpType::kTanh) {
        continue;
      }
      const Node& tanh = g.nodes()[static_cast<size_t>(t)];
      const NodeId sp = producer_of(tanh.inputs[0]);
      if (sp < 0 || removed.count(sp) ||
          g.nodes()[static_cast<size_t>(sp)].op != OpType::kSoftplus) {
        continue;
      }
      const ValueId x = g.nodes()[static_cast<size_t>(sp)].inputs[0];
      if (x != mul.inputs[1 - side] || single_reader(tanh.outputs[0]) != static_cast<NodeId>(n) ||
          single_reader(tanh.inputs[0]) != t) {
        continue;
      }
      Node& mish = g.nodes()[n];
      mish.op = OpType::kMish;
      mish.inputs = {x};
      g.nodes()[static_cast<size_t>(t)].inputs.clear();
      g.nodes()[static_cast<size_t>(sp)].inputs.clear();
      removed.insert(t);
      removed.insert(sp);
      ++counts.mishes_fused;
      consumers = Consumers(g);
      break;
    }
  }
  counts.gelus_fused = FoldSpelledOutGelus(g, removed);
  counts.layer_norms_fused = FoldSpelledOutLayerNorms(g, removed);
  consumers = Consumers(g);
  // After the activation patterns: their `x + 3` and `/ 6` would otherwise go into the layer
  // before them. Before the ReLU fusion, which a folded Mul or Add may let through.
  counts.constants_folded = FoldConstantsIntoLinearLayers(g, removed);
  consumers = Consumers(g);

  // ReLU / ReLU6 right after a linear op, an Add (a residual block's sum) or a BatchNorm left
  // standing (a pre-activation block's BatchNorm + ReLU), or after a MaxPool right after one of
  // them (relu(maxpool(x)) == maxpool(relu(x)), padding never wins the max): one op and one pass
  // over the tensor fewer, and for threads one meeting fewer.
  for (size_t n = 0; n < g.nodes().size(); ++n) {
    if (removed.count(static_cast<NodeId>(n))) continue;
    const Node act = g.nodes()[n];
    const std::optional<Activation> activation = AsActivation(act);
    if (!activation) continue;
    NodeId p = producer_of(act.inputs[0]);
    if (p < 0 || removed.count(p)) continue;
    if (single_reader(act.inputs[0]) != static_cast<NodeId>(n)) continue;
    if (g.nodes()[static_cast<size_t>(p)].op == OpType::kMaxPool) {
      const NodeId pool = p;
      p = producer_of(g.nodes()[static_cast<size_t>(pool)].inputs[0]);
      if (p < 0 || removed.count(p)) continue;
      if (single_reader(g.nodes()[static_cast<size_t>(p)].outputs[0]) != pool) continue;
    }
    Node& target = g.nodes()[static_cast<size_t>(p)];
    const bool takes_activation =
        IsLinear(target.op) || target.op == OpType::kAdd || target.op == OpType::kBatchNorm;
    if (!takes_activation || FusedActivation(target) != Activation::kNone) continue;
    target.attrs.Set("activation", std::string(ActivationName(*activation)));
    ReplaceUses(g, act.outputs[0], act.inputs[0]);
    g.nodes()[n].inputs.clear();
    removed.insert(static_cast<NodeId>(n));
    ++counts.activations_fused;
    consumers = Consumers(g);
  }
  // ReduceMean over the H and W of an NHWC tensor (the head of MNASNet and of many exported
  // classifiers) is a GlobalAvgPool, and a Reshape where keepdims is 0: vector kernels, and an
  // 8-bit form. Last of the passes that look at producers: it adds a value and a node.
  for (size_t n = 0; n < g.nodes().size(); ++n) {
    if (removed.count(static_cast<NodeId>(n)) || g.nodes()[n].op != OpType::kReduceMean) continue;
    const Value& x = g.value(g.nodes()[n].inputs[0]);
    if (x.shape.size() != 4 || x.dtype != DType::kF32) continue;
    std::vector<int64_t> axes = g.nodes()[n].attrs.GetInts("axes", {});
    for (int64_t& a : axes) a = a < 0 ? a + 4 : a;
    std::sort(axes.begin(), axes.end());
    if (axes != std::vector<int64_t>{1, 2}) continue;
    const Shape pooled_shape = {x.shape[0], 1, 1, x.shape[3]};
    Node& reduce = g.nodes()[n];
    const bool keepdims = reduce.attrs.GetInt("keepdims", 1) != 0;
    reduce.op = OpType::kGlobalAvgPool;
    reduce.attrs = {};
    if (!keepdims) {
      const ValueId out = reduce.outputs[0];
      Value pooled;
      pooled.name = g.value(out).name + "/pooled";
      pooled.shape = pooled_shape;
      const ValueId pooled_id = g.AddValue(std::move(pooled));
      g.nodes()[n].outputs = {pooled_id};
      Node reshape;
      reshape.op = OpType::kReshape;
      reshape.name = g.nodes()[n].name + "/reshape";
      reshape.inputs = {pooled_id};
      reshape.outputs = {out};
      reshape.attrs.Set("shape", std::vector<int64_t>{pooled_shape[0], pooled_shape[3]});
      g.AddNodeWithOutputs(std::move(reshape));
    }
    ++counts.reduce_means_pooled;
  }
  // A recurrent cell's bias pair, where bias_u only ever adds to bias_w: one vector. Cells that
  // share a pair (an ONNX LSTM whose Y and Y_h are both read imports as two) share its sum.
  std::map<std::pair<ValueId, ValueId>, std::pair<ValueId, ValueId>> folded_pairs;
  for (Node& node : g.nodes()) {
    if (!IsRecurrentOp(node.op)) continue;
    const RecurrentLayout layout = ParseRecurrentLayout(g, node);
    if (!RecurrentBiasPairFolds(layout)) continue;
    for (const RecurrentDirectionSlots& d : layout.directions) {
      if (d.bias_u_folded || !g.value(node.inputs[d.bias_w]).is_constant() ||
          !g.value(node.inputs[d.bias_u]).is_constant()) {
        continue;
      }
      const std::pair<ValueId, ValueId> pair{node.inputs[d.bias_w], node.inputs[d.bias_u]};
      if (const auto done = folded_pairs.find(pair); done != folded_pairs.end()) {
        node.inputs[d.bias_w] = done->second.first;
        node.inputs[d.bias_u] = done->second.second;
        ++counts.recurrent_bias_pairs_folded;
        continue;
      }
      std::vector<float> sum = FloatData(g.value(node.inputs[d.bias_w]));
      const std::vector<float> bias_u = FloatData(g.value(node.inputs[d.bias_u]));
      for (size_t i = 0; i < sum.size(); ++i) sum[i] += bias_u[i];
      // New values: the old ones may be read elsewhere.
      Value folded = g.value(node.inputs[d.bias_w]);
      folded.name += "/pair_folded";
      SetFloatData(folded, sum);
      Value empty = g.value(node.inputs[d.bias_u]);
      empty.name += "/folded";
      empty.shape = {0};
      SetFloatData(empty, {});
      node.inputs[d.bias_w] = g.AddValue(std::move(folded));
      node.inputs[d.bias_u] = g.AddValue(std::move(empty));
      folded_pairs[pair] = {node.inputs[d.bias_w], node.inputs[d.bias_u]};
      ++counts.recurrent_bias_pairs_folded;
    }
  }
  counts.dead_nodes_removed = RemoveDeadNodes(g, removed);
  if (report) *report = counts;
  return Compact(g, removed);
}

std::string FoldSummary(const FoldReport& report) {
  std::string s = "folded " + std::to_string(report.batch_norms_folded) + " BatchNorm, fused " +
                  std::to_string(report.activations_fused) + " activations, removed " +
                  std::to_string(report.dropouts_removed) + " Dropout";
  if (report.reduce_means_pooled > 0) {
    s += ", made " + std::to_string(report.reduce_means_pooled) +
         " spatial ReduceMean GlobalAvgPool";
  }
  if (report.constants_folded > 0) {
    s += ", folded " + std::to_string(report.constants_folded) + " constant Mul/Div/Add/Sub";
  }
  if (report.duplicates_merged > 0) {
    s += ", merged " + std::to_string(report.duplicates_merged) + " duplicate nodes";
  }
  if (report.dead_nodes_removed > 0) {
    s += ", removed " + std::to_string(report.dead_nodes_removed) + " unread nodes";
  }
  if (report.layer_norms_fused > 0) {
    s += ", fused " + std::to_string(report.layer_norms_fused) + " LayerNorm";
  }
  if (report.gelus_fused > 0) s += ", fused " + std::to_string(report.gelus_fused) + " GELU";
  if (report.silus_fused > 0) s += ", fused " + std::to_string(report.silus_fused) + " SiLU";
  if (report.mishes_fused > 0) s += ", fused " + std::to_string(report.mishes_fused) + " Mish";
  if (report.hard_sigmoids_fused > 0) {
    s += ", fused " + std::to_string(report.hard_sigmoids_fused) + " hard-sigmoid";
  }
  if (report.hard_swishes_fused > 0) {
    s += ", fused " + std::to_string(report.hard_swishes_fused) + " hard-swish";
  }
  if (report.recurrent_bias_pairs_folded > 0) {
    s += ", added " + std::to_string(report.recurrent_bias_pairs_folded) + " recurrent bias pair" +
         (report.recurrent_bias_pairs_folded > 1 ? "s" : "");
  }
  return s + "\n";
}

}  // namespace trit::quant
