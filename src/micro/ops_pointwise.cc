// The elementwise ops: Quantize, Dequantize, Relu and Clip, BatchNorm, Add, Pad (BatchNorm and
// Add with their fused ReLU / ReLU6).
#include <cstring>
#include <limits>

#include "kernels/cortex_m/q8_add.h"
#include "kernels/cortex_m/q8_batch_norm.h"
#include "kernels/cortex_m/q8_clamp.h"
#include "kernels/q8_prepare.h"
#include "kernels/ref/activation.h"
#include "kernels/ref/batch_norm.h"
#include "kernels/ref/concat.h"
#include "kernels/ref/elementwise.h"
#include "kernels/ref/quantize.h"
#include "kernels/registry/cortex_m.h"
#include "micro/op.h"
#include "micro/params.h"
#include "micro/rescale_table.h"

namespace trit::micro {
namespace {

template <typename Out>
void RunQuantize(const RunArgs& a) {
  const auto& p = *static_cast<const CountParams*>(a.params);
  ref::QuantizeF32(p.count, static_cast<const float*>(a.inputs[0]), p.scale, p.zero_point,
                   static_cast<Out*>(a.outputs[0]));
}

template <typename In>
void RunDequantize(const RunArgs& a) {
  const auto& p = *static_cast<const CountParams*>(a.params);
  ref::DequantizeF32(p.count, static_cast<const In*>(a.inputs[0]), p.scale, p.zero_point,
                     static_cast<float*>(a.outputs[0]));
}

struct RescaleParams {
  int64_t count;
  Requant requant;
  int32_t input_zero_point, output_zero_point, lo, hi;
  float lo_f32, hi_f32;
  uint32_t table;  // arena offset of the 256 levels (the lookup kernels)
  uint8_t input_signed, gather;
};

template <typename In, typename Out>
void RunRescaleClamp(const RunArgs& a) {
  const auto& p = *static_cast<const RescaleParams*>(a.params);
  ref::RescaleClampQ8(p.count, static_cast<const In*>(a.inputs[0]), p.input_zero_point, p.requant,
                      p.output_zero_point, p.lo, p.hi, static_cast<Out*>(a.outputs[0]));
}

#if defined(__ARM_FEATURE_MVE)
template <typename T>
void RunClampQ8Mve(const RunArgs& a) {
  const auto& p = *static_cast<const RescaleParams*>(a.params);
  cortex_m::ClampQ8Mve(p.count, static_cast<const T*>(a.inputs[0]), p.lo, p.hi,
                       static_cast<T*>(a.outputs[0]));
}
#endif
#if defined(__ARM_FEATURE_DSP)
template <typename T>
void RunClampQ8Dsp(const RunArgs& a) {
  const auto& p = *static_cast<const RescaleParams*>(a.params);
  cortex_m::ClampQ8Dsp(p.count, static_cast<const T*>(a.inputs[0]), p.lo, p.hi,
                       static_cast<T*>(a.outputs[0]));
}
#endif

void RunLookup(const RunArgs& a) {
  const auto& p = *static_cast<const RescaleParams*>(a.params);
  LookupLevels(a, p.table, p.input_signed != 0, p.gather != 0, p.count, a.inputs[0], a.outputs[0]);
}

void RunClipF32(const RunArgs& a) {
  const auto& p = *static_cast<const RescaleParams*>(a.params);
  ref::ClipF32(p.count, static_cast<const float*>(a.inputs[0]), p.lo_f32, p.hi_f32,
               static_cast<float*>(a.outputs[0]));
}

// A fused ReLU / ReLU6 on an fp32 output: the clamp after the op, in place.
struct ClampF32 {
  bool active;
  float lo, hi;
};

ClampF32 FusedClampF32(Activation activation) {
  return {activation != Activation::kNone, 0.0f,
          activation == Activation::kRelu6 ? 6.0f : std::numeric_limits<float>::infinity()};
}

void ApplyClampF32(const ClampF32& clamp, int64_t count, float* y) {
  if (clamp.active) ref::ClipF32(count, y, clamp.lo, clamp.hi, y);
}

struct BatchNormParams {
  int64_t positions, channels;
  uint32_t multiplier, offset;  // arena offsets of int64_t[channels]
  int32_t shift, input_zero_point, output_zero_point, lo, hi;
  float epsilon;
  uint32_t gamma, beta, mean, variance;  // model offsets (fp32)
  ClampF32 clamp;                        // fp32: the fused activation
};

template <typename In, typename Out>
void RunBatchNormQ8(const RunArgs& a) {
  const auto& p = *static_cast<const BatchNormParams*>(a.params);
  ref::BatchNormQ8(p.positions, p.channels, static_cast<const In*>(a.inputs[0]), p.input_zero_point,
                   FromArena<int64_t>(a, p.multiplier), FromArena<int64_t>(a, p.offset), p.shift,
                   p.output_zero_point, p.lo, p.hi, static_cast<Out*>(a.outputs[0]));
}

cortex_m::BatchNormQ8Params SplitParams(const RunArgs& a, const BatchNormParams& p) {
  return {p.positions,
          p.channels,
          FromArena<int64_t>(a, p.multiplier),
          FromArena<int64_t>(a, p.offset),
          p.shift,
          p.input_zero_point,
          p.output_zero_point,
          p.lo,
          p.hi};
}

template <typename In, typename Out>
void RunBatchNormQ8Split(const RunArgs& a) {
  const auto& p = *static_cast<const BatchNormParams*>(a.params);
  cortex_m::BatchNormQ8Split(SplitParams(a, p), static_cast<const In*>(a.inputs[0]),
                             static_cast<Out*>(a.outputs[0]), a.scratch);
}

#if defined(__ARM_FEATURE_MVE)
template <typename In, typename Out>
void RunBatchNormQ8Mve(const RunArgs& a) {
  const auto& p = *static_cast<const BatchNormParams*>(a.params);
  cortex_m::BatchNormQ8Mve(SplitParams(a, p), static_cast<const In*>(a.inputs[0]),
                           static_cast<Out*>(a.outputs[0]), a.scratch);
}
#endif

void RunBatchNormF32(const RunArgs& a) {
  const auto& p = *static_cast<const BatchNormParams*>(a.params);
  ref::BatchNormF32(p.positions, p.channels, static_cast<const float*>(a.inputs[0]),
                    FromModel<float>(a, p.gamma), FromModel<float>(a, p.beta),
                    FromModel<float>(a, p.mean), FromModel<float>(a, p.variance), p.epsilon,
                    static_cast<float*>(a.outputs[0]));
  ApplyClampF32(p.clamp, p.positions * p.channels, static_cast<float*>(a.outputs[0]));
}

struct AddParams {
  ref::Broadcast broadcast;
  ref::QuantAddParams q;
  ClampF32 clamp;  // fp32: the fused activation
};

template <typename A, typename B, typename Out>
void RunAddQ8(const RunArgs& a) {
  const auto& p = *static_cast<const AddParams*>(a.params);
  ref::AddQ8(p.broadcast, static_cast<const A*>(a.inputs[0]), static_cast<const B*>(a.inputs[1]),
             p.q, static_cast<Out*>(a.outputs[0]));
}

#if defined(__ARM_FEATURE_DSP)
template <typename A, typename B, typename Out>
void RunAddQ8Dsp(const RunArgs& a) {
  const auto& p = *static_cast<const AddParams*>(a.params);
  cortex_m::AddQ8Dsp(p.broadcast.count, static_cast<const A*>(a.inputs[0]),
                     static_cast<const B*>(a.inputs[1]), p.q, static_cast<Out*>(a.outputs[0]));
}
#endif

#if defined(__ARM_FEATURE_MVE)
template <typename A, typename B, typename Out>
void RunAddQ8Mve(const RunArgs& a) {
  const auto& p = *static_cast<const AddParams*>(a.params);
  cortex_m::AddQ8Mve(p.broadcast.count, static_cast<const A*>(a.inputs[0]),
                     static_cast<const B*>(a.inputs[1]), p.q, static_cast<Out*>(a.outputs[0]));
}
#endif

void RunAddF32(const RunArgs& a) {
  const auto& p = *static_cast<const AddParams*>(a.params);
  ref::AddF32(p.broadcast, static_cast<const float*>(a.inputs[0]),
              static_cast<const float*>(a.inputs[1]), static_cast<float*>(a.outputs[0]));
  ApplyClampF32(p.clamp, p.broadcast.count, static_cast<float*>(a.outputs[0]));
}

struct PadParams {
  int64_t in_shape[kMaxRank];
  int64_t pads[2 * kMaxRank];
  int32_t rank;
  uint32_t element_bytes;
  uint8_t fill[4];
};

void RunPad(const RunArgs& a) {
  const auto& p = *static_cast<const PadParams*>(a.params);
  ref::PadConstant(p.rank, p.in_shape, p.pads, p.element_bytes, p.fill, a.inputs[0], a.outputs[0]);
}

bool OneToOne(PrepareContext& c) {
  return c.input_count() == 1 && c.output_count() == 1 &&
         c.input(0).elements == c.output(0).elements;
}

}  // namespace

Status PrepareQuantize(PrepareContext& c) {
  if (!OneToOne(c)) return c.BadShape() << "input and output differ in size";
  const TensorInfo x = c.input(0), y = c.output(0);
  if (x.dtype != DType::kF32 || !IsQ8(y.dtype) || y.scale_count < 1) {
    return c.Unsupported() << "Quantize from f32 to i8 or u8 only";
  }
  auto* p = c.Allocate<CountParams>(1);
  if (!p) return Status::kInvalidArgument;
  *p = {y.elements, y.scale, y.zero_point};
  c.params = p;
  c.run = y.dtype == DType::kI8 ? RunQuantize<int8_t> : RunQuantize<uint8_t>;
  c.in_place_input = 0;  // four bytes in, one out
  return Status::kOk;
}

Status PrepareDequantize(PrepareContext& c) {
  if (!OneToOne(c)) return c.BadShape() << "input and output differ in size";
  const TensorInfo x = c.input(0), y = c.output(0);
  if (!IsQ8(x.dtype) || y.dtype != DType::kF32 || x.scale_count < 1) {
    return c.Unsupported() << "Dequantize from i8 or u8 to f32 only";
  }
  auto* p = c.Allocate<CountParams>(1);
  if (!p) return Status::kInvalidArgument;
  *p = {x.elements, x.scale, x.zero_point};
  c.params = p;
  c.run = x.dtype == DType::kI8 ? RunDequantize<int8_t> : RunDequantize<uint8_t>;
  return Status::kOk;
}

Status PrepareActivation(PrepareContext& c) {
  if (!OneToOne(c)) return c.BadShape() << "input and output differ in size";
  const TensorInfo x = c.input(0), y = c.output(0);
  const bool clip = static_cast<OpType>(c.node()->op()) == OpType::kClip;
  const float min =
      clip ? FloatAttribute(c.node(), "min", -std::numeric_limits<float>::infinity()) : 0.0f;
  const float max = clip ? FloatAttribute(c.node(), "max", std::numeric_limits<float>::infinity())
                         : std::numeric_limits<float>::infinity();
  auto* p = c.Allocate<RescaleParams>(1);
  if (!p) return Status::kInvalidArgument;
  c.params = p;
  p->count = x.elements;
  if (x.dtype == DType::kF32 && y.dtype == DType::kF32) {
    p->lo_f32 = min;
    p->hi_f32 = max;
    c.run = RunClipF32;
    c.in_place_input = 0;
    return Status::kOk;
  }
  if (!IsQ8(x.dtype) || !IsQ8(y.dtype) || x.scale_count < 1 || y.scale_count < 1) {
    return c.Unsupported() << "Relu or Clip of this type";
  }
  p->requant = QuantizeMultiplier(static_cast<double>(x.scale) / y.scale);
  p->input_zero_point = x.zero_point;
  p->output_zero_point = y.zero_point;
  if (clip) {
    const Q8Range range = ClipRange(y.dtype, y.scale, y.zero_point, min, max);
    p->lo = range.lo;
    p->hi = range.hi;
  } else {
    p->lo = QuantMin(y.dtype) > y.zero_point ? QuantMin(y.dtype) : y.zero_point;
    p->hi = QuantMax(y.dtype);
  }
  c.in_place_input = 0;
  c.run =
      PickQ8<RunRescaleClamp<int8_t, int8_t>, RunRescaleClamp<int8_t, uint8_t>,
             RunRescaleClamp<uint8_t, int8_t>, RunRescaleClamp<uint8_t, uint8_t>>(x.dtype, y.dtype);
  // The Cortex-M family's kernel at the context's level (kernels/registry/cortex_m.h).
  const auto* chosen = FindKernel(CortexMClampKernels(),
                                  CortexMClampProblem{x.dtype, SameQuantization(x, y)}, c.level());
  if (!chosen) return Status::kOk;
  c.kernel = chosen->name.data();
  if (chosen->entry == CortexMClamp::kLookup || chosen->entry == CortexMClamp::kLookupMve) {
    // Built whatever this build compiles, so that a host sizes the target's arena with it; the
    // walk is portable (the gather only where compiled).
    const RescaleLevels levels{x.dtype, y.dtype, p->input_zero_point, p->output_zero_point,
                               p->lo,   p->hi,   p->requant};
    if (!BuildRescaleTable(c, levels, &p->table)) return Status::kInvalidArgument;
    p->input_signed = x.dtype == DType::kI8;
    p->gather = chosen->entry == CortexMClamp::kLookupMve;
    c.run = RunLookup;
    return Status::kOk;
  }
  if (!IsaCovers(CompiledCortexMIsa(), chosen->isa)) return Status::kOk;
  [[maybe_unused]] const bool i8 = x.dtype == DType::kI8;
  switch (chosen->entry) {
#if defined(__ARM_FEATURE_MVE)
    case CortexMClamp::kMve:
      c.run = i8 ? RunClampQ8Mve<int8_t> : RunClampQ8Mve<uint8_t>;
      break;
#endif
#if defined(__ARM_FEATURE_DSP)
    case CortexMClamp::kDsp:
      c.run = i8 ? RunClampQ8Dsp<int8_t> : RunClampQ8Dsp<uint8_t>;
      break;
#endif
    default:
      break;
  }
  return Status::kOk;
}

Status PrepareBatchNorm(PrepareContext& c) {
  if (c.input_count() != 5 || c.output_count() != 1) {
    return c.BadShape() << "BatchNorm takes 5 inputs and 1 output";
  }
  const TensorInfo x = c.input(0), y = c.output(0);
  if (x.rank < 1 || x.elements != y.elements) return c.BadShape() << "input and output differ";
  const int64_t channels = x.dim(x.rank - 1);
  for (int i = 1; i < 5; ++i) {
    if (!IsConstant(c.input(i), DType::kF32, channels)) {
      return c.Unsupported() << "BatchNorm parameters must be f32 constants, one per channel";
    }
  }
  Activation activation;
  if (!ActivationAttribute(c.node(), &activation)) {
    return c.Unsupported() << "unknown activation";
  }
  auto* p = c.Allocate<BatchNormParams>(1);
  if (!p) return Status::kInvalidArgument;
  c.params = p;
  p->clamp = FusedClampF32(activation);
  p->channels = channels;
  p->positions = channels > 0 ? x.elements / channels : 0;
  p->epsilon = FloatAttribute(c.node(), "epsilon", 1e-5f);
  const auto* gamma = reinterpret_cast<const float*>(c.input(1).data);
  const auto* beta = reinterpret_cast<const float*>(c.input(2).data);
  const auto* mean = reinterpret_cast<const float*>(c.input(3).data);
  const auto* variance = reinterpret_cast<const float*>(c.input(4).data);
  if (x.dtype == DType::kF32 && y.dtype == DType::kF32) {
    p->gamma = c.ModelOffset(gamma);
    p->beta = c.ModelOffset(beta);
    p->mean = c.ModelOffset(mean);
    p->variance = c.ModelOffset(variance);
    c.run = RunBatchNormF32;
    c.in_place_input = 0;
    return Status::kOk;
  }
  if (!IsQ8(x.dtype) || !IsQ8(y.dtype) || x.scale_count < 1 || y.scale_count < 1) {
    return c.Unsupported() << "BatchNorm of this type";
  }
  auto* multiplier = c.Allocate<int64_t>(static_cast<size_t>(channels));
  auto* offset = c.Allocate<int64_t>(static_cast<size_t>(channels));
  if (!multiplier || !offset) return Status::kInvalidArgument;
  const char* problem = "";
  if (!BatchNormQ8Params(channels, gamma, beta, mean, variance, p->epsilon, x.scale, y.scale,
                         multiplier, offset, &p->shift, &problem)) {
    return c.Unsupported() << problem;
  }
  p->multiplier = c.ArenaOffset(multiplier);
  p->offset = c.ArenaOffset(offset);
  p->input_zero_point = x.zero_point;
  p->output_zero_point = y.zero_point;
  const Q8Range range = LinearOutputRange(y.dtype, y.scale, y.zero_point, activation);
  p->lo = range.lo;
  p->hi = range.hi;
  c.in_place_input = 0;
  c.run =
      PickQ8<RunBatchNormQ8<int8_t, int8_t>, RunBatchNormQ8<int8_t, uint8_t>,
             RunBatchNormQ8<uint8_t, int8_t>, RunBatchNormQ8<uint8_t, uint8_t>>(x.dtype, y.dtype);
  // The Cortex-M family's kernel at the context's level (kernels/registry/cortex_m.h). The
  // portable split runs on any build; its scratch is planned whatever the build compiles.
  const auto* chosen = FindKernel(
      CortexMBatchNormKernels(),
      CortexMBatchNormProblem{BatchNormQ8Takes(p->shift, p->input_zero_point)}, c.level());
  if (!chosen) return Status::kOk;
  c.kernel = chosen->name.data();
  if (chosen->entry == CortexMBatchNorm::kReference) return Status::kOk;
  c.scratch_bytes = BatchNormQ8ScratchBytes(channels);
  c.run = PickQ8<RunBatchNormQ8Split<int8_t, int8_t>, RunBatchNormQ8Split<int8_t, uint8_t>,
                 RunBatchNormQ8Split<uint8_t, int8_t>, RunBatchNormQ8Split<uint8_t, uint8_t>>(
      x.dtype, y.dtype);
#if defined(__ARM_FEATURE_MVE)
  if (chosen->entry == CortexMBatchNorm::kSplitMve && IsaCovers(CompiledCortexMIsa(), Isa::kMve)) {
    c.run = PickQ8<RunBatchNormQ8Mve<int8_t, int8_t>, RunBatchNormQ8Mve<int8_t, uint8_t>,
                   RunBatchNormQ8Mve<uint8_t, int8_t>, RunBatchNormQ8Mve<uint8_t, uint8_t>>(
        x.dtype, y.dtype);
  }
#endif
  return Status::kOk;
}

Status PrepareAdd(PrepareContext& c) {
  if (c.input_count() != 2 || c.output_count() != 1) {
    return c.BadShape() << "Add takes 2 inputs and 1 output";
  }
  const TensorInfo a = c.input(0), b = c.input(1), y = c.output(0);
  // NumPy broadcasting, checked here: the result must be the stored output shape.
  const int rank = a.rank > b.rank ? a.rank : b.rank;
  if (y.rank != rank) return c.BadShape() << "output rank does not follow from the inputs";
  for (int d = 0; d < rank; ++d) {
    const int64_t da = d - (rank - a.rank) >= 0 ? a.dim(d - (rank - a.rank)) : 1;
    const int64_t db = d - (rank - b.rank) >= 0 ? b.dim(d - (rank - b.rank)) : 1;
    if (da != db && da != 1 && db != 1) return c.BadShape() << "inputs do not broadcast";
    if (y.dim(d) != (da == 1 ? db : da)) {
      return c.BadShape() << "output shape does not follow from the inputs";
    }
  }
  Activation activation;
  if (!ActivationAttribute(c.node(), &activation)) {
    return c.Unsupported() << "unknown activation";
  }
  auto* p = c.Allocate<AddParams>(1);
  if (!p) return Status::kInvalidArgument;
  c.params = p;
  p->clamp = FusedClampF32(activation);
  p->broadcast = ref::MakeBroadcast(a.shape, a.rank, b.shape, b.rank);
  // An input with the output's shape is read at the output's index: it may be overwritten.
  c.in_place_input = a.elements == y.elements ? 0 : (b.elements == y.elements ? 1 : -1);
  if (a.dtype == DType::kF32 && b.dtype == DType::kF32 && y.dtype == DType::kF32) {
    c.run = RunAddF32;
    return Status::kOk;
  }
  if (!IsQ8(a.dtype) || !IsQ8(b.dtype) || !IsQ8(y.dtype) || a.scale_count < 1 ||
      b.scale_count < 1 || y.scale_count < 1) {
    return c.Unsupported() << "Add of these types";
  }
  p->q = AddQ8Params(a.scale, a.zero_point, b.scale, b.zero_point, y.dtype, y.scale, y.zero_point);
  const Q8Range range = LinearOutputRange(y.dtype, y.scale, y.zero_point, activation);
  p->q.lo = range.lo;
  p->q.hi = range.hi;
  // Eight combinations of i8 and u8.
  static constexpr RunFn kRun[2][2][2] = {
      {{RunAddQ8<int8_t, int8_t, int8_t>, RunAddQ8<int8_t, int8_t, uint8_t>},
       {RunAddQ8<int8_t, uint8_t, int8_t>, RunAddQ8<int8_t, uint8_t, uint8_t>}},
      {{RunAddQ8<uint8_t, int8_t, int8_t>, RunAddQ8<uint8_t, int8_t, uint8_t>},
       {RunAddQ8<uint8_t, uint8_t, int8_t>, RunAddQ8<uint8_t, uint8_t, uint8_t>}}};
  c.run = kRun[a.dtype == DType::kU8][b.dtype == DType::kU8][y.dtype == DType::kU8];
  // The Cortex-M family's kernel at the context's level (kernels/registry/cortex_m.h).
  const CortexMAddProblem problem{a.elements == y.elements && b.elements == y.elements,
                                  cortex_m::AddQ8DspTakes(p->q), cortex_m::AddQ8MveTakes(p->q)};
  const auto* chosen = FindKernel(CortexMAddKernels(), problem, c.level());
  if (chosen) c.kernel = chosen->name.data();
#if defined(__ARM_FEATURE_DSP)
  if (chosen && chosen->entry == CortexMAdd::kDsp && IsaCovers(CompiledCortexMIsa(), chosen->isa)) {
    static constexpr RunFn kDsp[2][2][2] = {
        {{RunAddQ8Dsp<int8_t, int8_t, int8_t>, RunAddQ8Dsp<int8_t, int8_t, uint8_t>},
         {RunAddQ8Dsp<int8_t, uint8_t, int8_t>, RunAddQ8Dsp<int8_t, uint8_t, uint8_t>}},
        {{RunAddQ8Dsp<uint8_t, int8_t, int8_t>, RunAddQ8Dsp<uint8_t, int8_t, uint8_t>},
         {RunAddQ8Dsp<uint8_t, uint8_t, int8_t>, RunAddQ8Dsp<uint8_t, uint8_t, uint8_t>}}};
    c.run = kDsp[a.dtype == DType::kU8][b.dtype == DType::kU8][y.dtype == DType::kU8];
  }
#endif
#if defined(__ARM_FEATURE_MVE)
  if (chosen && chosen->entry == CortexMAdd::kMve && IsaCovers(CompiledCortexMIsa(), chosen->isa)) {
    static constexpr RunFn kMve[2][2][2] = {
        {{RunAddQ8Mve<int8_t, int8_t, int8_t>, RunAddQ8Mve<int8_t, int8_t, uint8_t>},
         {RunAddQ8Mve<int8_t, uint8_t, int8_t>, RunAddQ8Mve<int8_t, uint8_t, uint8_t>}},
        {{RunAddQ8Mve<uint8_t, int8_t, int8_t>, RunAddQ8Mve<uint8_t, int8_t, uint8_t>},
         {RunAddQ8Mve<uint8_t, uint8_t, int8_t>, RunAddQ8Mve<uint8_t, uint8_t, uint8_t>}}};
    c.run = kMve[a.dtype == DType::kU8][b.dtype == DType::kU8][y.dtype == DType::kU8];
  }
#endif
  return Status::kOk;
}

Status PreparePad(PrepareContext& c) {
  if (c.input_count() != 1 || c.output_count() != 1) {
    return c.BadShape() << "Pad takes 1 input and 1 output";
  }
  const TensorInfo x = c.input(0), y = c.output(0);
  auto* p = c.Allocate<PadParams>(1);
  if (!p) return Status::kInvalidArgument;
  c.params = p;
  if (x.rank != y.rank || x.rank < 1 || !IntsAttribute(c.node(), "pads", p->pads, 2 * x.rank)) {
    return c.BadShape() << "pads needs 2 values per dimension";
  }
  for (int d = 0; d < x.rank; ++d) {
    if (p->pads[d] < 0 || p->pads[x.rank + d] < 0 ||
        y.dim(d) != x.dim(d) + p->pads[d] + p->pads[x.rank + d]) {
      return c.BadShape() << "output shape does not follow from the input and pads";
    }
    p->in_shape[d] = x.dim(d);
  }
  p->rank = x.rank;
  if (x.dtype == DType::kF32 && y.dtype == DType::kF32) {
    p->element_bytes = 4;  // 0.0f is all zero bytes
  } else if (IsQ8(x.dtype) && SameQuantization(x, y)) {
    p->element_bytes = 1;
    p->fill[0] = static_cast<uint8_t>(x.zero_point & 0xFF);
  } else {
    return c.Unsupported() << "Pad between different types or quantization parameters";
  }
  c.run = RunPad;
  return Status::kOk;
}

}  // namespace trit::micro
