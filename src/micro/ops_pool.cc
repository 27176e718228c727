// MaxPool, AvgPool and GlobalAvgPool over NHWC, 8-bit or fp32.
#include <type_traits>

#include "kernels/cortex_m/q8_avgpool.h"
#include "kernels/cortex_m/q8_maxpool.h"
#include "kernels/q8_prepare.h"
#include "kernels/ref/pool.h"
#include "kernels/registry/cortex_m.h"
#include "micro/op.h"
#include "micro/params.h"
#include "micro/rescale_table.h"

namespace trit::micro {
namespace {

template <typename In, typename Out>
void RunMaxPoolQ8(const RunArgs& a) {
  const auto& p = *static_cast<const PoolParams*>(a.params);
  ref::MaxPoolQ8(p.geometry, static_cast<const In*>(a.inputs[0]), p.input_zero_point,
                 p.rescaled ? &p.rescale : nullptr, p.output_zero_point, p.lo, p.hi,
                 static_cast<Out*>(a.outputs[0]));
}

template <typename In, typename Out>
void RunAvgPoolQ8(const RunArgs& a) {
  const auto& p = *static_cast<const PoolParams*>(a.params);
  ref::AvgPoolQ8(p.geometry, p.count_include_pad != 0, static_cast<const In*>(a.inputs[0]),
                 p.input_zero_point, FromArena<Requant>(a, p.per_count), p.output_zero_point, p.lo,
                 p.hi, static_cast<Out*>(a.outputs[0]));
}

// A MaxPool that rescales: the max as input levels into the output, then each through the
// layer's table of rescaled levels, in place.
template <typename T>
void RescaleMaxima(const RunArgs& a, const PoolParams& p) {
  const ref::ConvGeometry& g = p.geometry;
  const int64_t count = static_cast<int64_t>(g.batch) * g.out_h * g.out_w * g.out_c;
  LookupLevels(a, p.table, std::is_signed_v<T>, p.gather != 0, count, a.outputs[0], a.outputs[0]);
}

#if defined(__ARM_FEATURE_MVE)
template <typename T>
void RunMaxPoolQ8Mve(const RunArgs& a) {
  const auto& p = *static_cast<const PoolParams*>(a.params);
  cortex_m::MaxPoolQ8Mve(p.geometry, static_cast<const T*>(a.inputs[0]),
                         static_cast<T*>(a.outputs[0]));
  if (p.rescaled) RescaleMaxima<T>(a, p);
}
#endif
#if defined(__ARM_FEATURE_DSP)
template <typename T>
void RunMaxPoolQ8Dsp(const RunArgs& a) {
  const auto& p = *static_cast<const PoolParams*>(a.params);
  cortex_m::MaxPoolQ8Dsp(p.geometry, static_cast<const T*>(a.inputs[0]),
                         static_cast<T*>(a.outputs[0]));
  if (p.rescaled) RescaleMaxima<T>(a, p);
}
#endif

// The Cortex-M family's MaxPool kernel at the context's level (kernels/registry/cortex_m.h):
// names it, and sets its run function where it is compiled into this build (none needs scratch).
// A layer that rescales gets its table of levels whatever the build compiles, so that a host
// sizes the target's arena with it.
bool UseCortexMMaxPool(PrepareContext& c, PoolParams& p, DType in, DType out) {
  const auto* chosen =
      FindKernel(CortexMMaxPoolKernels(), CortexMPoolProblem{in, p.rescaled != 0}, c.level());
  if (!chosen) return true;
  c.kernel = chosen->name.data();
  if (chosen->entry == CortexMPool::kReference) return true;
  if (p.rescaled) {
    const RescaleLevels levels{in,   out,  p.input_zero_point, p.output_zero_point,
                               p.lo, p.hi, p.rescale};
    if (!BuildRescaleTable(c, levels, &p.table)) return false;
    p.gather = chosen->entry == CortexMPool::kMaxMve;
  }
  const DType type = in;
  if (!IsaCovers(CompiledCortexMIsa(), chosen->isa)) return true;
  [[maybe_unused]] const bool i8 = type == DType::kI8;
  switch (chosen->entry) {
#if defined(__ARM_FEATURE_MVE)
    case CortexMPool::kMaxMve:
      c.run = i8 ? RunMaxPoolQ8Mve<int8_t> : RunMaxPoolQ8Mve<uint8_t>;
      return true;
#endif
#if defined(__ARM_FEATURE_DSP)
    case CortexMPool::kMaxDsp:
      c.run = i8 ? RunMaxPoolQ8Dsp<int8_t> : RunMaxPoolQ8Dsp<uint8_t>;
      return true;
#endif
    default:
      return true;
  }
}

[[maybe_unused]] cortex_m::AvgPoolQ8Params AvgParams(const PoolParams& p, const RunArgs& a) {
  return {p.count_include_pad != 0,          p.input_zero_point, p.output_zero_point, p.lo, p.hi,
          FromArena<Requant>(a, p.per_count)};
}

#if defined(__ARM_FEATURE_MVE)
template <typename In, typename Out>
void RunAvgPoolQ8Mve(const RunArgs& a) {
  const auto& p = *static_cast<const PoolParams*>(a.params);
  cortex_m::AvgPoolQ8Mve(p.geometry, static_cast<const In*>(a.inputs[0]), AvgParams(p, a),
                         static_cast<Out*>(a.outputs[0]));
}
#endif
#if defined(__ARM_FEATURE_DSP)
template <typename In, typename Out>
void RunAvgPoolQ8Dsp(const RunArgs& a) {
  const auto& p = *static_cast<const PoolParams*>(a.params);
  cortex_m::AvgPoolQ8Dsp(p.geometry, static_cast<const In*>(a.inputs[0]), AvgParams(p, a),
                         static_cast<Out*>(a.outputs[0]));
}
#endif

// The same for AvgPool and GlobalAvgPool (no scratch).
void UseCortexMAvgPool(PrepareContext& c, DType in, [[maybe_unused]] DType out) {
  const auto* chosen = FindKernel(CortexMAvgPoolKernels(), CortexMPoolProblem{in, true}, c.level());
  if (!chosen) return;
  c.kernel = chosen->name.data();
  if (!IsaCovers(CompiledCortexMIsa(), chosen->isa)) return;
  switch (chosen->entry) {
#if defined(__ARM_FEATURE_MVE)
    case CortexMPool::kAvgMve:
      c.run = PickQ8<RunAvgPoolQ8Mve<int8_t, int8_t>, RunAvgPoolQ8Mve<int8_t, uint8_t>,
                     RunAvgPoolQ8Mve<uint8_t, int8_t>, RunAvgPoolQ8Mve<uint8_t, uint8_t>>(in, out);
      return;
#endif
#if defined(__ARM_FEATURE_DSP)
    case CortexMPool::kAvgDsp:
      c.run = PickQ8<RunAvgPoolQ8Dsp<int8_t, int8_t>, RunAvgPoolQ8Dsp<int8_t, uint8_t>,
                     RunAvgPoolQ8Dsp<uint8_t, int8_t>, RunAvgPoolQ8Dsp<uint8_t, uint8_t>>(in, out);
      return;
#endif
    default:
      return;
  }
}

void RunMaxPoolF32(const RunArgs& a) {
  const auto& p = *static_cast<const PoolParams*>(a.params);
  ref::MaxPoolF32(p.geometry, static_cast<const float*>(a.inputs[0]),
                  static_cast<float*>(a.outputs[0]));
}

void RunAvgPoolF32(const RunArgs& a) {
  const auto& p = *static_cast<const PoolParams*>(a.params);
  ref::AvgPoolF32(p.geometry, p.count_include_pad != 0, static_cast<const float*>(a.inputs[0]),
                  static_cast<float*>(a.outputs[0]));
}

}  // namespace

bool SameQuantization(const TensorInfo& a, const TensorInfo& b) {
  const fb::QuantParams* qa = a.tensor->quant();
  const fb::QuantParams* qb = b.tensor->quant();
  if (a.dtype != b.dtype || !qa || !qb || !qa->scale() || !qb->scale() || !qa->zero_point() ||
      !qb->zero_point() || qa->scale()->size() != qb->scale()->size() ||
      qa->zero_point()->size() != qb->zero_point()->size() || qa->axis() != qb->axis()) {
    return false;
  }
  for (unsigned i = 0; i < qa->scale()->size(); ++i) {
    if (qa->scale()->Get(i) != qb->scale()->Get(i)) return false;
  }
  for (unsigned i = 0; i < qa->zero_point()->size(); ++i) {
    if (qa->zero_point()->Get(i) != qb->zero_point()->Get(i)) return false;
  }
  return true;
}

Status PreparePool(PrepareContext& c) {
  if (c.input_count() != 1 || c.output_count() != 1) {
    return c.BadShape() << "a pool takes 1 input and 1 output";
  }
  const TensorInfo x = c.input(0), y = c.output(0);
  if (x.rank != 4 || y.rank != 4) return c.BadShape() << "a pool needs NHWC tensors";
  const auto op = static_cast<OpType>(c.node()->op());
  int64_t kernel[2], strides[2], pads[4] = {0, 0, 0, 0};
  bool count_include_pad = false;
  if (op == OpType::kGlobalAvgPool) {
    kernel[0] = strides[0] = x.dim(1);
    kernel[1] = strides[1] = x.dim(2);
  } else {
    if (!IntsAttribute(c.node(), "kernel", kernel, 2)) return c.BadShape() << "bad kernel";
    if (!IntsAttribute(c.node(), "strides", strides, 2)) {
      strides[0] = kernel[0];
      strides[1] = kernel[1];
    }
    IntsAttribute(c.node(), "pads", pads, 4);
    count_include_pad = IntAttribute(c.node(), "count_include_pad", 0) != 0;
  }
  for (int i = 0; i < 2; ++i) {
    if (kernel[i] < 1 || kernel[i] > 1 << 20 || strides[i] < 1 || strides[i] > 1 << 20) {
      return c.BadShape() << "bad kernel or strides";
    }
  }
  for (int i = 0; i < 4; ++i) {
    if (pads[i] < 0 || pads[i] >= kernel[i % 2]) return c.BadShape() << "bad pads";
  }
  const int64_t out_h = (x.dim(1) + pads[0] + pads[2] - kernel[0]) / strides[0] + 1;
  const int64_t out_w = (x.dim(2) + pads[1] + pads[3] - kernel[1]) / strides[1] + 1;
  if (y.dim(0) != x.dim(0) || y.dim(1) != out_h || y.dim(2) != out_w || y.dim(3) != x.dim(3) ||
      out_h < 1 || out_w < 1 || x.elements > (int64_t{1} << 30)) {
    return c.BadShape() << "output shape does not follow from the input and attributes";
  }
  auto* p = c.Allocate<PoolParams>(1);
  if (!p) return Status::kInvalidArgument;
  c.params = p;
  ref::ConvGeometry& g = p->geometry;
  g.batch = static_cast<int>(x.dim(0));
  g.in_h = static_cast<int>(x.dim(1));
  g.in_w = static_cast<int>(x.dim(2));
  g.in_c = g.out_c = static_cast<int>(x.dim(3));
  g.out_h = static_cast<int>(out_h);
  g.out_w = static_cast<int>(out_w);
  g.kernel_h = static_cast<int>(kernel[0]);
  g.kernel_w = static_cast<int>(kernel[1]);
  g.stride_h = static_cast<int>(strides[0]);
  g.stride_w = static_cast<int>(strides[1]);
  g.pad_top = static_cast<int>(pads[0]);
  g.pad_left = static_cast<int>(pads[1]);
  p->count_include_pad = count_include_pad;
  const bool max = op == OpType::kMaxPool;
  if (x.dtype == DType::kF32) {
    if (y.dtype != DType::kF32) return c.Unsupported() << "fp32 input with a quantized output";
    c.run = max ? RunMaxPoolF32 : RunAvgPoolF32;
    return Status::kOk;
  }
  if (!IsQ8(x.dtype) || !IsQ8(y.dtype) || x.scale_count < 1 || y.scale_count < 1) {
    return c.Unsupported() << "pooling of this type";
  }
  p->input_zero_point = x.zero_point;
  p->output_zero_point = y.zero_point;
  p->lo = QuantMin(y.dtype);
  p->hi = QuantMax(y.dtype);
  const double ratio = static_cast<double>(x.scale) / y.scale;
  if (max) {
    p->rescaled = !SameQuantization(x, y);
    p->rescale = QuantizeMultiplier(ratio);
    c.run = PickQ8<RunMaxPoolQ8<int8_t, int8_t>, RunMaxPoolQ8<int8_t, uint8_t>,
                   RunMaxPoolQ8<uint8_t, int8_t>, RunMaxPoolQ8<uint8_t, uint8_t>>(x.dtype, y.dtype);
    return UseCortexMMaxPool(c, *p, x.dtype, y.dtype) ? Status::kOk : Status::kInvalidArgument;
  }
  const int64_t window = kernel[0] * kernel[1];
  if (window * 255 >= (int64_t{1} << 31)) return c.Unsupported() << "a window this large";
  auto* per_count = c.Allocate<Requant>(static_cast<size_t>(window) + 1);
  if (!per_count) return Status::kInvalidArgument;
  AvgPoolRequant(x.scale, y.scale, window, per_count);
  p->per_count = c.ArenaOffset(per_count);
  c.run = PickQ8<RunAvgPoolQ8<int8_t, int8_t>, RunAvgPoolQ8<int8_t, uint8_t>,
                 RunAvgPoolQ8<uint8_t, int8_t>, RunAvgPoolQ8<uint8_t, uint8_t>>(x.dtype, y.dtype);
  UseCortexMAvgPool(c, x.dtype, y.dtype);
  return Status::kOk;
}

}  // namespace trit::micro
