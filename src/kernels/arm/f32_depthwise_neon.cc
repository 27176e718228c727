// The fp32 depthwise convolution for AArch64 NEON: per output pixel, 16 channels (four vectors)
// at a time, one FMLA per tap and vector in the reference's tap order; the last channels that do
// not fill a vector run one by one (fmaf: the same fused rounding).
#include <arm_neon.h>

#include <algorithm>
#include <cmath>

#include "kernels/f32_depthwise.h"
#include "kernels/row_blocks.h"

namespace trit::arm {
namespace {

template <int kV>
inline void Pixel(const F32Depthwise::Packed& p, const float* input, int64_t m, int64_t c0,
                  float* output) {
  float32x4_t acc[kV];
  for (int v = 0; v < kV; ++v) acc[v] = vld1q_f32(p.bias + c0 + 4 * v);
  const int32_t* indirection = p.indirection + m * p.taps;
  const float* w = p.weights + c0;
  for (int64_t t = 0; t < p.taps; ++t, w += p.channels_padded) {
    const int32_t vector = indirection[t];
    const float* x = (vector < p.vectors ? input + int64_t{vector} * p.channels : p.padding) + c0;
    for (int v = 0; v < kV; ++v)
      acc[v] = vfmaq_f32(acc[v], vld1q_f32(x + 4 * v), vld1q_f32(w + 4 * v));
  }
  const float32x4_t lo = vdupq_n_f32(p.lo), hi = vdupq_n_f32(p.hi);
  for (int v = 0; v < kV; ++v) {
    vst1q_f32(output + m * p.channels + c0 + 4 * v, vminq_f32(vmaxq_f32(acc[v], lo), hi));
  }
}

void Tail(const F32Depthwise::Packed& p, const float* input, int64_t m, int64_t c0, float* output) {
  const int32_t* indirection = p.indirection + m * p.taps;
  for (int64_t c = c0; c < p.channels; ++c) {
    float acc = p.bias[c];
    for (int64_t t = 0; t < p.taps; ++t) {
      const int32_t vector = indirection[t];
      const float* x = vector < p.vectors ? input + int64_t{vector} * p.channels : p.padding;
      acc = std::fmaf(x[c], p.weights[t * p.channels_padded + c], acc);
    }
    output[m * p.channels + c] = std::min(std::max(acc, p.lo), p.hi);
  }
}

}  // namespace

void F32DepthwiseNeon(const F32Depthwise::Packed& p, const float* input, int64_t m_begin,
                      int64_t m_end, float* output) {
  const int64_t vectors = p.channels / 4;  // whole vectors of 4 channels
  for (int64_t m = m_begin; m < m_end; ++m) {
    for (int64_t v0 = 0; v0 < vectors; v0 += 4) {
      WithCount<4>(static_cast<int>(std::min<int64_t>(4, vectors - v0)),
                   [&]<int kV>() { Pixel<kV>(p, input, m, 4 * v0, output); });
    }
    Tail(p, input, m, 4 * vectors, output);
  }
}

}  // namespace trit::arm
