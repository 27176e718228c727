#include "kernels/b1_gemm.h"

#include <algorithm>
#include <cstring>

#include "core/error.h"

namespace trit {
namespace {

// `count` (at most 32) bits of a dense bit stream from bit `first`, in the low bits of a word.
uint32_t ReadBits(const uint8_t* bits, int64_t first, int count) {
  uint64_t word = 0;
  const int64_t byte = first >> 3;
  const int shift = static_cast<int>(first & 7);
  const int bytes = (shift + count + 7) / 8;  // at most 5
  for (int i = 0; i < bytes; ++i) word |= uint64_t{bits[byte + i]} << (8 * i);
  word >>= shift;
  return static_cast<uint32_t>(count == 32 ? word : word & ((uint64_t{1} << count) - 1));
}

}  // namespace

B1Gemm::B1Gemm(Isa isa, const B1GemmLayer& layer) : isa_(isa), indirection_(layer.indirection) {
  if (isa != Isa::kAvx512 && isa != Isa::kAvx2 && !IsaCovers(isa, Isa::kNeon)) {
    throw Error(ErrorCode::kInternal, "B1Gemm needs AVX-512 VPOPCNTDQ, AVX2 or NEON");
  }
  if (static_cast<int64_t>(indirection_.size()) != layer.m * layer.taps ||
      layer.vectors + 1 > (int64_t{1} << 31)) {
    throw Error(ErrorCode::kInternal, "B1Gemm: indirection table does not match the layer");
  }
  Packed& p = packed_;
  p.m = layer.m;
  p.n = layer.n;
  p.taps = layer.taps;
  p.depth = layer.depth;
  p.words = (layer.depth + 31) / 32;
  const int64_t width = isa == Isa::kAvx512 ? kB1Avx512Tile
                        : isa == Isa::kAvx2 ? kB1Avx2Tile
                                            : kB1NeonTile;
  p.tile = width;
  p.rows_per_call = isa == Isa::kAvx512 ? kB1Avx512Rows
                    : isa == Isa::kAvx2 ? kB1Avx2Rows
                                        : kB1NeonRows;
  p.n_tiles = (layer.n + width - 1) / width;
  p.vectors = layer.vectors;
  weights_ = AlignedArray<uint32_t>(static_cast<size_t>(p.n_tiles * p.taps * p.words * width));
  tap_popcount_.assign(static_cast<size_t>(p.n_tiles * p.taps * width), 0);
  const int64_t row = p.taps * p.depth;
  for (int64_t c = 0; c < p.n; ++c) {
    const int64_t tile = c / width, column = c % width;
    for (int64_t tap = 0; tap < p.taps; ++tap) {
      int32_t ones = 0;
      for (int64_t k = 0; k < p.depth; ++k) {
        if (layer.levels[c * row + tap * p.depth + k] <= 0) continue;
        const int64_t word = ((tile * p.taps + tap) * p.words + k / 32) * width + column;
        weights_.data()[word] |= uint32_t{1} << (k % 32);
        ++ones;
      }
      tap_popcount_[static_cast<size_t>((tile * p.taps + tap) * width + column)] = ones;
    }
  }
  row_base_.resize(static_cast<size_t>(p.m));
  row_padded_.resize(static_cast<size_t>(p.m));
  for (int64_t r = 0; r < p.m; ++r) {
    int64_t valid = 0;
    for (int64_t tap = 0; tap < p.taps; ++tap) valid += indirection_[r * p.taps + tap] < p.vectors;
    row_base_[static_cast<size_t>(r)] = static_cast<int32_t>(p.depth * valid);
    row_padded_[static_cast<size_t>(r)] = valid != p.taps;
  }
  const size_t columns = static_cast<size_t>(p.n_tiles * width);
  offset_.assign(columns, 0);
  multiplier_.assign(columns, 0);
  shift_.assign(columns, 0);
  for (int64_t c = 0; c < p.n; ++c) {
    offset_[static_cast<size_t>(c)] = layer.bias ? layer.bias[c] : 0;
    const Requant r = layer.requant[layer.per_channel ? c : 0];
    multiplier_[static_cast<size_t>(c)] = r.multiplier;
    shift_[static_cast<size_t>(c)] = r.shift;
  }
  p.indirection = indirection_.data();
  p.weights = weights_.data();
  p.tap_popcount = tap_popcount_.data();
  p.row_base = row_base_.data();
  p.row_padded = row_padded_.data();
  p.offset = offset_.data();
  p.multiplier = multiplier_.data();
  p.shift = shift_.data();
  p.output_zero_point = layer.output_zero_point;
  p.lo = layer.lo;
  p.hi = layer.hi;
  const bool dense = layer.taps == 1 && layer.m == layer.vectors;
  name_ = std::string("b1_") + (dense ? "gemm" : "igemm") +
          (isa == Isa::kAvx512 ? "_8x32__avx512vpopcntdq"
           : isa == Isa::kAvx2 ? "_4x16__avx2"
                               : "_4x16__neon");
}

size_t B1Gemm::scratch_bytes() const {
  return static_cast<size_t>((packed_.vectors + 1) * packed_.words) * sizeof(uint32_t);
}

const uint32_t* B1Gemm::Prepare(const void* input, void* scratch) const {
  const Packed& p = packed_;
  const auto* bits = static_cast<const uint8_t*>(input);
  auto* words = static_cast<uint32_t*>(scratch);
  for (int64_t v = 0; v < p.vectors; ++v) {
    uint32_t* dst = words + v * p.words;
    const int64_t first = v * p.depth;
    if (first % 8 == 0 && p.depth % 32 == 0) {  // whole words, byte aligned: a copy
      std::memcpy(dst, bits + first / 8, static_cast<size_t>(p.words) * sizeof(uint32_t));
      continue;
    }
    for (int64_t w = 0; w < p.words; ++w) {
      const int count = static_cast<int>(std::min<int64_t>(32, p.depth - 32 * w));
      dst[w] = ReadBits(bits, first + 32 * w, count);
    }
  }
  std::memset(words + p.vectors * p.words, 0, static_cast<size_t>(p.words) * sizeof(uint32_t));
  return words;
}

void B1Gemm::Compute(const uint32_t* prepared, void* output, int64_t row_begin, int64_t row_end,
                     int64_t tile_begin, int64_t tile_end) const {
#if defined(__x86_64__)
  if (isa_ == Isa::kAvx512) {
    x86::B1GemmAvx512(packed_, prepared, row_begin, row_end, tile_begin, tile_end, output);
  } else {
    x86::B1GemmAvx2(packed_, prepared, row_begin, row_end, tile_begin, tile_end, output);
  }
#elif defined(__aarch64__)
  arm::B1GemmNeon(packed_, prepared, row_begin, row_end, tile_begin, tile_end, output);
#endif
}

}  // namespace trit
