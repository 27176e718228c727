// Batch-1 Dense with ternary (or binary) weights for AVX-512 VNNI, moving 2 bits per weight:
// the memory-bound case (big fully connected layers at batch 1), where the int8 GEMM would read
// 4x the weight bytes. Weights are packed once as two bit masks per 64 inputs and output
// channel: P (the level is +pos) and N (the level is -neg). In the loop, two masked byte moves
// rebuild the 64 int8 levels {+pos, 0, -neg} in a register and one VPDPBUSD multiplies them
// with 64 u8 inputs. The input is prepared as in q8_gemm.h (u8, s8 shifted by 128, padded to a
// multiple of 64 with the zero point; the zero point leaves as bias - z * sum(levels)), and the
// epilogue is the reference's requantization: bit for bit the reference result.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "core/dtype.h"
#include "kernels/gemv_layer.h"
#include "kernels/requantize.h"
#include "kernels/x86/q8_gemm.h"  // AlignedArray

namespace trit::x86 {

using T2GemvLayer = GemvLayer;

class T2Gemv {
 public:
  // Channels whose levels take more than one positive and one negative value cannot be
  // packed: Fits() says whether every channel is ternary (or binary) in that sense.
  static bool Fits(const int8_t* levels, int64_t n, int64_t depth) {
    return IsTernaryPerChannel(levels, n, depth);
  }
  explicit T2Gemv(const T2GemvLayer& layer);

  size_t scratch_bytes() const;
  const uint8_t* Prepare(const void* input, void* scratch) const;
  // Output channels in blocks of kBlock: blocks [begin, end).
  void Compute(const uint8_t* prepared, void* output, int64_t block_begin, int64_t block_end) const;
  void Run(const void* input, void* output, void* scratch) const {
    Compute(Prepare(input, scratch), output, 0, blocks());
  }
  int64_t blocks() const { return (n_ + kBlock - 1) / kBlock; }
  const std::string& name() const { return name_; }

  static constexpr int64_t kBlock = 8;

 private:
  int64_t n_, depth_, chunks_;
  AlignedArray<uint64_t> masks_;   // [block][chunk][kBlock channels][P, N]
  std::vector<int8_t> pos_, neg_;  // [blocks * kBlock]: each channel's +pos and -neg level
  std::vector<int32_t> offset_;    // bias - z * sum(levels), modulo 2^32
  std::vector<Requant> requant_;
  DType input_type_;
  int32_t input_zero_point_, output_zero_point_, lo_, hi_;
  std::string name_;
};

}  // namespace trit::x86
