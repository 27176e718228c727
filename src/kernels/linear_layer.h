// What the optimized Conv2D and Dense kernels of every ISA take, whatever their layout: a layer
// as M output rows (pixels, or batch rows) by N output channels, each output summing over
// `taps` input vectors of `depth` elements (KH*KW taps of Cin elements for a convolution, one
// tap of K for Dense). Input vectors are addressed through an indirection table built at load
// (ConvIndirection), so a KxK convolution never builds an im2col matrix: row m, tap t reads
// vector indirection[m * taps + t] of the input, and the extra vector after the last stands for
// padding. Integer layers carry their weights as int8 levels, or (Q8GemmLayer) as the low-bit
// codes the model stores, with the reference's requantization; the kernels pack them once into
// their own layout (low-bit codes stay codes where the kernel keeps a Q8WeightPanel).
#pragma once

#include <cstdint>
#include <optional>
#include <vector>

#include "core/dtype.h"
#include "kernels/ref/conv2d.h"
#include "kernels/ref/quant_weights.h"
#include "kernels/requantize.h"

namespace trit {

struct Q8GemmLayer {
  int64_t m = 0, n = 0, taps = 1, depth = 0;
  int64_t vectors = 0;               // input vectors in the input tensor
  std::vector<int32_t> indirection;  // [m][taps] -> vector index (vectors: padding)
  const int8_t* levels = nullptr;    // [n][taps * depth] integer weights, or null and:
  ref::QuantWeights codes;           // the same weights as the model stores them
  const int32_t* bias = nullptr;     // [n] or null
  const Requant* requant = nullptr;  // [n], or [1] for all channels
  bool per_channel = false;
  DType input_type = DType::kI8;  // kI8 or kU8
  int32_t input_zero_point = 0;
  DType output_type = DType::kI8;  // kI8 or kU8
  int32_t output_zero_point = 0, lo = -128, hi = 127;
  std::optional<ref::ConvGeometry> conv;  // a groups-1 convolution's geometry, when it is one
  int threads = 1;  // Compute calls that may run at once (kernels with per-call scratch)
};

// Channel `channel`'s row of weights (taps * depth long) as int8 levels, from either form:
// the layer's own levels, or decoded from its codes into `buffer`.
inline const int8_t* RowLevelsOf(const Q8GemmLayer& layer, int64_t channel, int8_t* buffer) {
  const int64_t row = layer.taps * layer.depth;
  if (layer.levels) return layer.levels + channel * row;
  ref::DecodeRowInt8(layer.codes, static_cast<int>(channel), channel * row, row, buffer);
  return buffer;
}

// Binary inputs (packed bits, +-1) and binary weights (levels +1 or -1).
struct B1GemmLayer {
  int64_t m = 0, n = 0, taps = 1, depth = 0;
  int64_t vectors = 0;               // input vectors in the input tensor
  std::vector<int32_t> indirection;  // [m][taps] -> vector index (vectors: padding)
  const int8_t* levels = nullptr;    // [n][taps * depth], each +1 or -1
  const int32_t* bias = nullptr;     // [n] or null
  const Requant* requant = nullptr;  // [n], or [1] for all channels
  bool per_channel = false;
  DType output_type = DType::kI8;  // kI8 or kU8
  int32_t output_zero_point = 0, lo = -128, hi = 127;
};

struct F32GemmLayer {
  int64_t m = 0, n = 0, taps = 1, depth = 0;
  int64_t vectors = 0;                    // input vectors in the input tensor
  std::vector<int32_t> indirection;       // [m][taps] -> vector index (vectors: padding)
  const float* weights = nullptr;         // [n][taps * depth]
  const float* bias = nullptr;            // [n] or null
  float lo = -3.0e38f, hi = 3.0e38f;      // the fused activation's clamp
  std::optional<ref::ConvGeometry> conv;  // a groups-1 convolution's geometry (Winograd rows)
};

// Depthwise: groups == in_c == out_c, one output channel per input channel.
struct Q8DepthwiseLayer {
  ref::ConvGeometry geometry;
  const int8_t* levels = nullptr;  // [channel][kernel_h * kernel_w] integer weights
  const int32_t* bias = nullptr;   // [channels] or null
  const Requant* requant = nullptr;
  bool per_channel = false;
  DType input_type = DType::kI8;  // kI8 or kU8
  int32_t input_zero_point = 0;
  DType output_type = DType::kI8;
  int32_t output_zero_point = 0, lo = -128, hi = 127;
};

struct F32DepthwiseLayer {
  ref::ConvGeometry geometry;
  const float* weights = nullptr;     // [channel][kernel_h * kernel_w]
  const float* bias = nullptr;        // [channels] or null
  float lo = -3.0e38f, hi = 3.0e38f;  // the fused activation's clamp
};

// The indirection table of a groups-1 convolution over an NHWC input (one vector per pixel).
std::vector<int32_t> ConvIndirection(int batch, int in_h, int in_w, int out_h, int out_w,
                                     int kernel_h, int kernel_w, int stride_h, int stride_w,
                                     int pad_top, int pad_left, int dilation_h, int dilation_w);

}  // namespace trit
