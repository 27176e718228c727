// Batch-1 Dense with int4, int2, ternary or binary weights for AVX-512 VNNI, moving 4 or 2 bits
// per weight and unpacking them in registers: the memory-bound case (big fully connected layers
// at batch 1), where the int8 GEMM would read 2x or 4x the weight bytes.
//
// Weights are stored as unsigned codes u = level + 8 (int4: 0..15), level + 2 (int2: 0..3) or,
// for ternary (and binary) channels of levels {+pos, 0, -neg}, t + 1 with t the level's sign.
// 64 bytes hold a chunk of 128 (int4) or 256 (2-bit) weights: byte j holds weights j, j + 64
// (and j + 128, j + 192) in its nibbles (bit pairs). A shift and an AND per 64 weights give the
// codes as bytes, in the input's order, for VPDPBUSD against 64 u8 inputs. The code offset
// leaves exactly: sum(u * x) - offset * sum(x), and sum(x) is taken once per run. Ternary
// channels use the identity of docs/quantization.md,
//     2 * sum(level * x) = (pos + neg) * sum(t * x) + (pos - neg) * sum(|t| * x),
// with |t| = NOT u AND 1 as a second VPDPBUSD, only when some channel has pos != neg.
// The input is prepared as in q8_gemm.h (u8, s8 shifted by 128, padded with 0 here, which
// multiplies nothing); the zero point leaves as bias - z * sum(levels). The epilogue is the
// reference's requantization: bit for bit the reference result.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "core/dtype.h"
#include "kernels/gemv_layer.h"
#include "kernels/requantize.h"
#include "kernels/x86/q8_gemm.h"  // AlignedArray

namespace trit::x86 {

class LowBitGemv {
 public:
  enum class Codes { kInt4, kInt2, kTernary };
  // kTernary needs each channel's levels in {+pos, 0, -neg} (IsTernaryPerChannel).
  LowBitGemv(const GemvLayer& layer, Codes codes);

  size_t scratch_bytes() const;
  // The prepared input: chunks * 64 * (8 / bits) u8 values, then sum(x) as a uint32.
  const uint8_t* Prepare(const void* input, void* scratch) const;
  // Output channels in blocks of kBlock: blocks [begin, end).
  void Compute(const uint8_t* prepared, void* output, int64_t block_begin, int64_t block_end) const;
  int64_t blocks() const { return (n_ + kBlock - 1) / kBlock; }
  const std::string& name() const { return name_; }

  static constexpr int64_t kBlock = 4;

 private:
  Codes codes_kind_;
  int bits_, code_offset_;
  bool asymmetric_ = false;  // ternary: some channel has pos != neg
  int64_t n_, depth_, chunks_, chunk_weights_;
  std::vector<int32_t> pos_, neg_;  // ternary: each channel's magnitudes
  AlignedArray<uint8_t> codes_;     // [block][chunk][kBlock channels][64 bytes]
  std::vector<int32_t> offset_;     // bias - z * sum(levels), modulo 2^32
  std::vector<Requant> requant_;
  DType input_type_;
  int32_t output_zero_point_, lo_, hi_;
  std::string name_;
};

}  // namespace trit::x86
