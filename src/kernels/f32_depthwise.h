// fp32 depthwise convolution (groups = input channels = output channels) for x86 and AArch64,
// the float baseline next to q8_depthwise.h: the same indirection table (its extra vector a row of
// zeros), channels across the lanes, one FMA per tap and vector in the reference's tap order
// (bias first, the fused activation's clamp last), so results agree with the reference to
// the rounding of the fused multiply-adds.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "kernels/aligned_array.h"
#include "kernels/isa.h"
#include "kernels/linear_layer.h"
#include "kernels/ref/conv2d.h"

namespace trit {

class F32Depthwise {
 public:
  F32Depthwise(Isa isa, const F32DepthwiseLayer& layer);

  size_t scratch_bytes() const { return 0; }
  // The thread split of runtime/ops/gemm_split.h: rows are output pixels, one column tile.
  const float* Prepare(const float* input, void*) const { return input; }
  void Compute(const float* input, float* output, int64_t row_begin, int64_t row_end, int64_t,
               int64_t) const;
  int64_t rows() const { return packed_.m; }
  int64_t tiles() const { return 1; }
  int64_t rows_per_call() const { return 1; }
  // e.g. f32_dwconv_3x3__avx512
  const std::string& name() const { return name_; }

  struct Packed {
    int64_t m, channels, channels_padded, taps, vectors;
    const int32_t* indirection;  // [m][taps] -> pixel (vectors: the zero row)
    const float* weights;        // [taps][channels_padded]
    const float* bias;           // [channels_padded]
    const float* padding;        // [channels] zeros
    float lo, hi;
  };

 private:
  Isa isa_;
  Packed packed_{};
  std::vector<int32_t> indirection_;
  AlignedArray<float> weights_;
  std::vector<float> bias_, padding_;
  std::string name_;
};

// The ISA files (each compiled for its architecture only).
namespace x86 {
void F32DepthwiseAvx512(const F32Depthwise::Packed& p, const float* input, int64_t m_begin,
                        int64_t m_end, float* output);
void F32DepthwiseAvx2(const F32Depthwise::Packed& p, const float* input, int64_t m_begin,
                      int64_t m_end, float* output);
}  // namespace x86
namespace arm {
void F32DepthwiseNeon(const F32Depthwise::Packed& p, const float* input, int64_t m_begin,
                      int64_t m_end, float* output);
}  // namespace arm

}  // namespace trit
