#include "kernels/f32_depthwise.h"

#include <utility>

#include "kernels/depthwise_shape.h"

namespace trit {

F32Depthwise::F32Depthwise(Isa isa, const F32DepthwiseLayer& layer) : isa_(isa) {
  const ref::ConvGeometry& g = layer.geometry;
  DepthwiseShape shape = MakeDepthwiseShape(isa, g, "F32Depthwise");
  Packed& p = packed_;
  p.m = shape.m;
  p.channels = shape.channels;
  p.channels_padded = shape.channels_padded;
  p.taps = shape.taps;
  p.vectors = shape.vectors;
  indirection_ = std::move(shape.indirection);
  weights_ = AlignedArray<float>(static_cast<size_t>(p.taps * p.channels_padded));
  bias_.assign(static_cast<size_t>(p.channels_padded), 0.0f);
  for (int64_t c = 0; c < p.channels; ++c) {
    for (int64_t t = 0; t < p.taps; ++t) {
      weights_.data()[t * p.channels_padded + c] = layer.weights[c * p.taps + t];
    }
    if (layer.bias) bias_[static_cast<size_t>(c)] = layer.bias[c];
  }
  padding_.assign(static_cast<size_t>(p.channels), 0.0f);
  p.indirection = indirection_.data();
  p.weights = weights_.data();
  p.bias = bias_.data();
  p.padding = padding_.data();
  p.lo = layer.lo;
  p.hi = layer.hi;
  name_ = "f32_dwconv_" + std::to_string(g.kernel_h) + "x" + std::to_string(g.kernel_w) + "__" +
          std::string(IsaName(isa));
}

void F32Depthwise::Compute(const float* input, float* output, int64_t row_begin, int64_t row_end,
                           int64_t, int64_t) const {
#if defined(__x86_64__)
  if (isa_ == Isa::kAvx512) {
    x86::F32DepthwiseAvx512(packed_, input, row_begin, row_end, output);
  } else {
    x86::F32DepthwiseAvx2(packed_, input, row_begin, row_end, output);
  }
#elif defined(__aarch64__)
  arm::F32DepthwiseNeon(packed_, input, row_begin, row_end, output);
#endif
}

}  // namespace trit
