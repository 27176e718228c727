// Dense of a few rows (batch 1 to 8) with int4, int2, ternary or binary weights, moving 4 or 2
// bits per weight and unpacking them in registers: the memory-bound case (big fully connected
// layers at batch 1), where the int8 GEMM would read 2x or 4x the weight bytes, and the small
// batches where expanding a GEMM panel per run costs more than the lookups. One class for every
// ISA; the loop is the level's file (x86 AVX-512 VNNI: x86/lowbit_gemv_avx512vnni.cc; AArch64 dot
// product: arm/lowbit_gemv_neondot.cc).
//
// Weights are stored as unsigned codes u = level + 8 (int4: 0..15), level + 2 (int2: 0..3) or,
// for ternary (and binary) channels of levels {+pos, 0, -neg}, t + 1 with t the level's sign.
// A chunk of B bytes (B = 64 on AVX-512, 16 on NEON: one vector) holds 2B (int4) or 4B (2-bit)
// weights: byte j holds weights j, j + B (and j + 2B, j + 3B) in its nibbles (bit pairs). A
// shift and an AND per B weights give the codes as bytes, in the input's order, for one dot
// product instruction against B inputs (VPDPBUSD: u8 inputs; SDOT: s8 inputs). The code offset
// leaves exactly: sum(u * x) - offset * sum(x), and sum(x) is taken once per run. Ternary
// channels use the identity of docs/quantization.md,
//     2 * sum(level * x) = (pos + neg) * sum(t * x) + (pos - neg) * sum(|t| * x),
// with |t| = NOT u AND 1 as a second dot product, only when some channel has pos != neg.
// On x86, 2-bit codes skip the identity: each channel keeps two 16-byte VPSHUFB tables from a
// code nibble (two codes) to a level, so one lookup per 64 weights gives the s8 levels themselves
// and one VPDPBUSD gives sum(level * x). That is 11 vector instructions per 256 weights against
// 20 for codes and |t| (12 for symmetric codes), enough to leave the loop waiting on memory.
// The input is prepared as in q8_gemm_plan.h (u8 for VNNI, s8 for SDOT; padded with 0, which
// multiplies nothing); the zero point leaves as bias - z' * sum(levels). The epilogue is the
// reference's requantization: bit for bit the reference result.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "core/dtype.h"
#include "kernels/aligned_array.h"
#include "kernels/gemv_layer.h"
#include "kernels/isa.h"
#include "kernels/requantize.h"

namespace trit {

class LowBitGemv {
 public:
  enum class Codes { kInt4, kInt2, kTernary };
  // For kAvx512 or kNeonDot (and above). kTernary needs each channel's levels in {+pos, 0, -neg}
  // (IsTernaryPerChannel).
  LowBitGemv(Isa isa, const GemvLayer& layer, Codes codes);

  size_t scratch_bytes() const;
  // The prepared input, per row, prepared_stride() apart: chunks * chunk_weights bytes (u8 or
  // s8), then sum(x) as an int64.
  const uint8_t* Prepare(const void* input, void* scratch) const;
  // Output channels in blocks of kBlock: blocks [begin, end).
  void Compute(const uint8_t* prepared, void* output, int64_t block_begin, int64_t block_end) const;
  int64_t blocks() const { return (n_ + kBlock - 1) / kBlock; }
  const std::string& name() const { return name_; }

  static constexpr int64_t kBlock = 4;

  // What the ISA files read.
  int bits() const { return bits_; }
  bool asymmetric() const { return asymmetric_; }
  int64_t chunks() const { return chunks_; }
  int64_t rows() const { return rows_; }
  int64_t n() const { return n_; }
  int64_t prepared_stride() const { return prepared_stride_; }
  int64_t chunk_weights() const { return chunk_weights_; }
  // [block][chunk][kBlock channels][chunk bytes]
  const uint8_t* block_codes(int64_t block) const {
    return codes_.data() + block * chunks_ * kBlock * chunk_bytes_;
  }
  // x86 2-bit codes: [block][kBlock channels][2][16], table 0 giving the level of a nibble's low
  // code, table 1 of its high code; null otherwise.
  bool reads_level_tables() const { return level_tables_.size() != 0; }
  const uint8_t* block_level_tables(int64_t block) const {
    return level_tables_.data() + block * kBlock * 2 * 16;
  }
  // The block's outputs from each channel's sum(u * x) and, for asymmetric ternary codes,
  // sum(|t| * x), exact as int64 (the sums fit in 32 bits: the load-time accumulator bound).
  void Finish(int64_t block, const int64_t (&codes_x)[kBlock], const int64_t (&abs_x)[kBlock],
              int64_t input_sum, uint8_t* output) const;
  // The same from each channel's sum(level * x) (the level tables' loop).
  void FinishDots(int64_t block, const int64_t (&dots)[kBlock], uint8_t* output) const;

 private:
  void BuildLevelTables();

  Isa isa_;
  Codes codes_kind_;
  int bits_, code_offset_;
  int64_t chunk_bytes_;
  bool asymmetric_ = false;  // ternary: some channel has pos != neg
  int64_t n_, depth_, rows_, chunks_, chunk_weights_, prepared_stride_;
  std::vector<int32_t> pos_, neg_;  // ternary: each channel's magnitudes
  AlignedArray<uint8_t> codes_;
  AlignedArray<uint8_t> level_tables_;
  std::vector<int32_t> offset_;  // bias - z' * sum(levels), modulo 2^32
  std::vector<Requant> requant_;
  DType input_type_;
  int32_t output_zero_point_, lo_, hi_;
  std::string name_;
};

// The ISA files.
namespace x86 {
// Every row of the blocks [block_begin, block_end): each block's codes stay in L1 across rows.
void LowBitGemvAvx512(const LowBitGemv& gemv, const uint8_t* prepared, int64_t block_begin,
                      int64_t block_end, uint8_t* output);
}  // namespace x86
namespace arm {
// One row: `prepared` and `output` of that row.
void LowBitGemvNeonDot(const LowBitGemv& gemv, const uint8_t* prepared, int64_t block_begin,
                       int64_t block_end, uint8_t* output);
}  // namespace arm

}  // namespace trit
