// Conv2D and Dense: 8-bit activations with int8, int4, int2, ternary or binary weights read
// packed from the model (each output channel's levels decoded into the declared scratch as the
// reference does), or fp32.
#include <limits>

#include "kernels/cortex_m/q8_conv_dsp.h"
#include "kernels/cortex_m/q8_conv_mve.h"
#include "kernels/cortex_m/q8_depthwise.h"
#include "kernels/q8_prepare.h"
#include "kernels/ref/conv2d.h"
#include "kernels/ref/dense.h"
#include "kernels/registry/cortex_m.h"
#include "micro/compiled_ops.h"
#include "micro/op.h"
#include "micro/params.h"

namespace trit::micro {
namespace {

// Dense as a 1x1 convolution over `rows` positions, the form the Cortex-M kernels take.
ref::ConvGeometry DenseGeometry(int rows, int in_features, int out_features) {
  ref::ConvGeometry g;
  g.in_w = g.out_w = rows;
  g.in_c = in_features;
  g.out_c = out_features;
  return g;
}

ref::QuantWeights Weights(const RunArgs& a, const LinearParams& p) {
  ref::QuantWeights w;
  w.type = static_cast<DType>(p.weight_type);
  w.data = FromModel<uint8_t>(a, p.weights);
  w.per_channel = p.per_channel != 0;
  if (w.type == DType::kTernary) {
    w.ternary_pos = FromModel<int8_t>(a, p.ternary_pos);
    w.ternary_neg = FromModel<int8_t>(a, p.ternary_neg);
  }
  return w;
}

ref::QuantOutput Output(const RunArgs& a, const LinearParams& p) {
  ref::QuantOutput o;
  o.requant = FromArena<Requant>(a, p.requant);
  o.per_channel = p.per_channel != 0;
  o.zero_point = p.output_zero_point;
  o.lo = p.lo;
  o.hi = p.hi;
  return o;
}

template <typename In, typename Out>
void RunConv2DQ8(const RunArgs& a) {
  const auto& p = *static_cast<const LinearParams*>(a.params);
  ref::Conv2DQ8(p.geometry, static_cast<const In*>(a.inputs[0]), p.input_zero_point, Weights(a, p),
                p.has_bias ? FromModel<int32_t>(a, p.bias) : nullptr, Output(a, p),
                static_cast<Out*>(a.outputs[0]), static_cast<int32_t*>(a.scratch));
}

template <typename In, typename Out>
void RunDenseQ8(const RunArgs& a) {
  const auto& p = *static_cast<const LinearParams*>(a.params);
  ref::DenseQ8(p.geometry.batch, p.geometry.in_c, p.geometry.out_c,
               static_cast<const In*>(a.inputs[0]), p.input_zero_point, Weights(a, p),
               p.has_bias ? FromModel<int32_t>(a, p.bias) : nullptr, Output(a, p),
               static_cast<Out*>(a.outputs[0]), static_cast<int32_t*>(a.scratch));
}

#if defined(__ARM_FEATURE_DSP)
// The DSP extension's kernels (kernels/cortex_m): two 16-bit MACs an instruction.
template <typename In, typename Out>
void RunConv2DQ8Dsp(const RunArgs& a) {
  const auto& p = *static_cast<const LinearParams*>(a.params);
  cortex_m::Conv2DQ8Dsp(p.geometry, static_cast<const In*>(a.inputs[0]), p.input_zero_point,
                        Weights(a, p), p.has_bias ? FromModel<int32_t>(a, p.bias) : nullptr,
                        Output(a, p), static_cast<Out*>(a.outputs[0]), a.scratch);
}

template <typename In, typename Out>
void RunDenseQ8Dsp(const RunArgs& a) {
  const auto& p = *static_cast<const LinearParams*>(a.params);
  cortex_m::Conv2DQ8Dsp(DenseGeometry(p.geometry.batch, p.geometry.in_c, p.geometry.out_c),
                        static_cast<const In*>(a.inputs[0]), p.input_zero_point, Weights(a, p),
                        p.has_bias ? FromModel<int32_t>(a, p.bias) : nullptr, Output(a, p),
                        static_cast<Out*>(a.outputs[0]), a.scratch);
}
#endif

#if defined(__ARM_FEATURE_DSP)
// Depthwise: DSP, or Helium where the core has it.
template <typename In, typename Out>
void RunDepthwiseQ8(const RunArgs& a) {
  const auto& p = *static_cast<const LinearParams*>(a.params);
#if defined(__ARM_FEATURE_MVE)
  cortex_m::DepthwiseQ8Mve(
#else
  cortex_m::DepthwiseQ8Dsp(
#endif
      p.geometry, static_cast<const In*>(a.inputs[0]), p.input_zero_point, Weights(a, p),
      p.has_bias ? FromModel<int32_t>(a, p.bias) : nullptr, Output(a, p),
      static_cast<Out*>(a.outputs[0]), a.scratch);
}
#endif

#if defined(__ARM_FEATURE_MVE)
// Helium's kernels (kernels/cortex_m): sixteen 8-bit MACs an instruction.
template <typename In, typename Out>
void RunConv2DQ8Mve(const RunArgs& a) {
  const auto& p = *static_cast<const LinearParams*>(a.params);
  cortex_m::Conv2DQ8Mve(p.geometry, static_cast<const In*>(a.inputs[0]), p.input_zero_point,
                        Weights(a, p), p.has_bias ? FromModel<int32_t>(a, p.bias) : nullptr,
                        Output(a, p), static_cast<Out*>(a.outputs[0]), a.scratch);
}

template <typename In, typename Out>
void RunDenseQ8Mve(const RunArgs& a) {
  const auto& p = *static_cast<const LinearParams*>(a.params);
  cortex_m::Conv2DQ8Mve(DenseGeometry(p.geometry.batch, p.geometry.in_c, p.geometry.out_c),
                        static_cast<const In*>(a.inputs[0]), p.input_zero_point, Weights(a, p),
                        p.has_bias ? FromModel<int32_t>(a, p.bias) : nullptr, Output(a, p),
                        static_cast<Out*>(a.outputs[0]), a.scratch);
}
#endif

void RunConv2DF32(const RunArgs& a) {
  const auto& p = *static_cast<const LinearParams*>(a.params);
  ref::Conv2DF32(p.geometry, static_cast<const float*>(a.inputs[0]), FromModel<float>(a, p.weights),
                 p.has_bias ? FromModel<float>(a, p.bias) : nullptr, p.act_min, p.act_max,
                 static_cast<float*>(a.outputs[0]));
}

void RunDenseF32(const RunArgs& a) {
  const auto& p = *static_cast<const LinearParams*>(a.params);
  ref::DenseF32(p.geometry.batch, p.geometry.in_c, p.geometry.out_c,
                static_cast<const float*>(a.inputs[0]), FromModel<float>(a, p.weights),
                p.has_bias ? FromModel<float>(a, p.bias) : nullptr, p.act_min, p.act_max,
                static_cast<float*>(a.outputs[0]));
}

const char* WeightTypeName(DType type) {
  switch (type) {
    case DType::kI8:
      return "int8";
    case DType::kI4:
      return "int4";
    case DType::kI2:
      return "int2";
    case DType::kTernary:
      return "ternary";
    default:
      return "binary";
  }
}

// Everything but the geometry: types, weights, bias, requantization. `depth` = products per
// output; `channels` = output channels.
Status PrepareLinear(PrepareContext& c, LinearParams& p, int64_t depth, int64_t channels,
                     Activation activation) {
  const TensorInfo x = c.input(0), w = c.input(1), y = c.output(0);
  const bool has_bias = c.input_count() == 3;
  p.has_bias = has_bias;
  p.weights = c.ModelOffset(w.data);
  if (has_bias) p.bias = c.ModelOffset(c.input(2).data);
  if (x.dtype == DType::kF32) {
    if (w.dtype != DType::kF32 || y.dtype != DType::kF32 ||
        (has_bias && !IsConstant(c.input(2), DType::kF32, channels))) {
      return c.Unsupported() << "fp32 input needs fp32 weights, bias and output";
    }
    p.act_min = activation == Activation::kNone ? -std::numeric_limits<float>::infinity() : 0.0f;
    p.act_max = activation == Activation::kRelu6 ? 6.0f : std::numeric_limits<float>::infinity();
    return Status::kOk;
  }
  if (!IsQ8(x.dtype) || !IsQ8(y.dtype)) {
    return c.Unsupported() << "input and output must be i8, u8 or f32 (binary activations are "
                              "not supported on microcontrollers yet)";
  }
  if (w.dtype == DType::kF32 || w.dtype == DType::kI32 || w.dtype == DType::kU8) {
    return c.Unsupported() << "quantized input with weights of this type";
  }
  if (!WeightTypeCompiled(w.dtype)) {
    return c.Unsupported() << WeightTypeName(w.dtype)
                           << " weights are not compiled into this build "
                              "(TRIT_MICRO_WEIGHT_TYPES: trit deploy compiles its model's)";
  }
  if (has_bias && !IsConstant(c.input(2), DType::kI32, channels)) {
    return c.Unsupported() << "the bias must be an i32 constant, one per output channel";
  }
  const fb::QuantParams* wq = w.tensor->quant();
  const bool per_channel = wq && wq->axis() >= 0;
  const int64_t scales = per_channel ? channels : 1;
  if (!wq || !wq->scale() || static_cast<int64_t>(wq->scale()->size()) != scales ||
      x.scale_count < 1 || y.scale_count < 1) {
    return c.Unsupported() << "weight scales that are not one per output channel or one in all";
  }
  p.per_channel = per_channel;
  p.weight_type = static_cast<uint8_t>(w.dtype);
  const int8_t* pos = nullptr;
  const int8_t* neg = nullptr;
  if (w.dtype == DType::kTernary) {
    if (!wq->ternary_pos() || !wq->ternary_neg() ||
        static_cast<int64_t>(wq->ternary_pos()->size()) != scales ||
        static_cast<int64_t>(wq->ternary_neg()->size()) != scales) {
      return c.Unsupported() << "ternary weights without one magnitude pair per scale";
    }
    pos = wq->ternary_pos()->data();
    neg = wq->ternary_neg()->data();
    p.ternary_pos = c.ModelOffset(pos);
    p.ternary_neg = c.ModelOffset(neg);
  }
  int64_t max_bias = 0;
  if (has_bias) {
    const int32_t* bias = reinterpret_cast<const int32_t*>(c.input(2).data);
    for (int64_t i = 0; i < channels; ++i) {
      const int64_t b = bias[i] < 0 ? -int64_t{bias[i]} : bias[i];
      if (b > max_bias) max_bias = b;
    }
  }
  if (!AccumulatorFits(depth, x.dtype, x.zero_point,
                       MaxWeightLevel(w.dtype, pos, neg, pos ? scales : 0), max_bias)) {
    return c.Unsupported() << "a layer whose 32-bit accumulator could overflow";
  }
  auto* requant = c.Allocate<Requant>(static_cast<size_t>(scales));
  if (!requant) return Status::kInvalidArgument;
  LinearRequant(x.scale, wq->scale()->data(), scales, y.scale, requant);
  p.requant = c.ArenaOffset(requant);
  const Q8Range range = LinearOutputRange(y.dtype, y.scale, y.zero_point, activation);
  p.input_zero_point = x.zero_point;
  p.output_zero_point = y.zero_point;
  p.lo = range.lo;
  p.hi = range.hi;
  return Status::kOk;
}

// The Cortex-M family's kernel for the layer at the context's level
// (kernels/registry/cortex_m.h). Sets the run function and returns true when that kernel is
// compiled into this build; either way *scratch is the chosen kernel's scratch (0 for the
// reference), which the reference then runs within on a host sizing a target's arena.
bool UseCortexMKernel(PrepareContext& c, const ref::ConvGeometry& g, DType in, DType weights,
                      DType out, bool dense, size_t* scratch) {
  const CortexMLinearProblem problem{in, weights, out, g.groups, g.in_c, g.out_c};
  const auto* chosen = FindKernel(CortexMLinearKernels(), problem, c.level());
  const CortexMLinear entry = chosen ? chosen->entry : CortexMLinear::kReference;
  if (chosen) c.kernel = chosen->name.data();  // names in the table are literals
  switch (entry) {
    case CortexMLinear::kConvMve:
      *scratch = cortex_m::Conv2DQ8MveScratchBytes(g);
      break;
    case CortexMLinear::kConvDsp:
      *scratch = cortex_m::Conv2DQ8DspScratchBytes(g);
      break;
    case CortexMLinear::kDepthwiseDsp:
      *scratch = cortex_m::DepthwiseQ8DspScratchBytes(g);
      break;
    case CortexMLinear::kDepthwiseMve:
      *scratch = cortex_m::DepthwiseQ8MveScratchBytes(g);
      break;
    default:
      *scratch = 0;
      return false;
  }
  if (!chosen || !IsaCovers(CompiledCortexMIsa(), chosen->isa)) return false;
  c.scratch_bytes = *scratch;
  switch (entry) {
#if defined(__ARM_FEATURE_MVE)
    case CortexMLinear::kConvMve:
      c.run =
          dense
              ? PickQ8<RunDenseQ8Mve<int8_t, int8_t>, RunDenseQ8Mve<int8_t, uint8_t>,
                       RunDenseQ8Mve<uint8_t, int8_t>, RunDenseQ8Mve<uint8_t, uint8_t>>(in, out)
              : PickQ8<RunConv2DQ8Mve<int8_t, int8_t>, RunConv2DQ8Mve<int8_t, uint8_t>,
                       RunConv2DQ8Mve<uint8_t, int8_t>, RunConv2DQ8Mve<uint8_t, uint8_t>>(in, out);
      return true;
#endif
#if defined(__ARM_FEATURE_DSP)
    case CortexMLinear::kConvDsp:
      c.run =
          dense
              ? PickQ8<RunDenseQ8Dsp<int8_t, int8_t>, RunDenseQ8Dsp<int8_t, uint8_t>,
                       RunDenseQ8Dsp<uint8_t, int8_t>, RunDenseQ8Dsp<uint8_t, uint8_t>>(in, out)
              : PickQ8<RunConv2DQ8Dsp<int8_t, int8_t>, RunConv2DQ8Dsp<int8_t, uint8_t>,
                       RunConv2DQ8Dsp<uint8_t, int8_t>, RunConv2DQ8Dsp<uint8_t, uint8_t>>(in, out);
      return true;
    case CortexMLinear::kDepthwiseDsp:
    case CortexMLinear::kDepthwiseMve:  // RunDepthwiseQ8 runs Helium's where the core has it
      c.run = PickQ8<RunDepthwiseQ8<int8_t, int8_t>, RunDepthwiseQ8<int8_t, uint8_t>,
                     RunDepthwiseQ8<uint8_t, int8_t>, RunDepthwiseQ8<uint8_t, uint8_t>>(in, out);
      return true;
#endif
    default:
      return false;
  }
}

bool FitsInt(int64_t v) { return v >= 0 && v <= std::numeric_limits<int32_t>::max(); }

}  // namespace

bool IsQ8(DType type) { return type == DType::kI8 || type == DType::kU8; }

bool IsConstant(const TensorInfo& t, DType type, int64_t elements) {
  return t.is_constant() && t.dtype == type && t.elements == elements;
}

Status PrepareConv2D(PrepareContext& c) {
  if (c.input_count() < 2 || c.input_count() > 3 || c.output_count() != 1) {
    return c.BadShape() << "Conv2D takes 2 or 3 inputs and 1 output";
  }
  const TensorInfo x = c.input(0), w = c.input(1), y = c.output(0);
  if (x.rank != 4 || w.rank != 4 || y.rank != 4 || !w.is_constant()) {
    return c.BadShape() << "Conv2D needs NHWC input and output and constant OHWI weights";
  }
  int64_t strides[2] = {1, 1}, dilations[2] = {1, 1}, pads[4] = {0, 0, 0, 0};
  IntsAttribute(c.node(), "strides", strides, 2);
  IntsAttribute(c.node(), "dilations", dilations, 2);
  IntsAttribute(c.node(), "pads", pads, 4);
  const int64_t groups = IntAttribute(c.node(), "groups", 1);
  Activation activation;
  if (!ActivationAttribute(c.node(), &activation)) return c.Unsupported() << "unknown activation";
  for (const int64_t v : strides) {
    if (v < 1 || v > 1 << 20) return c.BadShape() << "bad strides";
  }
  for (const int64_t v : dilations) {
    if (v < 1 || v > 1 << 20) return c.BadShape() << "bad dilations";
  }
  for (const int64_t v : pads) {
    if (v < 0 || v > 1 << 20) return c.BadShape() << "bad pads";
  }
  const int64_t cout = w.dim(0), kh = w.dim(1), kw = w.dim(2);
  if (groups < 1 || x.dim(3) % groups != 0 || cout % groups != 0 || w.dim(3) * groups != x.dim(3) ||
      kh < 1 || kw < 1) {
    return c.BadShape() << "weights do not match the input channels and groups";
  }
  const int64_t out_h =
      (x.dim(1) + pads[0] + pads[2] - dilations[0] * (kh - 1) - 1) / strides[0] + 1;
  const int64_t out_w =
      (x.dim(2) + pads[1] + pads[3] - dilations[1] * (kw - 1) - 1) / strides[1] + 1;
  if (y.dim(0) != x.dim(0) || y.dim(1) != out_h || y.dim(2) != out_w || y.dim(3) != cout ||
      out_h < 1 || out_w < 1) {
    return c.BadShape() << "output shape does not follow from the input, weights and attributes";
  }
  auto* p = c.Allocate<LinearParams>(1);
  if (!p) return Status::kInvalidArgument;
  c.params = p;
  ref::ConvGeometry& g = p->geometry;
  const int64_t dims[] = {x.dim(0), x.dim(1), x.dim(2), x.dim(3), out_h, out_w, cout, kh, kw};
  for (const int64_t v : dims) {
    if (!FitsInt(v)) return c.BadShape() << "extent too large";
  }
  g.batch = static_cast<int>(x.dim(0));
  g.in_h = static_cast<int>(x.dim(1));
  g.in_w = static_cast<int>(x.dim(2));
  g.in_c = static_cast<int>(x.dim(3));
  g.out_h = static_cast<int>(out_h);
  g.out_w = static_cast<int>(out_w);
  g.out_c = static_cast<int>(cout);
  g.kernel_h = static_cast<int>(kh);
  g.kernel_w = static_cast<int>(kw);
  g.stride_h = static_cast<int>(strides[0]);
  g.stride_w = static_cast<int>(strides[1]);
  g.pad_top = static_cast<int>(pads[0]);
  g.pad_left = static_cast<int>(pads[1]);
  g.dilation_h = static_cast<int>(dilations[0]);
  g.dilation_w = static_cast<int>(dilations[1]);
  g.groups = static_cast<int>(groups);
  const int64_t depth = kh * kw * w.dim(3);
  const Status status = PrepareLinear(c, *p, depth, cout, activation);
  if (status != Status::kOk) return status;
  if (x.dtype == DType::kF32) {
    c.run = RunConv2DF32;
    return Status::kOk;
  }
  size_t target_scratch = 0;
  if (UseCortexMKernel(c, g, x.dtype, w.dtype, y.dtype, /*dense=*/false, &target_scratch)) {
    return Status::kOk;
  }
  c.scratch_bytes = sizeof(int32_t) * static_cast<size_t>(ref::Conv2DQ8ScratchCount(g));
  if (target_scratch > c.scratch_bytes) c.scratch_bytes = target_scratch;
  c.run = PickQ8<RunConv2DQ8<int8_t, int8_t>, RunConv2DQ8<int8_t, uint8_t>,
                 RunConv2DQ8<uint8_t, int8_t>, RunConv2DQ8<uint8_t, uint8_t>>(x.dtype, y.dtype);
  return Status::kOk;
}

Status PrepareDense(PrepareContext& c) {
  if (c.input_count() < 2 || c.input_count() > 3 || c.output_count() != 1) {
    return c.BadShape() << "Dense takes 2 or 3 inputs and 1 output";
  }
  const TensorInfo x = c.input(0), w = c.input(1), y = c.output(0);
  if (w.rank != 2 || !w.is_constant() || x.rank < 1 || y.rank != x.rank) {
    return c.BadShape() << "Dense needs constant [N, K] weights";
  }
  const int64_t k = w.dim(1), n = w.dim(0);
  if (k < 1 || x.dim(x.rank - 1) != k || y.dim(y.rank - 1) != n ||
      y.elements != x.elements / k * n || !FitsInt(x.elements / k) || !FitsInt(k) || !FitsInt(n)) {
    return c.BadShape() << "input, weights and output do not agree";
  }
  Activation activation;
  if (!ActivationAttribute(c.node(), &activation)) return c.Unsupported() << "unknown activation";
  auto* p = c.Allocate<LinearParams>(1);
  if (!p) return Status::kInvalidArgument;
  c.params = p;
  p->geometry.batch = static_cast<int>(x.elements / k);
  p->geometry.in_c = static_cast<int>(k);
  p->geometry.out_c = static_cast<int>(n);
  const Status status = PrepareLinear(c, *p, k, n, activation);
  if (status != Status::kOk) return status;
  if (x.dtype == DType::kF32) {
    c.run = RunDenseF32;
    return Status::kOk;
  }
  size_t target_scratch = 0;
  if (UseCortexMKernel(c, DenseGeometry(p->geometry.batch, p->geometry.in_c, p->geometry.out_c),
                       x.dtype, w.dtype, y.dtype, /*dense=*/true, &target_scratch)) {
    return Status::kOk;
  }
  c.scratch_bytes = sizeof(int32_t) * static_cast<size_t>(k);
  if (target_scratch > c.scratch_bytes) c.scratch_bytes = target_scratch;
  c.run = PickQ8<RunDenseQ8<int8_t, int8_t>, RunDenseQ8<int8_t, uint8_t>,
                 RunDenseQ8<uint8_t, int8_t>, RunDenseQ8<uint8_t, uint8_t>>(x.dtype, y.dtype);
  return Status::kOk;
}

}  // namespace trit::micro
