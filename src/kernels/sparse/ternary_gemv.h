// Batch-1 Dense with highly pruned ternary weights: each output channel keeps only the indices
// of its nonzero weights (16-bit, +pos ones first, then -neg ones) and sums the inputs they
// select, so its cost is proportional to the nonzeros, not to the layer's size. Portable C++
// (no ISA): the sums are exact integers and the epilogue is the reference's requantization,
// so the result is bit for bit the reference's. Worth it only past high sparsity (about 90%
// on x86 against the 2-bit GEMV; benchmarks.md).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "core/dtype.h"
#include "kernels/gemv_layer.h"
#include "kernels/requantize.h"

namespace trit::sparse {

class TernaryGemv {
 public:
  // Whether the layer can be stored this way: depth <= 65536 and every channel ternary.
  static bool Fits(const int8_t* levels, int64_t n, int64_t depth) {
    return depth <= 65536 && IsTernaryPerChannel(levels, n, depth);
  }
  static bool Fits(const GemvLayer& layer) {
    return layer.depth <= 65536 && IsTernaryPerChannel(layer);
  }
  explicit TernaryGemv(const GemvLayer& layer);

  // Output channels [begin, end) (its "blocks" are single channels); input: depth int8/uint8
  // values, read in place (no preparation, no scratch); output: n int8/uint8.
  size_t scratch_bytes() const { return 0; }
  const void* Prepare(const void* input, void*) const { return input; }
  void Compute(const void* input, void* output, int64_t begin, int64_t end) const;
  void Run(const void* input, void* output) const { Compute(input, output, 0, n_); }
  int64_t blocks() const { return n_; }
  int64_t nonzeros() const { return static_cast<int64_t>(indices_.size()); }
  const std::string& name() const { return name_; }

 private:
  template <typename In>
  void ComputeTyped(const In* input, uint8_t* output, int64_t begin, int64_t end) const;

  int64_t n_;
  std::vector<uint16_t> indices_;   // per channel: positive indices, then negative ones
  std::vector<int64_t> start_;      // [n + 1] into indices_
  std::vector<int64_t> positives_;  // [n] how many of a channel's indices are positive
  std::vector<int32_t> pos_, neg_;  // [n] the channel's +pos and -neg levels
  std::vector<int32_t> bias_;
  std::vector<Requant> requant_;
  DType input_type_;
  int32_t input_zero_point_, output_zero_point_, lo_, hi_;
  std::string name_;
};

}  // namespace trit::sparse
