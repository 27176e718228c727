// The MaxPool of arm/pool.h for AArch64 NEON (baseline). Floats: FMAX would return NaN where the
// reference's std::max(best, v) keeps best, and FMAXNM picks +0 over -0 where the reference keeps
// the first, so each step is the reference's comparison itself, best < v ? v : best (FCMGT +
// BSL), 16 channels in four registers. Bytes: SMAX / UMAX, 64 channels in four registers, then 16.
// Channels that fill no vector run the reference's scalar loop.
#include <arm_neon.h>

#include <algorithm>
#include <limits>
#include <type_traits>

#include "kernels/arm/pool.h"
#include "kernels/pool_windows.h"

namespace trit::arm {
namespace {

// Channels [c, c + kVectors * lanes) of one window: best = max(best, v) over its pixels.
template <int kVectors, typename Vector, typename T, typename Load, typename Max, typename Store>
inline void WindowMax(const T* input, int64_t first, int64_t in_w, int64_t channels, int64_t c,
                      int y0, int y1, int x0, int x1, Vector initial, Load load, Max max,
                      Store store, T* output) {
  Vector best[kVectors];
  for (int v = 0; v < kVectors; ++v) best[v] = initial;
  for (int y = y0; y < y1; ++y) {
    for (int x = x0; x < x1; ++x) {
      const T* p = input + (first + int64_t{y} * in_w + x) * channels + c;
      for (int v = 0; v < kVectors; ++v) best[v] = max(best[v], load(p, v));
    }
  }
  for (int v = 0; v < kVectors; ++v) store(output, v, best[v]);
}

template <typename T>
void MaxPoolQ8(const ref::ConvGeometry& g, const T* input, T* output) {
  const int64_t channels = g.in_c;
  using Vector = std::conditional_t<std::is_signed_v<T>, int8x16_t, uint8x16_t>;
  Vector lowest;
  if constexpr (std::is_signed_v<T>) {
    lowest = vdupq_n_s8(std::numeric_limits<int8_t>::lowest());
  } else {
    lowest = vdupq_n_u8(0);
  }
  auto load = [](const T* p, int v) {
    if constexpr (std::is_signed_v<T>) {
      return vld1q_s8(p + 16 * v);
    } else {
      return vld1q_u8(p + 16 * v);
    }
  };
  auto max = [](Vector a, Vector b) {
    if constexpr (std::is_signed_v<T>) {
      return vmaxq_s8(a, b);
    } else {
      return vmaxq_u8(a, b);
    }
  };
  auto store = [](T* base, int v, Vector best) {
    if constexpr (std::is_signed_v<T>) {
      vst1q_s8(base + 16 * v, best);
    } else {
      vst1q_u8(base + 16 * v, best);
    }
  };
  ForEachPoolWindow(g, [&](int64_t out, int64_t first, int y0, int y1, int x0, int x1) {
    T* o = output + out;
    int64_t c = 0;
    for (; c + 64 <= channels; c += 64) {
      WindowMax<4>(input, first, g.in_w, channels, c, y0, y1, x0, x1, lowest, load, max, store,
                   o + c);
    }
    for (; c + 16 <= channels; c += 16) {
      WindowMax<1>(input, first, g.in_w, channels, c, y0, y1, x0, x1, lowest, load, max, store,
                   o + c);
    }
    for (; c < channels; ++c) {
      T best = std::numeric_limits<T>::lowest();
      for (int y = y0; y < y1; ++y) {
        for (int x = x0; x < x1; ++x) {
          best = std::max(best, input[(first + int64_t{y} * g.in_w + x) * channels + c]);
        }
      }
      o[c] = best;
    }
  });
}

}  // namespace

void MaxPoolF32Neon(const ref::ConvGeometry& g, const float* input, float* output) {
  const int64_t channels = g.in_c;
  const float32x4_t lowest = vdupq_n_f32(-std::numeric_limits<float>::infinity());
  auto load = [](const float* p, int v) { return vld1q_f32(p + 4 * v); };
  // The reference's std::max(best, v): v only where best < v (never for a NaN v).
  auto max = [](float32x4_t best, float32x4_t v) { return vbslq_f32(vcltq_f32(best, v), v, best); };
  auto store = [](float* base, int v, float32x4_t best) { vst1q_f32(base + 4 * v, best); };
  ForEachPoolWindow(g, [&](int64_t out, int64_t first, int y0, int y1, int x0, int x1) {
    float* o = output + out;
    int64_t c = 0;
    for (; c + 16 <= channels; c += 16) {
      WindowMax<4>(input, first, g.in_w, channels, c, y0, y1, x0, x1, lowest, load, max, store,
                   o + c);
    }
    for (; c + 4 <= channels; c += 4) {
      WindowMax<1>(input, first, g.in_w, channels, c, y0, y1, x0, x1, lowest, load, max, store,
                   o + c);
    }
    for (; c < channels; ++c) {
      float best = -std::numeric_limits<float>::infinity();
      for (int y = y0; y < y1; ++y) {
        for (int x = x0; x < x1; ++x) {
          best = std::max(best, input[(first + int64_t{y} * g.in_w + x) * channels + c]);
        }
      }
      o[c] = best;
    }
  });
}

void MaxPoolQ8Neon(const ref::ConvGeometry& g, const uint8_t* input, bool is_signed,
                   uint8_t* output) {
  if (is_signed) {
    MaxPoolQ8(g, reinterpret_cast<const int8_t*>(input), reinterpret_cast<int8_t*>(output));
  } else {
    MaxPoolQ8(g, input, output);
  }
}

void AvgPoolF32Neon(const ref::ConvGeometry& g, bool count_include_pad, const float* input,
                    float* output) {
  AvgPoolF32Windows(g, count_include_pad, input, output);
}

}  // namespace trit::arm
