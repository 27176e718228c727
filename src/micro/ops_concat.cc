// Concat along any axis: each input copied into its slice of the output, an 8-bit input whose
// type or quantization differs from the output's rescaled on the way (the host runtime's
// arithmetic: ref::ConcatRescaleQ8 with the ratio of the first scales).
#include "kernels/q8_prepare.h"
#include "kernels/ref/concat.h"
#include "micro/op.h"

namespace trit::micro {
namespace {

struct ConcatPart {
  int64_t axis, offset;  // the input's extent along the axis and its place in the output's
  Requant requant;       // rescaled inputs: input scale / output scale
  int32_t input_zero_point;
  uint8_t type, rescale, reserved[2];
};

struct ConcatParams {
  int64_t outer, inner, out_axis;
  uint32_t parts;  // arena offset of ConcatPart[count]
  int32_t count, output_zero_point, lo, hi;
  uint8_t out_type, element_bytes, reserved[2];
};

template <typename In, typename Out>
void Rescale(const ConcatParams& p, const ConcatPart& part, const void* input, void* output) {
  ref::ConcatRescaleQ8(p.outer, part.axis, p.out_axis, part.offset, p.inner,
                       static_cast<const In*>(input), part.input_zero_point, part.requant,
                       p.output_zero_point, p.lo, p.hi, static_cast<Out*>(output));
}

void RunConcat(const RunArgs& a) {
  const auto& p = *static_cast<const ConcatParams*>(a.params);
  const ConcatPart* parts = FromArena<ConcatPart>(a, p.parts);
  for (int i = 0; i < p.count; ++i) {
    const ConcatPart& part = parts[i];
    if (!part.rescale) {
      ref::ConcatCopy(p.outer, part.axis, p.out_axis, part.offset, p.inner, p.element_bytes,
                      a.inputs[i], a.outputs[0]);
      continue;
    }
    const bool in_i8 = static_cast<DType>(part.type) == DType::kI8;
    const bool out_i8 = static_cast<DType>(p.out_type) == DType::kI8;
    if (in_i8 && out_i8) Rescale<int8_t, int8_t>(p, part, a.inputs[i], a.outputs[0]);
    if (in_i8 && !out_i8) Rescale<int8_t, uint8_t>(p, part, a.inputs[i], a.outputs[0]);
    if (!in_i8 && out_i8) Rescale<uint8_t, int8_t>(p, part, a.inputs[i], a.outputs[0]);
    if (!in_i8 && !out_i8) Rescale<uint8_t, uint8_t>(p, part, a.inputs[i], a.outputs[0]);
  }
}

}  // namespace

Status PrepareConcat(PrepareContext& c) {
  const int count = c.input_count();
  if (count < 1 || c.output_count() != 1) {
    return c.BadShape() << "Concat takes 1 or more inputs and 1 output";
  }
  const TensorInfo y = c.output(0);
  int64_t axis = IntAttribute(c.node(), "axis", -1);
  if (axis < 0) axis += y.rank;
  if (axis < 0 || axis >= y.rank) return c.BadShape() << "axis outside the output's rank";
  const bool f32 = y.dtype == DType::kF32;
  if (!f32 && (!IsQ8(y.dtype) || y.scale_count < 1))
    return c.Unsupported() << "Concat of this type";
  auto* p = c.Allocate<ConcatParams>(1);
  auto* parts = c.Allocate<ConcatPart>(static_cast<size_t>(count));
  if (!p || !parts) return Status::kInvalidArgument;
  c.params = p;
  p->outer = p->inner = 1;
  for (int d = 0; d < axis; ++d) p->outer *= y.dim(d);
  for (int d = static_cast<int>(axis) + 1; d < y.rank; ++d) p->inner *= y.dim(d);
  p->out_axis = y.dim(static_cast<int>(axis));
  p->count = count;
  p->parts = c.ArenaOffset(parts);
  p->out_type = static_cast<uint8_t>(y.dtype);
  p->element_bytes = f32 ? 4 : 1;
  p->output_zero_point = y.zero_point;
  p->lo = f32 ? 0 : QuantMin(y.dtype);
  p->hi = f32 ? 0 : QuantMax(y.dtype);
  int64_t offset = 0;
  for (int i = 0; i < count; ++i) {
    const TensorInfo x = c.input(i);
    if (x.rank != y.rank) return c.BadShape() << "input " << i << " has another rank";
    for (int d = 0; d < y.rank; ++d) {
      if (d != axis && x.dim(d) != y.dim(d)) {
        return c.BadShape() << "input " << i << " differs from the output off the axis";
      }
    }
    if (f32 != (x.dtype == DType::kF32) || (!f32 && (!IsQ8(x.dtype) || x.scale_count < 1))) {
      return c.Unsupported() << "input " << i << " of another type than the output";
    }
    ConcatPart& part = parts[i];
    part.axis = x.dim(static_cast<int>(axis));
    part.offset = offset;
    part.type = static_cast<uint8_t>(x.dtype);
    offset += part.axis;
    if (!f32 && !SameQuantization(x, y)) {
      part.rescale = 1;
      part.input_zero_point = x.zero_point;
      part.requant = QuantizeMultiplier(static_cast<double>(x.scale) / y.scale);
    }
  }
  if (offset != p->out_axis)
    return c.BadShape() << "the inputs' extents do not add up to the output's";
  c.run = RunConcat;
  return Status::kOk;
}

}  // namespace trit::micro
