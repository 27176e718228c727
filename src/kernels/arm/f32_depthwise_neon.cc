// The fp32 depthwise convolution for AArch64 NEON: a few output pixels at a time, 16 channels
// (four vectors) each, one FMLA per tap and vector in the reference's tap order; the last channels
// that do not fill a vector run one by one (fmaf: the same fused rounding).
#include <arm_neon.h>

#include <algorithm>
#include <cmath>

#include "kernels/f32_depthwise.h"
#include "kernels/row_blocks.h"

namespace trit::arm {
namespace {

// kP pixels at once, as the x86 files: one pixel alone is a chain of dependent FMLAs per vector.
template <int kP, int kV>
inline void Pixels(const F32Depthwise::Packed& p, const float* input, int64_t m0, int64_t c0,
                   float* output) {
  float32x4_t acc[kP][kV];
  for (int v = 0; v < kV; ++v) {
    const float32x4_t bias = vld1q_f32(p.bias + c0 + 4 * v);
    for (int i = 0; i < kP; ++i) acc[i][v] = bias;
  }
  const int32_t* indirection = p.indirection + m0 * p.taps;
  const float* w = p.weights + c0;
  for (int64_t t = 0; t < p.taps; ++t, w += p.channels_padded) {
    float32x4_t wv[kV];
    for (int v = 0; v < kV; ++v) wv[v] = vld1q_f32(w + 4 * v);
    for (int i = 0; i < kP; ++i) {
      const int32_t vector = indirection[i * p.taps + t];
      const float* x = (vector < p.vectors ? input + int64_t{vector} * p.channels : p.padding) + c0;
      for (int v = 0; v < kV; ++v) acc[i][v] = vfmaq_f32(acc[i][v], vld1q_f32(x + 4 * v), wv[v]);
    }
  }
  const float32x4_t lo = vdupq_n_f32(p.lo), hi = vdupq_n_f32(p.hi);
  for (int i = 0; i < kP; ++i) {
    for (int v = 0; v < kV; ++v) {
      vst1q_f32(output + (m0 + i) * p.channels + c0 + 4 * v,
                vminq_f32(vmaxq_f32(acc[i][v], lo), hi));
    }
  }
}

// Pixels per call for kV vectors: 16 or fewer accumulators of the 32 registers.
template <int kV>
inline constexpr int kPixels = kV <= 2 ? 6 : 4;

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
  for (int64_t v0 = 0; v0 < vectors; v0 += 4) {
    WithCount<4>(static_cast<int>(std::min<int64_t>(4, vectors - v0)), [&]<int kV>() {
      ForRowBlocks<kPixels<kV>>(m_begin, m_end, [&]<int kP>(int64_t m0) {
        Pixels<kP, kV>(p, input, m0, 4 * v0, output);
      });
    });
  }
  for (int64_t m = m_begin; m < m_end; ++m) Tail(p, input, m, 4 * vectors, output);
}

}  // namespace trit::arm
