// What the two depthwise kernels (q8_depthwise.h, f32_depthwise.h) share, on every ISA: the output
// pixels, the channels (their weights padded to whole blocks of 64), the taps and the indirection
// table over the input's pixels (its extra vector stands for padding).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "core/error.h"
#include "kernels/isa.h"
#include "kernels/linear_layer.h"  // ConvIndirection
#include "kernels/ref/conv2d.h"

namespace trit {

inline constexpr int64_t kDepthwiseChannelBlock = 64;

struct DepthwiseShape {
  int64_t m = 0, channels = 0, channels_padded = 0, taps = 0, vectors = 0;
  std::vector<int32_t> indirection;  // [m][taps] -> input pixel (vectors: padding)
};

// Throws kInternal, naming `kernel`, when the level is the reference or the geometry is not
// depthwise (groups = input channels = output channels).
inline DepthwiseShape MakeDepthwiseShape(Isa isa, const ref::ConvGeometry& g,
                                         const std::string& kernel) {
  if (isa == Isa::kRef) throw Error(ErrorCode::kInternal, kernel + " needs an optimized level");
  if (g.groups != g.in_c || g.out_c != g.in_c) {
    throw Error(ErrorCode::kInternal, kernel + ": not a depthwise convolution");
  }
  DepthwiseShape s;
  s.m = int64_t{g.batch} * g.out_h * g.out_w;
  s.channels = g.in_c;
  s.channels_padded =
      (s.channels + kDepthwiseChannelBlock - 1) / kDepthwiseChannelBlock * kDepthwiseChannelBlock;
  s.taps = int64_t{g.kernel_h} * g.kernel_w;
  s.vectors = int64_t{g.batch} * g.in_h * g.in_w;
  if (s.vectors + 1 > (int64_t{1} << 31)) {
    throw Error(ErrorCode::kInternal, kernel + ": input too large for the indirection table");
  }
  s.indirection =
      ConvIndirection(g.batch, g.in_h, g.in_w, g.out_h, g.out_w, g.kernel_h, g.kernel_w, g.stride_h,
                      g.stride_w, g.pad_top, g.pad_left, g.dilation_h, g.dilation_w);
  return s;
}

}  // namespace trit
