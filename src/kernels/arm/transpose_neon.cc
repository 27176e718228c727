#include <arm_neon.h>

#include "kernels/arm/transpose.h"

namespace trit::arm {
namespace {

template <int kRows>
void Interleave(int64_t cols, const uint32_t* in, uint32_t* out) {
  int64_t c = 0;
  for (; c + 4 <= cols; c += 4) {
    if constexpr (kRows == 2) {
      vst2q_u32(out + c * 2, (uint32x4x2_t{{vld1q_u32(in + c), vld1q_u32(in + cols + c)}}));
    } else if constexpr (kRows == 3) {
      vst3q_u32(out + c * 3, (uint32x4x3_t{{vld1q_u32(in + c), vld1q_u32(in + cols + c),
                                            vld1q_u32(in + 2 * cols + c)}}));
    } else {
      vst4q_u32(out + c * 4,
                (uint32x4x4_t{{vld1q_u32(in + c), vld1q_u32(in + cols + c),
                               vld1q_u32(in + 2 * cols + c), vld1q_u32(in + 3 * cols + c)}}));
    }
  }
  for (; c < cols; ++c) {
    for (int r = 0; r < kRows; ++r) out[c * kRows + r] = in[r * cols + c];
  }
}

}  // namespace

void TransposeX32InterleaveNeon(int64_t rows, int64_t cols, const uint32_t* input,
                                uint32_t* output) {
  if (rows == 2) return Interleave<2>(cols, input, output);
  if (rows == 3) return Interleave<3>(cols, input, output);
  Interleave<4>(cols, input, output);
}

}  // namespace trit::arm
