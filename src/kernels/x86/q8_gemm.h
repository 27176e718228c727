// Quantized Conv2D (groups 1) and Dense as one integer GEMM for the x86 microkernels. The
// ISA-neutral half (row taps, offsets, input preparation) is kernels/q8_gemm_plan.h:
//   - AVX-512 VNNI: u8 inputs (kU8), VPDPBUSD sums u8 x s8 in 32 bits, weights interleaved 4
//     deep (PackInterleaved);
//   - AVX2: int16 inputs x - z (kI16), VPMADDWD against int16 weights, exact.
// The epilogue is the reference's requantization (64-bit product, rounding shift), zero point
// and clamp, bit for bit.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "core/dtype.h"
#include "kernels/aligned_array.h"
#include "kernels/isa.h"
#include "kernels/linear_layer.h"
#include "kernels/q8_gemm_plan.h"

namespace trit::x86 {

using trit::AlignedArray;
using trit::ConvIndirection;
using trit::Q8GemmLayer;

class Q8Gemm {
 public:
  // Packs for `isa` (kAvx2 or kAvx512). The layer's pointers are read here only.
  Q8Gemm(Isa isa, const Q8GemmLayer& layer);

  size_t scratch_bytes() const { return plan_.scratch_bytes(); }
  // input: the layer's input tensor (vectors x depth, int8 or uint8); output: M x N.
  void Run(const void* input, void* output, void* scratch) const;
  // Run in parts, for threads: Prepare once, then Compute any split of rows [0, rows()) and
  // column tiles [0, tiles()) (rows best in multiples of rows_per_call()).
  const void* Prepare(const void* input, void* scratch) const {
    return plan_.Prepare(input, scratch);
  }
  void Compute(const void* prepared, void* output, int64_t row_begin, int64_t row_end,
               int64_t tile_begin, int64_t tile_end) const;
  int64_t rows() const { return plan_.packed().m; }
  int64_t tiles() const { return plan_.packed().n_tiles; }
  int64_t rows_per_call() const { return plan_.packed().rows_per_call; }
  // The microkernel's name, e.g. qu8_igemm_8x32__avx512vnni.
  const std::string& name() const { return name_; }

  // What the ISA files read.
  using Packed = Q8GemmPacked;

 private:
  Isa isa_;
  Q8GemmPlan plan_;
  AlignedArray<int8_t> weights8_;
  AlignedArray<int16_t> weights16_;
  std::string name_;
};

// The ISA files (compiled with their own flags). Rows [m_begin, m_end), column tiles
// [tile_begin, tile_end).
void Q8GemmAvx512(const Q8Gemm::Packed& p, const uint8_t* input, int64_t m_begin, int64_t m_end,
                  int64_t tile_begin, int64_t tile_end, void* output);
void PackQ8WeightsAvx2(const int8_t* levels, int64_t n, int64_t taps, int64_t depth,
                       int16_t* packed);
void Q8GemmAvx2(const Q8Gemm::Packed& p, const int16_t* input, int64_t m_begin, int64_t m_end,
                int64_t tile_begin, int64_t tile_end, void* output);

// Column tiles and depth granules of the two layouts (AVX-512: 16 columns for layers of at most
// 16 channels).
inline constexpr int64_t kAvx512Tile = 32, kAvx512NarrowTile = 16, kAvx512Granule = 4;
inline constexpr int64_t kAvx2Tile = 16, kAvx2Granule = 2;

}  // namespace trit::x86
