// Quantized depthwise convolution (groups = input channels = output channels) for x86 and
// AArch64.
//
// Each output pixel sums, channel by channel, its KH*KW taps; the inputs of a tap are one pixel's
// channels, found through the same indirection table as the GEMM (q8_gemm_plan.h), whose extra
// vector is a row of the input zero point (padding contributes nothing). Channels run across the
// vector lanes: each input byte is widened to a 32-bit lane and multiplied by its tap's weight,
// packed at load as an int16 in the lane's low half (high half zero), so VPDPWSSD (AVX-512 VNNI)
// or VPMADDWD + VPADDD (AVX2) adds exactly x * w; NEON widens the bytes to 32 bits and uses MLA.
// The zero point comes off afterwards as a per-channel offset (bias - z * sum(w)). The epilogue is
// the reference's requantization.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "core/dtype.h"
#include "kernels/aligned_array.h"
#include "kernels/isa.h"
#include "kernels/linear_layer.h"
#include "kernels/ref/conv2d.h"
#include "kernels/requantize.h"

namespace trit {

class Q8Depthwise {
 public:
  Q8Depthwise(Isa isa, const Q8DepthwiseLayer& layer);

  size_t scratch_bytes() const { return 0; }
  // The thread split of runtime/ops/gemm_split.h: rows are output pixels, one column tile.
  const void* Prepare(const void* input, void*) const { return input; }
  void Compute(const void* input, void* output, int64_t row_begin, int64_t row_end, int64_t,
               int64_t) const;
  int64_t rows() const { return packed_.m; }
  int64_t tiles() const { return 1; }
  int64_t rows_per_call() const { return 1; }
  // e.g. qu8_dwconv_3x3__avx512vnni
  const std::string& name() const { return name_; }

  // What the ISA files read.
  struct Packed {
    int64_t m, channels, channels_padded, taps, vectors;
    const int32_t* indirection;  // [m][taps] -> pixel (vectors: the padding row)
    const int32_t* weights;      // [taps][channels_padded], int16 in each lane's low half
    const uint8_t* padding;      // [channels_padded] bytes of the input zero point
    const int32_t* offset;       // [channels_padded]: bias - z * sum(w)
    // The dot-product form (AArch64 SDOT): taps in groups of 4, each channel's 4 weights as
    // bytes side by side (missing taps 0), and the offset for s8 inputs (u8 ones xor 0x80):
    // bias - z' * sum(w), z' the zero point as s8.
    int64_t tap_groups;
    const int8_t* weights_dot;  // [tap_groups][channels_padded][4]
    const int32_t* offset_dot;  // [channels_padded]
    const int32_t *multiplier, *shift;
    int32_t output_zero_point, lo, hi;
    bool input_signed;
  };

 private:
  Isa isa_;
  Packed packed_{};
  std::vector<int32_t> indirection_;
  AlignedArray<int32_t> weights_;
  AlignedArray<int8_t> weights_dot_;
  std::vector<uint8_t> padding_;
  std::vector<int32_t> offset_, offset_dot_, multiplier_, shift_;
  std::string name_;
};

// The ISA files: output pixels [m_begin, m_end).
// The ISA files (each compiled for its architecture only).
namespace x86 {
void Q8DepthwiseAvx512(const Q8Depthwise::Packed& p, const uint8_t* input, int64_t m_begin,
                       int64_t m_end, uint8_t* output);
void Q8DepthwiseAvx2(const Q8Depthwise::Packed& p, const uint8_t* input, int64_t m_begin,
                     int64_t m_end, uint8_t* output);
}  // namespace x86
namespace arm {
void Q8DepthwiseNeon(const Q8Depthwise::Packed& p, const uint8_t* input, int64_t m_begin,
                     int64_t m_end, uint8_t* output);
void Q8DepthwiseNeonDot(const Q8Depthwise::Packed& p, const uint8_t* input, int64_t m_begin,
                        int64_t m_end, uint8_t* output);
}  // namespace arm

}  // namespace trit
