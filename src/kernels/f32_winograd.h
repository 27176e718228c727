// fp32 Winograd convolution F(2x2,3x3) and F(4x4,3x3) for 3x3, stride-1, dilation-1, groups-1
// layers (kernels/winograd_transforms.h has the transforms). The output is cut into m x m
// tiles (m = 2 or 4), each read from an (m+2) x (m+2) input window:
//   weights  U = G g G^T per (output, input) channel pair, once at load, packed
//            [column tile][(m+2)^2 frequencies][input channels][tile columns];
//   Prepare  V = B^T d B of every tile into scratch, [tile][frequency][input channels];
//   Compute  per block of tiles and column tile: the (m+2)^2 GEMMs (tiles x Cin) by
//            (Cin x tile columns), one per frequency, into a block on the stack, then
//            Y = A^T M A, bias, the clamp, and the valid pixels stored.
// Its rows are the output tiles, so threads split tiles; its column tiles are the GEMM's.
// Multiplications per output and channel pair: (m+2)^2 / m^2 (4 for F(2x2), 2.25 for F(4x4))
// against 9; the transforms amplify rounding (docs/kernels.md, "Winograd").
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "kernels/aligned_array.h"
#include "kernels/isa.h"
#include "kernels/linear_layer.h"

namespace trit {

class F32Winograd {
 public:
  // `m`: 2 or 4. Isa::kRef builds the portable scalar form (the tests' baseline).
  F32Winograd(Isa isa, const F32GemmLayer& layer, int m);

  // Whether a layer is one Winograd computes: a 3x3, stride-1, dilation-1, groups-1 convolution
  // that carries its geometry.
  static bool Fits(const F32GemmLayer& layer);

  size_t scratch_bytes() const;
  void Run(const float* input, float* output, void* scratch) const;
  const float* Prepare(const float* input, void* scratch) const {
    return PreparePart(input, scratch, 0, 1);
  }
  // Part `part` of `parts` of Prepare: its share of the tiles (threads run the parts at once).
  const float* PreparePart(const void* input, void* scratch, int64_t part, int64_t parts) const;
  void Compute(const float* prepared, float* output, int64_t row_begin, int64_t row_end,
               int64_t tile_begin, int64_t tile_end) const;
  int64_t rows() const { return packed_.tiles; }
  int64_t tiles() const { return packed_.n_tiles; }
  int64_t rows_per_call() const { return packed_.rows_per_call; }
  const std::string& name() const { return name_; }

  struct Packed {
    int m, alpha;  // output and input tile sizes (alpha = m + 2)
    int64_t batch, in_h, in_w, out_h, out_w, pad_top, pad_left;
    int64_t tiles_h, tiles_w, tiles;  // output tiles per column, per row, in all
    int64_t cin, n, n_tiles, tile, rows_per_call;
    int64_t chunk_tiles;   // tiles per chunk of Compute, a multiple of rows_per_call
    const float* weights;  // [n_tiles][alpha^2][cin][tile]
    const float* bias;     // [n_tiles * tile], zeros past n
    float lo, hi;
  };

 private:
  Isa isa_;
  Packed packed_{};
  AlignedArray<float> weights_;
  std::vector<float> bias_;
  std::string name_;
};

// The ISA files (each compiled for its architecture only): the input transform of all tiles
// into `v`, and rows [row_begin, row_end) of output tiles for column tiles [tile_begin,
// tile_end).
namespace x86 {
void F32WinogradInputAvx512(const F32Winograd::Packed& p, const float* input, float* v,
                            int64_t tile_begin, int64_t tile_end);
void F32WinogradAvx512(const F32Winograd::Packed& p, const float* v, int64_t row_begin,
                       int64_t row_end, int64_t tile_begin, int64_t tile_end, float* output);
void F32WinogradInputAvx2(const F32Winograd::Packed& p, const float* input, float* v,
                          int64_t tile_begin, int64_t tile_end);
void F32WinogradAvx2(const F32Winograd::Packed& p, const float* v, int64_t row_begin,
                     int64_t row_end, int64_t tile_begin, int64_t tile_end, float* output);
}  // namespace x86
namespace arm {
void F32WinogradInputNeon(const F32Winograd::Packed& p, const float* input, float* v,
                          int64_t tile_begin, int64_t tile_end);
void F32WinogradNeon(const F32Winograd::Packed& p, const float* v, int64_t row_begin,
                     int64_t row_end, int64_t tile_begin, int64_t tile_end, float* output);
}  // namespace arm

// How much larger Winograd's rounding error can be than the direct sum's, per unit of
// eps * sum|terms|, for inputs and weights of one magnitude (what the tests assume). Each output
// is A^T (G g G^T . B^T d B) A: every product of a weight and an input of the tile window is
// rounded with the weight |G|-weighted, the input |B^T|-weighted and the sum |A^T|-weighted,
// although most of them cancel exactly. With all |g| = |d| = 1, the 1-D weighted sum
// |A^T| (|G| 1 . |B^T| 1) is (8, 8) for F(2,3), whose direct sum is 3 terms, and
// (16, 17, 24, 48) for F(4,3): the 2-D growth is (max / 3)^2 = 64/9 and 256.
inline constexpr double WinogradRoundingGrowth(int m) { return m == 2 ? 64.0 / 9.0 : 256.0; }

// Compute takes its tiles in chunks of about this many bytes of transformed input, each chunk
// passed by every column tile in turn: the chunk stays in cache while the weights stream (the
// transformed input is 1.8x (F(4x4)) to 4x (F(2x2)) the input, too big to pass once per
// column tile from memory).
inline constexpr int64_t kWinogradChunkBytes = 512 * 1024;

// Column tiles and tiles per microkernel call: the fp32 GEMM's (f32_gemm.h), the portable form
// one tile by 16 channels.
inline constexpr int64_t kWinogradAvx512Tile = 32, kWinogradAvx512NarrowTile = 16;
inline constexpr int64_t kWinogradAvx2Tile = 16, kWinogradNeonTile = 16, kWinogradRefTile = 16;

}  // namespace trit
