#include "kernels/x86/f32_depthwise.h"

#include "core/error.h"
#include "kernels/x86/q8_depthwise.h"  // kDepthwiseChannelBlock

namespace trit::x86 {

F32Depthwise::F32Depthwise(Isa isa, const F32DepthwiseLayer& layer) : isa_(isa) {
  const ref::ConvGeometry& g = layer.geometry;
  if (isa != Isa::kAvx2 && isa != Isa::kAvx512) {
    throw Error(ErrorCode::kInternal, "F32Depthwise needs AVX2 or AVX-512");
  }
  if (g.groups != g.in_c || g.out_c != g.in_c) {
    throw Error(ErrorCode::kInternal, "F32Depthwise: not a depthwise convolution");
  }
  Packed& p = packed_;
  p.m = int64_t{g.batch} * g.out_h * g.out_w;
  p.channels = g.in_c;
  p.channels_padded =
      (p.channels + kDepthwiseChannelBlock - 1) / kDepthwiseChannelBlock * kDepthwiseChannelBlock;
  p.taps = int64_t{g.kernel_h} * g.kernel_w;
  p.vectors = int64_t{g.batch} * g.in_h * g.in_w;
  if (p.vectors + 1 > (int64_t{1} << 31)) {
    throw Error(ErrorCode::kInternal, "F32Depthwise: input too large for the indirection table");
  }
  indirection_ =
      ConvIndirection(g.batch, g.in_h, g.in_w, g.out_h, g.out_w, g.kernel_h, g.kernel_w, g.stride_h,
                      g.stride_w, g.pad_top, g.pad_left, g.dilation_h, g.dilation_w);
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
  name_ = "f32_dwconv_" + std::to_string(g.kernel_h) + "x" + std::to_string(g.kernel_w) +
          (isa == Isa::kAvx512 ? "__avx512" : "__avx2");
}

void F32Depthwise::Compute(const float* input, float* output, int64_t row_begin, int64_t row_end,
                           int64_t, int64_t) const {
  if (isa_ == Isa::kAvx512) {
    F32DepthwiseAvx512(packed_, input, row_begin, row_end, output);
  } else {
    F32DepthwiseAvx2(packed_, input, row_begin, row_end, output);
  }
}

}  // namespace trit::x86
