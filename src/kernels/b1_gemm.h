// Binary Conv2D (groups 1) and Dense for x86 and AArch64: binary activations x binary weights,
// both +-1 (1 bit per element, 1 -> +1), by xor and popcount. This class is the ISA-neutral
// half (packing, indirection, padding correction, epilogue parameters); the microkernels are
// x86/b1_gemm_avx512vpopcntdq.cc, x86/b1_gemm_avx2.cc and arm/b1_gemm_neon.cc.
//
// The problem has the shape of q8_gemm_plan.h: M output rows by N channels, each a sum over
// `taps` input vectors of `depth` elements, read through an indirection table whose extra vector
// stands for padding. Over one vector of depth C, sum(a * w) = C - 2 * popcount(a xor w): a
// product is +1 where the bits agree. Each run first repacks every input vector into whole
// 32-bit words (the tensor's bits are dense, so a pixel's bits need not start on a word);
// the bits past C are zero in both the input and the packed weights, so they never count.
// Padding is real zero, as in the reference: a padded tap contributes nothing. The kernel reads
// the padding vector (all zero bits) like any other and takes off, per row, what it added:
// C * (valid taps) replaces C * taps, and popcount(w) of each padded tap, precomputed per
// channel and tap, comes off the xor count. The epilogue is the int8 GEMM's: bias, the
// reference's requantization, zero point, clamp.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "core/dtype.h"
#include "kernels/aligned_array.h"
#include "kernels/isa.h"
#include "kernels/linear_layer.h"
#include "kernels/requantize.h"

namespace trit {

class B1Gemm {
 public:
  // kAvx512 (with VPOPCNTDQ), kAvx2, or kNeon and above.
  B1Gemm(Isa isa, const B1GemmLayer& layer);

  size_t scratch_bytes() const;
  // input: the binary tensor's packed bytes (vectors x depth bits, dense).
  const uint32_t* Prepare(const void* input, void* scratch) const;
  void Compute(const uint32_t* prepared, void* output, int64_t row_begin, int64_t row_end,
               int64_t tile_begin, int64_t tile_end) const;
  int64_t rows() const { return packed_.m; }
  int64_t tiles() const { return packed_.n_tiles; }
  int64_t rows_per_call() const { return packed_.rows_per_call; }
  // b1_igemm_8x32__avx512vpopcntdq, b1_igemm_4x16__avx2, b1_igemm_4x16__neon, or ..._gemm_...
  // for Dense
  const std::string& name() const { return name_; }

  struct Packed {
    int64_t m, n, taps, depth, words, n_tiles, vectors;
    int64_t tile, rows_per_call;  // channels per column tile, rows per microkernel call
    const int32_t* indirection;
    const uint32_t* weights;      // [tile][tap][word][tile channels]
    const int32_t* tap_popcount;  // [tile][tap][tile channels]: popcount of the tap's weights
    const int32_t* row_base;      // [m]: depth * (valid taps of the row)
    const uint8_t* row_padded;    // [m]: whether the row reads the padding vector
    const int32_t* offset;        // [n_tiles * tile]: bias
    const int32_t *multiplier, *shift;
    int32_t output_zero_point, lo, hi;
  };

 private:
  Isa isa_;
  Packed packed_{};
  std::vector<int32_t> indirection_, tap_popcount_, row_base_, offset_, multiplier_, shift_;
  std::vector<uint8_t> row_padded_;
  AlignedArray<uint32_t> weights_;
  std::string name_;
};

// Column tiles and rows per call of each ISA's microkernel.
inline constexpr int64_t kB1Avx512Tile = 32, kB1Avx512Rows = 8;
inline constexpr int64_t kB1Avx2Tile = 16, kB1Avx2Rows = 4;
inline constexpr int64_t kB1NeonTile = 16, kB1NeonRows = 4;

// The ISA files (each compiled for its architecture only).
namespace x86 {
void B1GemmAvx512(const B1Gemm::Packed& p, const uint32_t* input, int64_t m_begin, int64_t m_end,
                  int64_t tile_begin, int64_t tile_end, void* output);
void B1GemmAvx2(const B1Gemm::Packed& p, const uint32_t* input, int64_t m_begin, int64_t m_end,
                int64_t tile_begin, int64_t tile_end, void* output);
}  // namespace x86
namespace arm {
void B1GemmNeon(const B1Gemm::Packed& p, const uint32_t* input, int64_t m_begin, int64_t m_end,
                int64_t tile_begin, int64_t tile_end, void* output);
}  // namespace arm

}  // namespace trit
