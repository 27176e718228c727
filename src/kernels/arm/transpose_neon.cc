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

void TransposeX32InterleaveNeon(int64_t batch, int64_t rows, int64_t cols, const uint32_t* input,
                                uint32_t* output) {
  const int64_t total = rows * cols;
  for (int64_t b = 0; b < batch; ++b) {
    const uint32_t* in = input + b * total;
    uint32_t* out = output + b * total;
    if (rows == 2) {
      Interleave<2>(cols, in, out);
    } else if (rows == 3) {
      Interleave<3>(cols, in, out);
    } else {
      Interleave<4>(cols, in, out);
    }
  }
}

}  // namespace trit::arm
