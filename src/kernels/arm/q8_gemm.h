// Quantized Conv2D (groups 1) and Dense as one integer GEMM for the AArch64 microkernels, 4 rows
// x 16 output channels per call at every level. The ISA-neutral half (row taps, offsets, input
// preparation) is kernels/q8_gemm_plan.h:
//   - i8mm: s8 inputs (kS8), SMMLA multiplies a 2x8 block of two rows by an 8x2 block of two
//     channels (32 MACs per instruction); weights interleaved 8 deep, as column pairs.
//   - dot product: s8 inputs (kS8), SDOT by element: four channels' 4-deep weights against
//     4 bytes of one row (16 MACs per instruction); weights interleaved 4 deep.
//   - NEON only: int16 inputs x - z (kI16) and int16 weights, SMLAL by element (4 MACs per
//     instruction, exact in 32 bits), for cores without the dot product (Cortex-A53, A72).
// The epilogue is the reference's requantization (SMULL to 64 bits, SRSHL's rounding shift:
// round half up, as the reference), zero point and clamp, bit for bit (q8_epilogue_neon.h).
#pragma once

#include <cstdint>
#include <string>

#include "kernels/aligned_array.h"
#include "kernels/isa.h"
#include "kernels/linear_layer.h"
#include "kernels/q8_gemm_plan.h"

namespace trit::arm {

class Q8Gemm {
 public:
  // Packs for `isa` (kNeon, kNeonDot or kNeonI8mm). The layer's pointers are read here only.
  Q8Gemm(Isa isa, const Q8GemmLayer& layer);

  size_t scratch_bytes() const { return plan_.scratch_bytes(); }
  const void* Prepare(const void* input, void* scratch) const {
    return plan_.Prepare(input, scratch);
  }
  void Compute(const void* prepared, void* output, int64_t row_begin, int64_t row_end,
               int64_t tile_begin, int64_t tile_end) const;
  int64_t rows() const { return plan_.packed().m; }
  int64_t tiles() const { return plan_.packed().n_tiles; }
  int64_t rows_per_call() const { return plan_.packed().rows_per_call; }
  // The microkernel's name, e.g. qs8_igemm_4x16c4__neondot.
  const std::string& name() const { return name_; }

 private:
  Isa isa_;
  Q8GemmPlan plan_;
  AlignedArray<int8_t> weights8_;
  AlignedArray<int16_t> weights16_;
  std::string name_;
};

// The ISA files (compiled with their own flags). Rows [m_begin, m_end), column tiles
// [tile_begin, tile_end).
void Q8GemmI8mm(const Q8GemmPacked& p, const int8_t* input, int64_t m_begin, int64_t m_end,
                int64_t tile_begin, int64_t tile_end, void* output);
void Q8GemmNeonDot(const Q8GemmPacked& p, const int8_t* input, int64_t m_begin, int64_t m_end,
                   int64_t tile_begin, int64_t tile_end, void* output);
void Q8GemmNeon(const Q8GemmPacked& p, const int16_t* input, int64_t m_begin, int64_t m_end,
                int64_t tile_begin, int64_t tile_end, void* output);

inline constexpr int64_t kQ8Tile = 16, kQ8Rows = 4;
// Depth granules: SMMLA reads 8 bytes of a row, SDOT 16 (four 4-deep steps by element), SMLAL
// 8 int16 values (eight steps by element).
inline constexpr int64_t kI8mmGranule = 8, kDotGranule = 16, kNeonGranule = 8;

}  // namespace trit::arm
