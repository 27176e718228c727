// The Winograd transforms of F(2x2,3x3) and F(4x4,3x3) (Lavin and Gray, "Fast Algorithms for
// Convolutional Neural Networks", 2016), generic over the element: float for the portable path,
// a GCC vector type (channels in lanes) in the ISA files. The 1-D forms are spelled out with
// their zeros and ones folded, which a generic matrix product would not do for floats:
//
//   F(2,3): B^T = [1 0 -1 0; 0 1 1 0; 0 -1 1 0; 0 1 0 -1],  A^T = [1 1 1 0; 0 1 -1 -1]
//   F(4,3): B^T = [4 0 -5 0 1 0; 0 -4 -4 1 1 0; 0 4 -4 -1 1 0; 0 -2 -1 2 1 0; 0 2 -1 -2 1 0;
//                  0 4 0 -5 0 1],
//           A^T = [1 1 1 1 1 0; 0 1 -1 2 -2 0; 0 1 1 4 4 0; 0 1 -1 8 -8 1]
//
// and the weight transform G (f32_winograd.cc, in double at load). Internal linkage on purpose,
// as kernels/row_blocks.h: each ISA file gets its own copy, built with its own flags.
#pragma once

#include <cstdint>
#include <cstring>

namespace trit {
namespace {

// B^T d over kM + 2 values d[0], d[s], ... into r[0], r[rs], ...
template <int kM, typename V>
inline void WinogradInput1D(const V* d, int s, V* r, int rs) {
  if constexpr (kM == 2) {
    r[0] = d[0] - d[2 * s];
    r[rs] = d[s] + d[2 * s];
    r[2 * rs] = d[2 * s] - d[s];
    r[3 * rs] = d[s] - d[3 * s];
  } else {
    static_assert(kM == 4);
    const V d0 = d[0], d1 = d[s], d2 = d[2 * s], d3 = d[3 * s], d4 = d[4 * s], d5 = d[5 * s];
    const V d4m2 = d4 - d2, d3m1 = d3 - d1;
    r[0] = (d0 * 4.0f - d2 * 5.0f) + d4;
    r[rs] = (d3 + d4) - (d1 + d2) * 4.0f;
    r[2 * rs] = (d4 - d3) + (d1 - d2) * 4.0f;
    r[3 * rs] = d4m2 + d3m1 * 2.0f;
    r[4 * rs] = d4m2 - d3m1 * 2.0f;
    r[5 * rs] = (d1 * 4.0f - d3 * 5.0f) + d5;
  }
}

// A^T m over kM + 2 values into kM.
template <int kM, typename V>
inline void WinogradOutput1D(const V* m, int s, V* y, int ys) {
  if constexpr (kM == 2) {
    y[0] = (m[0] + m[s]) + m[2 * s];
    y[ys] = (m[s] - m[2 * s]) - m[3 * s];
  } else {
    static_assert(kM == 4);
    const V m1p2 = m[s] + m[2 * s], m1m2 = m[s] - m[2 * s];
    const V m3p4 = m[3 * s] + m[4 * s], m3m4 = m[3 * s] - m[4 * s];
    y[0] = (m[0] + m1p2) + m3p4;
    y[ys] = m1m2 + m3m4 * 2.0f;
    y[2 * ys] = m1p2 + m3p4 * 4.0f;
    y[3 * ys] = (m1m2 + m3m4 * 8.0f) + m[5 * s];
  }
}

// B^T d B of one (kM+2) x (kM+2) tile, row-major, in place of nothing: d in, v out.
template <int kM, typename V>
inline void WinogradInputTile(const V* d, V* v) {
  constexpr int kA = kM + 2;
  V t[kA * kA];
  for (int j = 0; j < kA; ++j) WinogradInput1D<kM>(d + j, kA, t + j, kA);
  for (int i = 0; i < kA; ++i) WinogradInput1D<kM>(t + i * kA, 1, v + i * kA, 1);
}

// A^T m A: (kM+2)^2 frequencies, m[xi * s], into a kM x kM tile, row-major.
template <int kM, typename V>
inline void WinogradOutputTile(const V* m, int s, V* y) {
  constexpr int kA = kM + 2;
  V t[kM * kA];
  for (int j = 0; j < kA; ++j) WinogradOutput1D<kM>(m + j * s, kA * s, t + j, kA);
  for (int i = 0; i < kM; ++i) WinogradOutput1D<kM>(t + i * kA, 1, y + i * kM, 1);
}

// The geometry the input transform reads.
struct WinogradTiling {
  int64_t batch, in_h, in_w, out_h, out_w, pad_top, pad_left, tiles_h, tiles_w, channels;
};

// The input transform of tiles [t_begin, t_end) into v[tile][(kM+2)^2][channels]: kW channels at
// a time as V (loaded and stored unaligned), the rest one by one. Window positions past the
// input, or past what the tile's valid outputs read, are zeros: a partial tile then mixes no
// stray data into its outputs' rounding.
template <int kM, typename V, int kW>
inline void WinogradInputTiles(const WinogradTiling& g, const float* input, float* v,
                               int64_t t_begin, int64_t t_end) {
  constexpr int kA = kM + 2;
  const int64_t c = g.channels;
  for (int64_t t = t_begin; t < t_end; ++t) {
    const int64_t b = t / (g.tiles_h * g.tiles_w), ty = t / g.tiles_w % g.tiles_h,
                  tx = t % g.tiles_w;
    const float* src[kA * kA];
    for (int i = 0; i < kA; ++i) {
      for (int j = 0; j < kA; ++j) {
        const int64_t oy = ty * kM + i, ox = tx * kM + j;  // in padded coordinates
        const int64_t iy = oy - g.pad_top, ix = ox - g.pad_left;
        const bool inside = iy >= 0 && iy < g.in_h && ix >= 0 && ix < g.in_w && oy < g.out_h + 2 &&
                            ox < g.out_w + 2;
        src[i * kA + j] = inside ? input + ((b * g.in_h + iy) * g.in_w + ix) * c : nullptr;
      }
    }
    float* dst = v + t * kA * kA * c;
    int64_t k = 0;
    for (; k + kW <= c; k += kW) {
      V d[kA * kA], r[kA * kA];
      for (int x = 0; x < kA * kA; ++x) {
        if (src[x]) {
          std::memcpy(&d[x], src[x] + k, sizeof(V));
        } else {
          d[x] = V{};
        }
      }
      WinogradInputTile<kM>(d, r);
      for (int x = 0; x < kA * kA; ++x) std::memcpy(dst + x * c + k, &r[x], sizeof(V));
    }
    for (; k < c; ++k) {
      float d[kA * kA], r[kA * kA];
      for (int x = 0; x < kA * kA; ++x) d[x] = src[x] ? src[x][k] : 0.0f;
      WinogradInputTile<kM>(d, r);
      for (int x = 0; x < kA * kA; ++x) dst[x * c + k] = r[x];
    }
  }
}

}  // namespace
}  // namespace trit
