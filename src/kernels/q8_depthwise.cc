#include "kernels/q8_depthwise.h"

#include <utility>

#include "kernels/depthwise_shape.h"

namespace trit {

Q8Depthwise::Q8Depthwise(Isa isa, const Q8DepthwiseLayer& layer) : isa_(isa) {
  const ref::ConvGeometry& g = layer.geometry;
  DepthwiseShape shape = MakeDepthwiseShape(isa, g, "Q8Depthwise");
  Packed& p = packed_;
  p.m = shape.m;
  p.channels = shape.channels;
  p.channels_padded = shape.channels_padded;
  p.taps = shape.taps;
  p.vectors = shape.vectors;
  indirection_ = std::move(shape.indirection);
  weights_ = AlignedArray<int32_t>(static_cast<size_t>(p.taps * p.channels_padded));
  offset_.assign(static_cast<size_t>(p.channels_padded), 0);
  multiplier_.assign(static_cast<size_t>(p.channels_padded), 0);
  shift_.assign(static_cast<size_t>(p.channels_padded), 0);
  for (int64_t c = 0; c < p.channels; ++c) {
    int64_t sum = 0;
    for (int64_t t = 0; t < p.taps; ++t) {
      const int8_t w = layer.levels[c * p.taps + t];
      // The int16 weight in the low half, zero in the high half.
      weights_.data()[t * p.channels_padded + c] = static_cast<int32_t>(static_cast<uint16_t>(w));
      sum += w;
    }
    const int64_t bias = layer.bias ? layer.bias[c] : 0;
    // Exact: |sum(x * w)| and the offset both stay far below 2^31 for one pixel's taps.
    offset_[static_cast<size_t>(c)] = static_cast<int32_t>(bias - layer.input_zero_point * sum);
    const Requant r = layer.requant[layer.per_channel ? c : 0];
    multiplier_[static_cast<size_t>(c)] = r.multiplier;
    shift_[static_cast<size_t>(c)] = r.shift;
  }
  padding_.assign(static_cast<size_t>(p.channels_padded),
                  static_cast<uint8_t>(layer.input_zero_point));
  // The dot-product form keeps its taps' rows on the stack: kernels up to 8x8.
  if (FamilyOf(isa) == IsaFamily::kAArch64 && IsaCovers(isa, Isa::kNeonDot) && p.taps <= 64) {
    p.tap_groups = (p.taps + 3) / 4;
    weights_dot_ = AlignedArray<int8_t>(static_cast<size_t>(p.tap_groups * p.channels_padded * 4));
    offset_dot_.assign(static_cast<size_t>(p.channels_padded), 0);
    const int64_t zero =
        layer.input_zero_point - (layer.input_type == DType::kI8 ? 0 : 128);  // as s8
    for (int64_t c = 0; c < p.channels; ++c) {
      int64_t sum = 0;
      for (int64_t t = 0; t < p.taps; ++t) {
        const int8_t w = layer.levels[c * p.taps + t];
        weights_dot_.data()[((t / 4) * p.channels_padded + c) * 4 + t % 4] = w;
        sum += w;
      }
      const int64_t bias = layer.bias ? layer.bias[c] : 0;
      offset_dot_[static_cast<size_t>(c)] = static_cast<int32_t>(bias - zero * sum);
    }
    p.weights_dot = weights_dot_.data();
    p.offset_dot = offset_dot_.data();
  }
  p.indirection = indirection_.data();
  p.weights = weights_.data();
  p.padding = padding_.data();
  p.offset = offset_.data();
  p.multiplier = multiplier_.data();
  p.shift = shift_.data();
  p.output_zero_point = layer.output_zero_point;
  p.lo = layer.lo;
  p.hi = layer.hi;
  p.input_signed = layer.input_type == DType::kI8;
  name_ = std::string(p.input_signed ? "qs8" : "qu8") + "_dwconv_" + std::to_string(g.kernel_h) +
          "x" + std::to_string(g.kernel_w) +
          (isa == Isa::kAvx512 ? "__avx512vnni" : "__" + std::string(IsaName(isa)));
}

void Q8Depthwise::Compute(const void* input, void* output, int64_t row_begin, int64_t row_end,
                          int64_t, int64_t) const {
  const auto* in = static_cast<const uint8_t*>(input);
  auto* out = static_cast<uint8_t*>(output);
#if defined(__x86_64__)
  if (isa_ == Isa::kAvx512) {
    x86::Q8DepthwiseAvx512(packed_, in, row_begin, row_end, out);
  } else {
    x86::Q8DepthwiseAvx2(packed_, in, row_begin, row_end, out);
  }
#elif defined(__aarch64__)
  if (packed_.weights_dot) {
    arm::Q8DepthwiseNeonDot(packed_, in, row_begin, row_end, out);
  } else {
    arm::Q8DepthwiseNeon(packed_, in, row_begin, row_end, out);
  }
#endif
}

}  // namespace trit
