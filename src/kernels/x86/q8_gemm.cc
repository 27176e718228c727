#include "kernels/x86/q8_gemm.h"

#include "core/error.h"

namespace trit::x86 {
namespace {

Q8GemmPlan::Tiling TilingFor(Isa isa, const Q8GemmLayer& layer) {
  if (isa == Isa::kAvx512) {
    const bool narrow = layer.n <= kAvx512NarrowTile;
    return {narrow ? kAvx512NarrowTile : kAvx512Tile, kAvx512Granule, narrow ? 16 : 8};
  }
  if (isa == Isa::kAvx2) return {kAvx2Tile, kAvx2Granule, 4};
  throw Error(ErrorCode::kInternal, "Q8Gemm needs AVX2 or AVX-512");
}

}  // namespace

Q8Gemm::Q8Gemm(Isa isa, const Q8GemmLayer& layer)
    : isa_(isa),
      plan_(layer, isa == Isa::kAvx512 ? Q8InputForm::kU8 : Q8InputForm::kI16,
            TilingFor(isa, layer)) {
  const Packed& p = plan_.packed();
  if (isa == Isa::kAvx512) {
    weights8_ = plan_.PackInterleaved(layer.levels, kAvx512Granule);
    plan_.set_weights(weights8_.data());
  } else {
    weights16_ =
        AlignedArray<int16_t>(static_cast<size_t>(p.n_tiles * p.tile * p.taps * p.depth_padded));
    PackQ8WeightsAvx2(layer.levels, layer.n, p.taps, p.depth, weights16_.data());
    plan_.set_weights(weights16_.data());
  }
  name_ = plan_.Name() + (isa == Isa::kAvx512 ? (p.tile == kAvx512NarrowTile ? "_16x16__avx512vnni"
                                                                             : "_8x32__avx512vnni")
                                              : "_4x16__avx2");
}

void Q8Gemm::Compute(const void* prepared, void* output, int64_t row_begin, int64_t row_end,
                     int64_t tile_begin, int64_t tile_end) const {
  if (isa_ == Isa::kAvx512) {
    Q8GemmAvx512(plan_.packed(), static_cast<const uint8_t*>(prepared), row_begin, row_end,
                 tile_begin, tile_end, output);
  } else {
    Q8GemmAvx2(plan_.packed(), static_cast<const int16_t*>(prepared), row_begin, row_end,
               tile_begin, tile_end, output);
  }
}

void Q8Gemm::Run(const void* input, void* output, void* scratch) const {
  Compute(Prepare(input, scratch), output, 0, rows(), 0, tiles());
}

}  // namespace trit::x86
