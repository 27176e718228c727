// What the batch-1 Dense kernels (x86/lowbit_gemv.h: int4, int2 and ternary codes;
// sparse/ternary_gemv.h: ternary index lists) take: the layer's integer levels, bias and
// requantization. The levels may stay in the codes the model stores (low-bit types), so that
// no int8 copy of a large layer exists even while loading: the kernels read a row at a time.
#pragma once

#include <cstdint>
#include <vector>

#include "core/dtype.h"
#include "kernels/ref/quant_weights.h"
#include "kernels/requantize.h"

namespace trit {

struct GemvLayer {
  int64_t n = 0, depth = 0;
  // Input vectors (a small batch), each `depth` long, one after another; their outputs follow
  // one another `n` apart. The sparse index lists take one.
  int64_t rows = 1;
  const int8_t* levels = nullptr;  // [n][depth] (ternary kernels: each channel in {+pos, 0, -neg})
  ref::QuantWeights codes;         // when levels is null: the weights as stored
  const int32_t* bias = nullptr;   // [n] or null
  const Requant* requant = nullptr;
  bool per_channel = false;
  DType input_type = DType::kI8;  // kI8 or kU8
  int32_t input_zero_point = 0;
  int32_t output_zero_point = 0, lo = -128, hi = 127;
};

// Channel c's levels: the layer's own, or decoded from its codes into `buffer` (depth long).
inline const int8_t* RowLevels(const GemvLayer& layer, int64_t c, int8_t* buffer) {
  if (layer.levels) return layer.levels + c * layer.depth;
  ref::DecodeRowInt8(layer.codes, static_cast<int>(c), c * layer.depth, layer.depth, buffer);
  return buffer;
}

// Whether a channel's levels take at most one positive and one negative value.
inline bool IsTernaryRow(const int8_t* row, int64_t depth) {
  int pos = 0, neg = 0;
  for (int64_t k = 0; k < depth; ++k) {
    const int v = row[k];
    if ((v > 0 && pos != 0 && v != pos) || (v < 0 && neg != 0 && v != neg)) return false;
    if (v > 0) pos = v;
    if (v < 0) neg = v;
  }
  return true;
}

// Whether every channel takes at most one positive and one negative level.
inline bool IsTernaryPerChannel(const int8_t* levels, int64_t n, int64_t depth) {
  for (int64_t c = 0; c < n; ++c) {
    if (!IsTernaryRow(levels + c * depth, depth)) return false;
  }
  return true;
}
inline bool IsTernaryPerChannel(const GemvLayer& layer) {
  if (layer.levels) return IsTernaryPerChannel(layer.levels, layer.n, layer.depth);
  // Stored ternary and binary codes are so by construction; int4 and int2 are checked.
  if (layer.codes.type == DType::kTernary || layer.codes.type == DType::kBinary) return true;
  std::vector<int8_t> row(static_cast<size_t>(layer.depth));
  for (int64_t c = 0; c < layer.n; ++c) {
    if (!IsTernaryRow(RowLevels(layer, c, row.data()), layer.depth)) return false;
  }
  return true;
}

}  // namespace trit
