#include "kernels/f32_gemm.h"

#include <algorithm>
#include <cstring>

#include "core/error.h"

namespace trit {

void PackF32Weights(const float* weights, int64_t n, int64_t taps, int64_t depth, int64_t tile,
                    float* packed) {
  const int64_t tiles = (n + tile - 1) / tile;
  float* dst = packed;
  for (int64_t t = 0; t < tiles; ++t) {
    for (int64_t tap = 0; tap < taps; ++tap) {
      for (int64_t k = 0; k < depth; ++k) {
        for (int64_t col = 0; col < tile; ++col) {
          const int64_t c = t * tile + col;
          *dst++ = c < n ? weights[(c * taps + tap) * depth + k] : 0.0f;
        }
      }
    }
  }
}

F32Gemm::F32Gemm(Isa isa, const F32GemmLayer& layer)
    : isa_(isa), vectors_(layer.vectors), indirection_(layer.indirection) {
  if (isa != Isa::kAvx2 && isa != Isa::kAvx512 && isa != Isa::kNeon) {
    throw Error(ErrorCode::kInternal, "F32Gemm needs AVX2, AVX-512 or NEON");
  }
  if (static_cast<int64_t>(indirection_.size()) != layer.m * layer.taps ||
      layer.vectors + 1 > (int64_t{1} << 31)) {
    throw Error(ErrorCode::kInternal, "F32Gemm: indirection table does not match the layer");
  }
  const bool narrow = isa == Isa::kAvx512 && layer.n <= kF32Avx512NarrowTile;
  const int64_t tile = isa == Isa::kAvx512 ? (narrow ? kF32Avx512NarrowTile : kF32Avx512Tile)
                       : isa == Isa::kAvx2 ? kF32Avx2Tile
                                           : kF32NeonTile;
  Packed& p = packed_;
  p.m = layer.m;
  p.n = layer.n;
  p.taps = layer.taps;
  p.depth = layer.depth;
  p.n_tiles = (layer.n + tile - 1) / tile;
  p.tile = tile;
  p.rows_per_call = isa == Isa::kAvx512 ? (narrow ? 16 : 8) : isa == Isa::kAvx2 ? 6 : kF32NeonRows;
  weights_ = AlignedArray<float>(static_cast<size_t>(p.n_tiles * tile * layer.taps * layer.depth));
  PackF32Weights(layer.weights, layer.n, layer.taps, layer.depth, tile, weights_.data());
  bias_.assign(static_cast<size_t>(p.n_tiles * tile), 0.0f);
  if (layer.bias) std::copy(layer.bias, layer.bias + layer.n, bias_.begin());
  padded_ = std::find(indirection_.begin(), indirection_.end(),
                      static_cast<int32_t>(layer.vectors)) != indirection_.end();
  p.indirection = indirection_.data();
  p.weights = weights_.data();
  p.bias = bias_.data();
  p.lo = layer.lo;
  p.hi = layer.hi;
  const std::string kind = layer.taps == 1 && layer.m == layer.vectors ? "gemm" : "igemm";
  name_ = "f32_" + kind +
          (isa == Isa::kAvx512 ? (narrow ? "_16x16__avx512f" : "_8x32__avx512f")
           : isa == Isa::kAvx2 ? "_6x16__avx2"
                               : "_4x16__neon");
}

size_t F32Gemm::scratch_bytes() const {
  return padded_ ? sizeof(float) * static_cast<size_t>((vectors_ + 1) * packed_.depth) : 0;
}

const float* F32Gemm::PreparePart(const void* input_bytes, void* scratch, int64_t part,
                                  int64_t parts) const {
  const auto* input = static_cast<const float*>(input_bytes);
  if (!padded_) return input;
  // The input, then one vector of zeros that padded taps read; part `part` copies its share of
  // the vectors, the last part the zeros.
  auto* prepared = static_cast<float*>(scratch);
  const auto depth = static_cast<size_t>(packed_.depth);
  const auto begin = static_cast<size_t>(vectors_ * part / parts) * depth;
  const auto end = static_cast<size_t>(vectors_ * (part + 1) / parts) * depth;
  std::memcpy(prepared + begin, input + begin, (end - begin) * sizeof(float));
  if (part == parts - 1) std::fill(prepared + end, prepared + end + depth, 0.0f);
  return prepared;
}

void F32Gemm::Compute(const float* prepared, float* output, int64_t row_begin, int64_t row_end,
                      int64_t tile_begin, int64_t tile_end) const {
#if defined(__x86_64__)
  if (isa_ == Isa::kAvx512) {
    x86::F32GemmAvx512(packed_, prepared, row_begin, row_end, tile_begin, tile_end, output);
  } else {
    x86::F32GemmAvx2(packed_, prepared, row_begin, row_end, tile_begin, tile_end, output);
  }
#elif defined(__aarch64__)
  arm::F32GemmNeon(packed_, prepared, row_begin, row_end, tile_begin, tile_end, output);
#endif
}

void F32Gemm::Run(const float* input, float* output, void* scratch) const {
  Compute(Prepare(input, scratch), output, 0, packed_.m, 0, packed_.n_tiles);
}

}  // namespace trit
