#include "train/qat_graph.h"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <optional>

#include "core/error.h"
#include "core/op_params.h"
#include "core/recurrent_layout.h"
#include "kernels/requantize.h"
#include "quant/graph_edit.h"
#include "quant/prune.h"
#include "train/float_ops.h"
#include "train/recurrent_ops.h"
#include "train/structured_ops.h"

namespace trit::train {
namespace {

bool IsLinear(OpType op) { return op == OpType::kConv2D || op == OpType::kDense; }

torch::Tensor FromFloats(const std::vector<float>& data, const Shape& shape) {
  std::vector<int64_t> dims(shape.begin(), shape.end());
  return torch::from_blob(const_cast<float*>(data.data()), dims, torch::kFloat32).clone();
}

// IR layout (OHWI for conv, [Cout, K] for dense) <-> LibTorch layout (OIHW).
torch::Tensor ToTorchLayout(const torch::Tensor& t, bool conv) {
  return conv ? t.permute({0, 3, 1, 2}).contiguous() : t;
}
torch::Tensor ToIrLayout(const torch::Tensor& t, bool conv) {
  return conv ? t.permute({0, 2, 3, 1}).contiguous() : t.contiguous();
}

std::vector<float> ToVector(const torch::Tensor& t) {
  const torch::Tensor c = t.detach().to(torch::kCPU).contiguous();
  return std::vector<float>(c.data_ptr<float>(), c.data_ptr<float>() + c.numel());
}

// The integer range of a quantized output with its fused activation (as the runtime's
// OutputRange computes it).
std::pair<int32_t, int32_t> OutputRange(const Value& y, Activation activation) {
  int32_t lo = QuantMin(y.dtype), hi = QuantMax(y.dtype);
  const int32_t zero = y.quant.zero_point[0];
  if (activation != Activation::kNone) lo = std::max(lo, zero);
  if (activation == Activation::kRelu6) {
    const double six = std::nearbyint(6.0 / static_cast<double>(y.quant.scale[0]));
    hi = static_cast<int32_t>(std::min<double>(hi, zero + six));
  }
  return {lo, hi};
}

// conv2d (NHWC in and out, the node's window) or linear, without bias.
torch::Tensor LinearForward(const Node& node, const torch::Tensor& input, const torch::Tensor& w) {
  if (node.op != OpType::kConv2D) return torch::linear(input, w);
  const WindowParams p = ParseConv2DParams(node.attrs, w.size(2), w.size(3));
  const std::vector<int64_t> stride = {p.stride_h, p.stride_w}, padding = {0, 0};
  const std::vector<int64_t> dilation = {p.dilation_h, p.dilation_w};
  return ToNhwc(torch::conv2d(PadSpatial(ToNchw(input), p, 0.0), w, {}, c10::IntArrayRef(stride),
                              c10::IntArrayRef(padding), c10::IntArrayRef(dilation), p.groups));
}

// [C] -> broadcastable against a weight tensor of `dims` dimensions (channels first).
torch::Tensor PerChannel(const torch::Tensor& t, int64_t dims) {
  std::vector<int64_t> shape(static_cast<size_t>(dims), 1);
  shape[0] = t.size(0);
  return t.view(shape);
}

}  // namespace

QatGraph::QatGraph(const Graph& folded, const quant::QuantPlan& plan, QatOptions options)
    : folded_(folded), plan_(plan), options_(std::move(options)) {
  // Narrow-type scales are recomputed every step: max scaling, not the slow MSE search.
  plan_.default_weights.search_scale = false;
  for (auto& [name, spec] : plan_.layers) spec.search_scale = false;
  // The forward pass is the runtime's integers, op by op (RunQuantizedOp). Sub, Div, MatMul and
  // Softmax on 8 bits have no such form here yet: without calibrated output parameters they stay
  // float in the template, as they did before the quantizer took them.
  for (const Node& node : folded_.nodes()) {
    if (node.op == OpType::kSub || node.op == OpType::kDiv || node.op == OpType::kMatMul ||
        node.op == OpType::kSoftmax) {
      plan_.activations.erase(folded_.value(node.outputs[0]).name);
    }
  }
  template_ = quant::QuantizeGraph(folded_, plan_);
  if (template_.inputs().size() != 1) {
    throw Error(ErrorCode::kUnsupported, "training needs a graph with one input");
  }
  order_ = template_.TopologicalOrder();
  std::map<std::string, ValueId> folded_ids;
  for (size_t v = 0; v < folded_.values().size(); ++v) {
    folded_ids[folded_.values()[v].name] = static_cast<ValueId>(v);
  }
  std::set<ValueId> layer_constants;
  for (const NodeId id : order_) {
    const Node& node = template_.node(id);
    if (!IsLinear(node.op) || template_.value(node.inputs[1]).dtype == DType::kF32) continue;
    const bool conv = node.op == OpType::kConv2D;
    Layer layer;
    layer.spec = plan_.SpecFor(node.name);
    const Value& w = folded_.value(folded_ids.at(template_.value(node.inputs[1]).name));
    layer.weight_name = w.name;
    std::vector<float> latent = quant::FloatData(w);
    std::vector<float> bias;
    if (node.inputs.size() == 3) {
      const Value& b = folded_.value(folded_ids.at(template_.value(node.inputs[2]).name));
      layer.bias_name = b.name;
      bias = quant::FloatData(b);
    }
    const std::string suffix = std::to_string(id);
    if (const auto bn = options_.batch_norms.find(node.name); bn != options_.batch_norms.end()) {
      // Undo the fold: the layer's own weights (w / g) and bias; BatchNorm trains beside them.
      const std::vector<float> gain = bn->second.Gains();
      if (static_cast<int64_t>(gain.size()) != w.shape[0] || bias.size() != gain.size() ||
          bn->second.layer_bias.size() != gain.size()) {
        throw Error(ErrorCode::kShape, "the BatchNorm of '" + node.name + "' does not match it");
      }
      const size_t per_channel = latent.size() / gain.size();
      for (size_t i = 0; i < latent.size(); ++i) {
        const float g = gain[i / per_channel];
        latent[i] = g != 0.0f ? latent[i] / g : 0.0f;
      }
      bias = bn->second.layer_bias;
      const Shape channels = {w.shape[0]};
      layer.bn_gamma =
          register_parameter("bn_gamma" + suffix, FromFloats(bn->second.gamma, channels));
      layer.bn_beta = register_parameter("bn_beta" + suffix, FromFloats(bn->second.beta, channels));
      layer.bn_mean = register_buffer("bn_mean" + suffix, FromFloats(bn->second.mean, channels));
      layer.bn_var = register_buffer("bn_var" + suffix, FromFloats(bn->second.var, channels));
      layer.bn_epsilon = bn->second.epsilon;
    }
    const bool ttq =
        layer.spec.type == quant::WeightType::kTernary && options_.trained_ternary_scales;
    layer.weight =
        register_parameter("w" + suffix, ToTorchLayout(FromFloats(latent, w.shape), conv));
    layer_constants.insert(node.inputs[1]);
    if (!bias.empty()) {
      layer.bias =
          register_parameter("b" + suffix, FromFloats(bias, {static_cast<int64_t>(bias.size())}));
      layer_constants.insert(node.inputs[2]);
    }
    layer.mask = register_buffer("m" + suffix, torch::ones_like(layer.weight));
    if (const auto it = options_.prune.find(node.name); it != options_.prune.end()) {
      layer.prune = it->second;
    }
    if (ttq) {
      const quant::QuantizedWeights q = quant::QuantizeWeights(latent, w.shape[0], layer.spec);
      std::vector<float> wp, wn;
      for (size_t g = 0; g < q.quant.scale.size(); ++g) {
        const double start = options_.ternary_scale_start;
        wp.push_back(start > 0 ? static_cast<float>(start)
                               : q.quant.scale[g] * q.quant.ternary_pos[g]);
        wn.push_back(start > 0 ? static_cast<float>(start)
                               : q.quant.scale[g] * q.quant.ternary_neg[g]);
      }
      const Shape group_shape = {static_cast<int64_t>(wp.size())};
      layer.wp = register_parameter("wp" + suffix, FromFloats(wp, group_shape));
      layer.wn = register_parameter("wn" + suffix, FromFloats(wn, group_shape));
    }
    layers_.emplace(id, std::move(layer));
  }
  // int8 structured weights (recurrent W and U, StructuredDense W): latent fp32 parts from the
  // folded graph.
  for (const NodeId id : order_) {
    const Node& node = template_.node(id);
    for (const StructuredSlot& slot : StructuredSlotsOf(template_, node)) {
      for (size_t i = slot.first; i < slot.first + slot.count; ++i) {
        const ValueId v = node.inputs[i];
        const Value& value = template_.value(v);
        if (value.dtype != DType::kI8 || structured_parts_.count(v)) continue;
        // QuantizeGraph names the int8 part after the float one (quant/quantize_graph.cc).
        const std::string folded_name = value.name.substr(0, value.name.rfind("/int8"));
        const Value& latent = folded_.value(folded_ids.at(folded_name));
        StructuredPart part;
        // Appended, not "r" + ...: GCC 12 warns falsely (-Wrestrict) on that operator+ here.
        part.latent = register_parameter(std::string("r").append(std::to_string(v)),
                                         FromFloats(quant::FloatData(latent), latent.shape));
        part.folded_name = folded_name;
        part.per_row =
            StructuredPartMayScaleRows(slot.structure, (i - slot.first) % slot.parts_per_block) &&
            latent.shape.size() == 2 && latent.shape[0] > 0;
        structured_parts_.emplace(v, std::move(part));
        layer_constants.insert(v);
      }
    }
  }
  // The float constants of what stays in fp32 (conv weights in LibTorch's layout).
  for (const NodeId id : order_) {
    const Node& node = template_.node(id);
    for (size_t i = 0; i < node.inputs.size(); ++i) {
      const ValueId v = node.inputs[i];
      const Value& value = template_.value(v);
      if (!value.is_constant() || layer_constants.count(v) || floats_.count(v)) continue;
      if (value.dtype != DType::kF32) Unsupported(node, "a quantized constant outside a layer");
      torch::Tensor t = FromFloats(quant::FloatData(value), value.shape);
      if (node.op == OpType::kConv2D && i == 1) t = ToTorchLayout(t, true);
      const std::string name = std::string("f") + std::to_string(v);
      const bool statistic = node.op == OpType::kBatchNorm && i >= 3;
      floats_[v] = statistic ? register_buffer(name, t) : register_parameter(name, t);
    }
  }
}

torch::Tensor QatGraph::Gain(const Layer& layer) {
  if (!layer.bn_gamma.defined()) return {};
  return layer.bn_gamma / torch::sqrt(layer.bn_var + layer.bn_epsilon);
}

torch::Tensor QatGraph::FoldedLatent(const Layer& layer) {
  const torch::Tensor w = layer.weight * layer.mask;
  if (!layer.bn_gamma.defined()) return w;
  return w * PerChannel(Gain(layer), w.dim());
}

torch::Tensor QatGraph::FoldedBias(const Layer& layer) {
  if (!layer.bn_gamma.defined()) return layer.bias;
  return (layer.bias - layer.bn_mean) * Gain(layer) + layer.bn_beta;
}

quant::QuantizedWeights QatGraph::CurrentWeights(const Layer& layer) const {
  torch::NoGradGuard no_grad;
  const bool conv = layer.weight.dim() == 4;
  const int64_t channels = layer.weight.size(0);
  if (layer.spec.type != quant::WeightType::kTernary || !options_.trained_ternary_scales) {
    return quant::QuantizeWeights(ToVector(ToIrLayout(FoldedLatent(layer), conv)), channels,
                                  layer.spec);
  }
  // TTQ: the threshold and Wp, Wn belong to the layer's own weights.
  std::vector<float> w = ToVector(ToIrLayout(layer.weight * layer.mask, conv));
  const std::vector<float> thresholds = quant::TernaryThresholds(w, channels, layer.spec);
  const std::vector<float> wp = ToVector(layer.wp.abs()), wn = ToVector(layer.wn.abs());
  if (!layer.bn_gamma.defined()) {
    return quant::TernaryFromMagnitudes(w, channels, thresholds, wp, wn);
  }
  // With a BatchNorm gain g per channel, the folded weights are g * t(w): per-channel ternary
  // whose magnitudes are |g| Wp and |g| Wn, with the codes flipped (and Wp, Wn swapped) where
  // g < 0.
  const std::vector<float> gain = ToVector(Gain(layer));
  const size_t per_channel = w.size() / static_cast<size_t>(channels);
  std::vector<float> channel_thresholds, channel_wp, channel_wn;
  for (size_t c = 0; c < static_cast<size_t>(channels); ++c) {
    const size_t g = wp.size() == 1 ? 0 : c;
    const bool flip = gain[c] < 0.0f;
    const float magnitude = std::fabs(gain[c]);
    for (size_t i = 0; i < per_channel; ++i) {
      if (flip) w[c * per_channel + i] = -w[c * per_channel + i];
    }
    channel_thresholds.push_back(thresholds[thresholds.size() == 1 ? 0 : c]);
    channel_wp.push_back(magnitude * (flip ? wn[g] : wp[g]));
    channel_wn.push_back(magnitude * (flip ? wp[g] : wn[g]));
  }
  return quant::TernaryFromMagnitudes(w, channels, channel_thresholds, channel_wp, channel_wn);
}

std::pair<torch::Tensor, torch::Tensor> QatGraph::ChannelMagnitudes(const Layer& layer) const {
  const int64_t channels = layer.weight.size(0), groups = layer.wp.numel();
  torch::Tensor wp = layer.wp.abs(), wn = layer.wn.abs();
  if (options_.scale_ternary_gradients) {
    // A magnitude's gradient sums over every weight it scales: divided by sqrt(weights per
    // group) it stays on the scale of one weight's gradient.
    const double scale = 1.0 / std::sqrt(static_cast<double>(layer.weight.numel() / groups));
    wp = wp * scale + (wp - wp * scale).detach();
    wn = wn * scale + (wn - wn * scale).detach();
  }
  if (groups == channels) return {wp, wn};
  return {wp.expand({channels}), wn.expand({channels})};
}

torch::Tensor QatGraph::RunLiveBatchNorm(const Node& node, Layer& layer, const torch::Tensor& x) {
  const bool conv = node.op == OpType::kConv2D;
  const Value& xv = template_.value(node.inputs[0]);
  const Value& yv = template_.value(node.outputs[0]);
  const float sx = xv.quant.scale[0], sy = yv.quant.scale[0];
  const int32_t zx = xv.quant.zero_point[0], zy = yv.quant.zero_point[0];
  const auto [lo, hi] =
      OutputRange(yv, ParseActivation(node.attrs.GetString("activation", "none")));
  const int64_t channels = layer.weight.size(0);
  const torch::Tensor w = layer.weight * layer.mask;
  torch::Tensor w_quantized, w_used;
  if (layer.wp.defined()) {
    // TTQ on the layer's own weights: {-Wn, 0, +Wp} by the threshold; the latent weights'
    // gradient scaled by Wp, 1 and Wn in the three regions.
    const std::vector<float> thresholds =
        quant::TernaryThresholds(ToVector(ToIrLayout(w, conv)), channels, layer.spec);
    const torch::Tensor threshold = PerChannel(
        FromFloats(thresholds, {static_cast<int64_t>(thresholds.size())}).expand({channels}),
        w.dim());
    const torch::Tensor positive = w.detach().gt(threshold).to(torch::kFloat32);
    const torch::Tensor negative = w.detach().lt(-threshold).to(torch::kFloat32);
    auto [wp, wn] = ChannelMagnitudes(layer);
    wp = PerChannel(wp, w.dim());
    wn = PerChannel(wn, w.dim());
    w_quantized = wp * positive - wn * negative;
    const torch::Tensor scaled =
        w * (wp.detach() * positive + (1 - positive - negative) + wn.detach() * negative);
    w_used = w_quantized + (scaled - scaled.detach());
  } else {
    const quant::QuantizedWeights q =
        quant::QuantizeWeights(ToVector(ToIrLayout(w, conv)), channels, layer.spec);
    w_quantized =
        ToTorchLayout(FromFloats(q.Dequantize(), template_.value(node.inputs[1]).shape), conv);
    w_used = w + (w_quantized - w).detach();
  }
  if (options_.alpha_ramp > 0) {
    const double alpha = std::min(1.0, progress_ / options_.alpha_ramp);
    if (alpha < 1.0) {
      w_used =
          (1.0 - alpha) * w + alpha * (layer.wp.defined() ? w_quantized : w_quantized.detach());
    }
  }
  torch::Tensor z = LinearForward(node, (x - zx) * sx, w_used);
  if (layer.bias.defined()) z = z + layer.bias;
  // Channels last: LibTorch normalises dimension 1.
  z = torch::batch_norm(z.movedim(-1, 1), layer.bn_gamma, layer.bn_beta, layer.bn_mean,
                        layer.bn_var, /*training=*/true, 0.1, layer.bn_epsilon, false)
          .movedim(1, -1);
  const torch::Tensor y = torch::clamp(z / sy + zy, lo, hi);
  return y + (torch::floor(y + 0.5) - y).detach();
}

torch::Tensor QatGraph::RunQuantizedLinear(const Node& node, Layer& layer, const torch::Tensor& x) {
  if (layer.bn_gamma.defined() && is_training()) return RunLiveBatchNorm(node, layer, x);
  const bool conv = node.op == OpType::kConv2D;
  const Value& xv = template_.value(node.inputs[0]);
  const Value& yv = template_.value(node.outputs[0]);
  const float sx = xv.quant.scale[0], sy = yv.quant.scale[0];
  const int32_t zx = xv.quant.zero_point[0], zy = yv.quant.zero_point[0];
  const Activation activation = ParseActivation(node.attrs.GetString("activation", "none"));
  const auto [lo, hi] = OutputRange(yv, activation);
  const quant::QuantizedWeights q = CurrentWeights(layer);
  const int64_t channels = layer.weight.size(0);
  const int64_t depth = layer.weight.numel() / channels;
  const size_t groups = q.quant.scale.size();
  auto group = [&](int64_t c) { return groups == 1 ? size_t{0} : static_cast<size_t>(c); };
  auto apply = [&](const torch::Tensor& input, const torch::Tensor& w) {
    return LinearForward(node, input, w);
  };

  std::vector<int8_t> levels_copy = q.levels;
  const torch::Tensor levels = ToTorchLayout(
      torch::from_blob(levels_copy.data(),
                       std::vector<int64_t>(template_.value(node.inputs[1]).shape.begin(),
                                            template_.value(node.inputs[1]).shape.end()),
                       torch::kInt8)
          .to(torch::kFloat32),
      conv);
  const bool ternary = q.dtype == DType::kTernary;
  const torch::Tensor w_latent = FoldedLatent(layer);
  const torch::Tensor bias = FoldedBias(layer);

  // The float path that carries the gradients.
  torch::Tensor w_quantized;
  torch::Tensor w_used;
  if (ternary && layer.wp.defined()) {
    std::vector<float> wp_exact(static_cast<size_t>(channels)), wn_exact(wp_exact.size());
    for (int64_t c = 0; c < channels; ++c) {
      const size_t g = group(c);
      wp_exact[static_cast<size_t>(c)] = q.quant.scale[g] * q.quant.ternary_pos[g];
      wn_exact[static_cast<size_t>(c)] = q.quant.scale[g] * q.quant.ternary_neg[g];
    }
    auto [wp, wn] = ChannelMagnitudes(layer);
    if (layer.bn_gamma.defined()) {
      // As CurrentWeights: |g| Wp and |g| Wn, swapped where g < 0.
      const torch::Tensor gain = Gain(layer);
      const torch::Tensor flip = gain.lt(0);
      const torch::Tensor wp_channel = torch::where(flip, wn, wp) * gain.abs();
      wn = torch::where(flip, wp, wn) * gain.abs();
      wp = wp_channel;
    }
    // Magnitudes as exported (7-bit ratio), with the gradient of the trained ones.
    const torch::Tensor wp_used =
        PerChannel(wp + (FromFloats(wp_exact, {channels}) - wp).detach(), layer.weight.dim());
    const torch::Tensor wn_used =
        PerChannel(wn + (FromFloats(wn_exact, {channels}) - wn).detach(), layer.weight.dim());
    const torch::Tensor positive = levels.eq(1).to(torch::kFloat32);
    const torch::Tensor negative = levels.eq(-1).to(torch::kFloat32);
    w_quantized = wp_used * positive - wn_used * negative;
    // TTQ's gradient to the latent weights: scaled by Wp, 1 and Wn in the three regions.
    const torch::Tensor factor =
        wp_used.detach() * positive + (1 - positive - negative) + wn_used.detach() * negative;
    const torch::Tensor scaled = w_latent * factor;
    w_used = w_quantized + (scaled - scaled.detach());
  } else {
    w_quantized =
        ToTorchLayout(FromFloats(q.Dequantize(), template_.value(node.inputs[1]).shape), conv);
    w_used = w_latent + (w_quantized - w_latent).detach();
  }
  double alpha = 1.0;
  if (options_.alpha_ramp > 0 && is_training()) {
    alpha = std::min(1.0, progress_ / options_.alpha_ramp);
    if (alpha < 1.0) {
      w_used = (1.0 - alpha) * w_latent +
               alpha * (layer.wp.defined() && ternary ? w_quantized : w_quantized.detach());
    }
  }
  torch::Tensor acc_real = apply((x - zx) * sx, w_used);
  if (bias.defined()) acc_real = acc_real + bias;
  const torch::Tensor y_soft = torch::clamp(acc_real / sy + zy, lo, hi);
  if (alpha < 1.0) return y_soft + (torch::floor(y_soft + 0.5) - y_soft).detach();

  // The exact path: the runtime's integers.
  torch::Tensor y_exact;
  {
    torch::NoGradGuard no_grad;
    const torch::Tensor xc = x.detach() - zx;
    const int64_t max_input = std::max(zx - QuantMin(xv.dtype), QuantMax(xv.dtype) - zx);
    torch::Tensor acc;
    if (ternary) {
      // Sums under the +1 and -1 codes separately: each stays below 2^24, exact in f32.
      std::vector<int64_t> pos(static_cast<size_t>(channels)), neg(pos.size());
      for (int64_t c = 0; c < channels; ++c) {
        pos[static_cast<size_t>(c)] = q.quant.ternary_pos[group(c)];
        neg[static_cast<size_t>(c)] = q.quant.ternary_neg[group(c)];
      }
      const torch::Tensor p_sum =
          apply(xc, levels.eq(1).to(torch::kFloat32)).round().to(torch::kLong);
      const torch::Tensor n_sum =
          apply(xc, levels.eq(-1).to(torch::kFloat32)).round().to(torch::kLong);
      acc = p_sum * torch::tensor(pos, torch::kLong) - n_sum * torch::tensor(neg, torch::kLong);
    } else {
      const int64_t max_level = std::max<int64_t>(1, levels.abs().max().item<float>());
      if (depth * max_input * max_level < (int64_t{1} << 24)) {
        acc = apply(xc, levels).round().to(torch::kLong);
      } else {
        acc = apply(xc.to(torch::kFloat64), levels.to(torch::kFloat64)).round().to(torch::kLong);
      }
    }
    if (bias.defined()) {
      const std::vector<int32_t> bias_levels = quant::BiasLevels(ToVector(bias), sx, q.quant);
      acc = acc + torch::tensor(std::vector<int64_t>(bias_levels.begin(), bias_levels.end()),
                                torch::kLong);
    }
    std::vector<int64_t> multiplier(static_cast<size_t>(channels)), shift(multiplier.size()),
        offset(multiplier.size());
    for (int64_t c = 0; c < channels; ++c) {
      const Requant r = QuantizeMultiplier(static_cast<double>(sx) * q.quant.scale[group(c)] /
                                           static_cast<double>(sy));
      multiplier[static_cast<size_t>(c)] = r.multiplier;
      shift[static_cast<size_t>(c)] = r.shift;
      offset[static_cast<size_t>(c)] = r.shift > 0 ? int64_t{1} << (r.shift - 1) : 0;
    }
    const torch::Tensor scaled = torch::bitwise_right_shift(
        acc * torch::tensor(multiplier, torch::kLong) + torch::tensor(offset, torch::kLong),
        torch::tensor(shift, torch::kLong));
    y_exact = torch::clamp(scaled + zy, lo, hi).to(torch::kFloat32);
  }
  return y_soft + (y_exact - y_soft).detach();
}

torch::Tensor QatGraph::RunQuantizedOp(const Node& node, const std::vector<torch::Tensor>& in) {
  const Value& y = template_.value(node.outputs[0]);
  const Value& x = template_.value(node.inputs[0]);
  switch (node.op) {
    case OpType::kQuantize: {
      const float s = y.quant.scale[0];
      const int32_t z = y.quant.zero_point[0];
      const int32_t lo = QuantMin(y.dtype), hi = QuantMax(y.dtype);
      // Exactly the runtime's f32 division and round-half-even, element by element.
      const torch::Tensor xs = in[0].detach().to(torch::kCPU).contiguous();
      torch::Tensor exact = torch::empty_like(xs);
      const float* src = xs.data_ptr<float>();
      float* dst = exact.data_ptr<float>();
      for (int64_t i = 0; i < xs.numel(); ++i) {
        const float r = std::nearbyint(src[i] / s);
        dst[i] = static_cast<float>(std::clamp<int64_t>(static_cast<int64_t>(r) + z, lo, hi));
      }
      const torch::Tensor soft = torch::clamp(in[0] / s + z, lo, hi);
      return soft + (exact - soft).detach();
    }
    case OpType::kDequantize:
      return (in[0] - x.quant.zero_point[0]) * x.quant.scale[0];
    case OpType::kBinarize: {
      // The runtime's q >= z as +-1; the gradient straight through where |real value| <= 1.
      const torch::Tensor real = (in[0] - x.quant.zero_point[0]) * x.quant.scale[0];
      const torch::Tensor sign = (in[0] >= x.quant.zero_point[0]).to(torch::kFloat32) * 2 - 1;
      const torch::Tensor clipped = torch::clamp(real, -1, 1);
      return clipped + (sign - clipped).detach();
    }
    case OpType::kMaxPool:
    case OpType::kReshape:
    case OpType::kFlatten:
      if (!(x.quant == y.quant)) Unsupported(node, "a rescaling quantized op");
      return RunFloatOp(template_, node, in, false);
    case OpType::kDropout:
      return in[0];
    case OpType::kRelu:
      if (!(x.quant == y.quant)) Unsupported(node, "a rescaling quantized op");
      return torch::clamp_min(in[0], y.quant.zero_point[0]);
    case OpType::kPad: {
      const std::vector<int64_t> pads = node.attrs.GetInts("pads", {});
      const int64_t rank = in[0].dim();
      std::vector<int64_t> torch_pads;
      for (int64_t d = rank - 1; d >= 0; --d) {
        torch_pads.push_back(pads[static_cast<size_t>(d)]);
        torch_pads.push_back(pads[static_cast<size_t>(d + rank)]);
      }
      return torch::constant_pad_nd(in[0], torch_pads, x.quant.zero_point[0]);
    }
    default:
      Unsupported(node, "this op on quantized tensors");
  }
}

torch::Tensor QatGraph::forward(const torch::Tensor& input) {
  std::map<ValueId, torch::Tensor> values = floats_;
  values[template_.inputs()[0]] = input;
  for (const NodeId id : order_) {
    const Node& node = template_.node(id);
    const auto layer = layers_.find(id);
    if (layer != layers_.end()) {
      // The layer's weights and bias live in `layers_`, not among the values.
      values[node.outputs[0]] = RunQuantizedLinear(node, layer->second, values.at(node.inputs[0]));
      continue;
    }
    if (IsRecurrentOp(node.op) || node.op == OpType::kStructuredDense) {
      // int8 parts fake-quantized from their latents; the op quantizes its inputs per vector.
      std::vector<torch::Tensor> inputs;
      bool int8 = false;
      for (const ValueId v : node.inputs) {
        const auto part = structured_parts_.find(v);
        if (part == structured_parts_.end()) {
          inputs.push_back(values.at(v));
          continue;
        }
        int8 = true;
        inputs.push_back(FakeQuantStructuredPart(part->second.latent, part->second.per_row));
      }
      values[node.outputs[0]] = node.op == OpType::kStructuredDense
                                    ? RunStructuredDenseOp(template_, node, inputs, int8)
                                    : RunRecurrentOp(template_, node, inputs, int8);
      continue;
    }
    std::vector<torch::Tensor> inputs;
    inputs.reserve(node.inputs.size());
    bool quantized = node.op == OpType::kQuantize || node.op == OpType::kDequantize;
    for (const ValueId v : node.inputs) {
      inputs.push_back(values.at(v));
      quantized |= !template_.value(v).is_constant() && template_.value(v).dtype != DType::kF32;
    }
    if (quantized) {
      values[node.outputs[0]] = RunQuantizedOp(node, inputs);
    } else {
      values[node.outputs[0]] = RunFloatOp(template_, node, inputs, is_training());
    }
  }
  return values.at(template_.outputs()[0]);
}

namespace {

// The mask that keeps all but the k blocks of least sum of squares of `weight` (OIHW, or
// [Cout, K]; quant::kPruneBlockChannels x kPruneBlockDepth blocks at one tap, partial at the
// edges, which the zero padding leaves with their own weights only).
torch::Tensor BlockMask(const torch::Tensor& weight, double sparsity) {
  const torch::Tensor w = weight.dim() == 4 ? weight : weight.view({weight.size(0), -1, 1, 1});
  const int64_t out = w.size(0), in = w.size(1), kh = w.size(2), kw = w.size(3);
  const int64_t out_blocks = (out + quant::kPruneBlockChannels - 1) / quant::kPruneBlockChannels;
  const int64_t in_blocks = (in + quant::kPruneBlockDepth - 1) / quant::kPruneBlockDepth;
  const torch::Tensor padded =
      torch::constant_pad_nd(w.square(), {0, 0, 0, 0, 0, in_blocks * quant::kPruneBlockDepth - in,
                                          0, out_blocks * quant::kPruneBlockChannels - out});
  const torch::Tensor scores = padded
                                   .view({out_blocks, quant::kPruneBlockChannels, in_blocks,
                                          quant::kPruneBlockDepth, kh, kw})
                                   .sum({1, 3})
                                   .flatten();
  torch::Tensor keep = torch::ones_like(scores);
  const int64_t k = std::llround(sparsity * static_cast<double>(scores.numel()));
  if (k > 0) keep.index_fill_(0, scores.argsort(/*stable=*/true).slice(0, 0, k), 0.0f);
  return keep.view({out_blocks, 1, in_blocks, 1, kh, kw})
      .expand({out_blocks, quant::kPruneBlockChannels, in_blocks, quant::kPruneBlockDepth, kh, kw})
      .reshape(
          {out_blocks * quant::kPruneBlockChannels, in_blocks * quant::kPruneBlockDepth, kh, kw})
      .slice(0, 0, out)
      .slice(1, 0, in)
      .reshape(weight.sizes());
}

}  // namespace

void QatGraph::UpdateMasks(double progress) {
  torch::NoGradGuard no_grad;
  // Global pruning: one threshold, the magnitude below which the target of all weights lie.
  std::optional<float> threshold;
  if (options_.prune_global) {
    std::vector<torch::Tensor> all;
    double target = 0.0;
    for (auto& [id, layer] : layers_) {
      if (layer.prune <= 0) continue;
      all.push_back((layer.weight * layer.mask).abs().flatten());
      target = std::max(target, layer.prune * progress);
    }
    if (all.empty()) return;
    const torch::Tensor magnitudes = torch::cat(all);
    const int64_t k = static_cast<int64_t>(target * static_cast<double>(magnitudes.numel()));
    if (k <= 0) return;
    threshold = std::get<0>(magnitudes.kthvalue(k)).item<float>();
  }
  for (auto& [id, layer] : layers_) {
    if (layer.prune <= 0) continue;
    const torch::Tensor magnitude = (layer.weight * layer.mask).abs().flatten();
    torch::Tensor mask;
    if (threshold) {
      mask = magnitude.gt(*threshold).to(torch::kFloat32);
    } else if (options_.prune_blocks && template_.node(id).attrs.GetInt("groups", 1) == 1) {
      mask = BlockMask(layer.weight * layer.mask, layer.prune * progress).flatten();
    } else {
      const double sparsity = layer.prune * progress;
      const int64_t k = static_cast<int64_t>(sparsity * static_cast<double>(magnitude.numel()));
      if (k <= 0) continue;
      // The k smallest magnitudes (exactly k, also where magnitudes tie).
      const torch::Tensor order = magnitude.argsort();
      mask = torch::ones_like(magnitude);
      mask.index_fill_(0, order.slice(0, 0, k), 0.0f);
    }
    layer.mask.copy_(mask.view_as(layer.mask));
  }
  mask_progress_ = progress;
}

void QatGraph::BeginStep(double progress) {
  progress_ = progress;
  if (options_.prune.empty()) return;
  const int64_t scale = 1000000;
  const double target = quant::CubicSparsity(1.0, static_cast<int64_t>(progress * scale),
                                             static_cast<int64_t>(options_.prune_begin * scale),
                                             static_cast<int64_t>(options_.prune_end * scale));
  // Masks move in steps of half a percent of the targets (and once more at the end) to keep
  // this cheap.
  if (target - mask_progress_ >= 0.005 || (target == 1.0 && mask_progress_ < 1.0)) {
    UpdateMasks(target);
  }
}

double QatGraph::pruned_fraction() const {
  double zeros = 0, total = 0;
  for (const auto& [id, layer] : layers_) {
    if (layer.prune <= 0) continue;
    zeros += static_cast<double>((layer.mask == 0).sum().item<int64_t>());
    total += static_cast<double>(layer.mask.numel());
  }
  return total > 0 ? zeros / total : 0.0;
}

Graph QatGraph::FoldedWithLatentWeights() const {
  torch::NoGradGuard no_grad;
  Graph folded = folded_;
  std::map<std::string, ValueId> ids;
  for (size_t v = 0; v < folded.values().size(); ++v)
    ids[folded.values()[v].name] = static_cast<ValueId>(v);
  for (const auto& [id, layer] : layers_) {
    const bool conv = layer.weight.dim() == 4;
    quant::SetFloatData(folded.value(ids.at(layer.weight_name)),
                        ToVector(ToIrLayout(FoldedLatent(layer), conv)));
    if (layer.bias.defined()) {
      quant::SetFloatData(folded.value(ids.at(layer.bias_name)), ToVector(FoldedBias(layer)));
    }
  }
  for (const auto& [v, tensor] : floats_) {
    const Value& value = template_.value(v);
    const bool conv = tensor.dim() == 4;
    quant::SetFloatData(folded.value(ids.at(value.name)), ToVector(ToIrLayout(tensor, conv)));
  }
  for (const auto& [v, part] : structured_parts_) {
    quant::SetFloatData(folded.value(ids.at(part.folded_name)), ToVector(part.latent));
  }
  return folded;
}

Graph QatGraph::ExportGraph() const {
  quant::QuantPlan plan = plan_;
  for (const auto& [id, layer] : layers_) {
    plan.fixed_weights[template_.node(id).name] = CurrentWeights(layer);
  }
  return quant::QuantizeGraph(FoldedWithLatentWeights(), plan);
}

}  // namespace trit::train
