#include "kernels/f32_winograd.h"

#include <algorithm>

#include "core/error.h"
#include "kernels/winograd_transforms.h"

namespace trit {
namespace {

// G of F(2,3) and F(4,3), (m + 2) x 3; applied in double, so U has one rounding.
constexpr double kG2[4][3] = {{1, 0, 0}, {0.5, 0.5, 0.5}, {0.5, -0.5, 0.5}, {0, 0, 1}};
constexpr double kG4[6][3] = {{1.0 / 4, 0, 0},
                              {-1.0 / 6, -1.0 / 6, -1.0 / 6},
                              {-1.0 / 6, 1.0 / 6, -1.0 / 6},
                              {1.0 / 24, 1.0 / 12, 1.0 / 6},
                              {1.0 / 24, -1.0 / 12, 1.0 / 6},
                              {0, 0, 1}};

// U = G g G^T of every channel pair, packed [column tile][frequency][cin][tile columns].
void TransformWeights(const float* weights, int64_t n, int64_t cin, int m, int64_t tile,
                      float* packed) {
  const int alpha = m + 2;
  const auto g_at = [&](int i, int a) { return m == 2 ? kG2[i][a] : kG4[i][a]; };
  for (int64_t co = 0; co < n; ++co) {
    const int64_t ct = co / tile, col = co % tile;
    for (int64_t ci = 0; ci < cin; ++ci) {
      double g[3][3];
      for (int a = 0; a < 3; ++a) {
        for (int b = 0; b < 3; ++b) g[a][b] = weights[(co * 9 + a * 3 + b) * cin + ci];
      }
      for (int i = 0; i < alpha; ++i) {
        double gg[3];  // (G g)[i][b]
        for (int b = 0; b < 3; ++b) {
          gg[b] = g_at(i, 0) * g[0][b] + g_at(i, 1) * g[1][b] + g_at(i, 2) * g[2][b];
        }
        for (int j = 0; j < alpha; ++j) {
          const double u = gg[0] * g_at(j, 0) + gg[1] * g_at(j, 1) + gg[2] * g_at(j, 2);
          packed[((ct * alpha * alpha + i * alpha + j) * cin + ci) * tile + col] =
              static_cast<float>(u);
        }
      }
    }
  }
}

WinogradTiling Tiling(const F32Winograd::Packed& p) {
  return {p.batch,   p.in_h,     p.in_w,    p.out_h,   p.out_w,
          p.pad_top, p.pad_left, p.tiles_h, p.tiles_w, p.cin};
}

// The portable form: one tile and one channel at a time.
template <int kM>
void ComputeScalar(const F32Winograd::Packed& p, const float* v, int64_t row_begin, int64_t row_end,
                   int64_t tile_begin, int64_t tile_end, float* output) {
  constexpr int kA = kM + 2;
  for (int64_t ct = tile_begin; ct < tile_end; ++ct) {
    for (int64_t t = row_begin; t < row_end; ++t) {
      const int64_t b = t / (p.tiles_h * p.tiles_w), ty = t / p.tiles_w % p.tiles_h,
                    tx = t % p.tiles_w;
      for (int64_t col = 0; col < p.tile && ct * p.tile + col < p.n; ++col) {
        const int64_t c = ct * p.tile + col;
        float mfreq[kA * kA], y[kM * kM];
        for (int xi = 0; xi < kA * kA; ++xi) {
          const float* a = v + (t * kA * kA + xi) * p.cin;
          const float* w = p.weights + (ct * kA * kA + xi) * p.cin * p.tile + col;
          float sum = 0.0f;
          for (int64_t k = 0; k < p.cin; ++k) sum += a[k] * w[k * p.tile];
          mfreq[xi] = sum;
        }
        WinogradOutputTile<kM>(mfreq, 1, y);
        for (int i = 0; i < kM; ++i) {
          for (int j = 0; j < kM; ++j) {
            const int64_t oy = ty * kM + i, ox = tx * kM + j;
            if (oy >= p.out_h || ox >= p.out_w) continue;
            const float out = std::min(std::max(y[i * kM + j] + p.bias[c], p.lo), p.hi);
            output[((b * p.out_h + oy) * p.out_w + ox) * p.n + c] = out;
          }
        }
      }
    }
  }
}

}  // namespace

bool F32Winograd::Fits(const F32GemmLayer& layer) {
  if (!layer.conv) return false;
  const ref::ConvGeometry& g = *layer.conv;
  return g.kernel_h == 3 && g.kernel_w == 3 && g.stride_h == 1 && g.stride_w == 1 &&
         g.dilation_h == 1 && g.dilation_w == 1 && g.groups == 1 && g.in_c == layer.depth &&
         g.out_c == layer.n && layer.taps == 9;
}

F32Winograd::F32Winograd(Isa isa, const F32GemmLayer& layer, int m) : isa_(isa) {
  if (isa != Isa::kRef && isa != Isa::kAvx2 && isa != Isa::kAvx512 && isa != Isa::kNeon) {
    throw Error(ErrorCode::kInternal, "F32Winograd needs AVX2, AVX-512, NEON or the reference");
  }
  if ((m != 2 && m != 4) || !Fits(layer)) {
    throw Error(ErrorCode::kInternal, "F32Winograd: not a 3x3 stride-1 convolution, or m not 2/4");
  }
  const ref::ConvGeometry& g = *layer.conv;
  const bool narrow = isa == Isa::kAvx512 && layer.n <= kWinogradAvx512NarrowTile;
  const int64_t tile = isa == Isa::kAvx512
                           ? (narrow ? kWinogradAvx512NarrowTile : kWinogradAvx512Tile)
                       : isa == Isa::kAvx2 ? kWinogradAvx2Tile
                       : isa == Isa::kNeon ? kWinogradNeonTile
                                           : kWinogradRefTile;
  Packed& p = packed_;
  p.m = m;
  p.alpha = m + 2;
  p.batch = g.batch;
  p.in_h = g.in_h;
  p.in_w = g.in_w;
  p.out_h = g.out_h;
  p.out_w = g.out_w;
  p.pad_top = g.pad_top;
  p.pad_left = g.pad_left;
  p.tiles_h = (g.out_h + m - 1) / m;
  p.tiles_w = (g.out_w + m - 1) / m;
  p.tiles = p.batch * p.tiles_h * p.tiles_w;
  p.cin = g.in_c;
  p.n = g.out_c;
  p.tile = tile;
  p.n_tiles = (p.n + tile - 1) / tile;
  p.rows_per_call = isa == Isa::kAvx512 ? (narrow ? 16 : 8)
                    : isa == Isa::kAvx2 ? 6
                    : isa == Isa::kNeon ? 4
                                        : 1;
  p.chunk_tiles =
      std::max<int64_t>(p.rows_per_call, kWinogradChunkBytes / (p.alpha * p.alpha * p.cin * 4) /
                                             p.rows_per_call * p.rows_per_call);
  weights_ = AlignedArray<float>(static_cast<size_t>(p.n_tiles * tile * p.alpha * p.alpha * p.cin));
  TransformWeights(layer.weights, p.n, p.cin, m, tile, weights_.data());
  bias_.assign(static_cast<size_t>(p.n_tiles * tile), 0.0f);
  if (layer.bias) std::copy(layer.bias, layer.bias + layer.n, bias_.begin());
  p.weights = weights_.data();
  p.bias = bias_.data();
  p.lo = layer.lo;
  p.hi = layer.hi;
  const std::string f = m == 2 ? "f32_winograd_f2x2" : "f32_winograd_f4x4";
  name_ = f + (isa == Isa::kAvx512 ? (narrow ? "_16x16__avx512f" : "_8x32__avx512f")
               : isa == Isa::kAvx2 ? "_6x16__avx2"
               : isa == Isa::kNeon ? "_4x16__neon"
                                   : "__scalar");
}

size_t F32Winograd::scratch_bytes() const {
  return sizeof(float) *
         static_cast<size_t>(packed_.tiles * packed_.alpha * packed_.alpha * packed_.cin);
}

const float* F32Winograd::PreparePart(const void* input_bytes, void* scratch, int64_t part,
                                      int64_t parts) const {
  const auto* input = static_cast<const float*>(input_bytes);
  auto* v = static_cast<float*>(scratch);
  const int64_t begin = packed_.tiles * part / parts, end = packed_.tiles * (part + 1) / parts;
#if defined(__x86_64__)
  if (isa_ == Isa::kAvx512) {
    x86::F32WinogradInputAvx512(packed_, input, v, begin, end);
    return v;
  }
  if (isa_ == Isa::kAvx2) {
    x86::F32WinogradInputAvx2(packed_, input, v, begin, end);
    return v;
  }
#elif defined(__aarch64__)
  if (isa_ == Isa::kNeon) {
    arm::F32WinogradInputNeon(packed_, input, v, begin, end);
    return v;
  }
#endif
  if (packed_.m == 2) {
    WinogradInputTiles<2, float, 1>(Tiling(packed_), input, v, begin, end);
  } else {
    WinogradInputTiles<4, float, 1>(Tiling(packed_), input, v, begin, end);
  }
  return v;
}

void F32Winograd::Compute(const float* prepared, float* output, int64_t row_begin, int64_t row_end,
                          int64_t tile_begin, int64_t tile_end) const {
#if defined(__x86_64__)
  if (isa_ == Isa::kAvx512) {
    x86::F32WinogradAvx512(packed_, prepared, row_begin, row_end, tile_begin, tile_end, output);
    return;
  }
  if (isa_ == Isa::kAvx2) {
    x86::F32WinogradAvx2(packed_, prepared, row_begin, row_end, tile_begin, tile_end, output);
    return;
  }
#elif defined(__aarch64__)
  if (isa_ == Isa::kNeon) {
    arm::F32WinogradNeon(packed_, prepared, row_begin, row_end, tile_begin, tile_end, output);
    return;
  }
#endif
  if (packed_.m == 2) {
    ComputeScalar<2>(packed_, prepared, row_begin, row_end, tile_begin, tile_end, output);
  } else {
    ComputeScalar<4>(packed_, prepared, row_begin, row_end, tile_begin, tile_end, output);
  }
}

void F32Winograd::Run(const float* input, float* output, void* scratch) const {
  Compute(Prepare(input, scratch), output, 0, packed_.tiles, 0, packed_.n_tiles);
}

}  // namespace trit
