#include "kernels/arm/q8_gemm.h"

#include "core/error.h"

namespace trit::arm {
namespace {

Q8GemmPlan::Tiling TilingFor(Isa isa) {
  switch (isa) {
    case Isa::kNeonI8mm:
      return {kQ8Tile, kI8mmGranule, kQ8Rows};
    case Isa::kNeonDot:
      return {kQ8Tile, kDotGranule, kQ8Rows};
    case Isa::kNeon:
      return {kQ8Tile, kNeonGranule, kQ8Rows};
    default:
      throw Error(ErrorCode::kInternal, "arm::Q8Gemm needs an AArch64 level");
  }
}

}  // namespace

Q8Gemm::Q8Gemm(Isa isa, const Q8GemmLayer& layer)
    : isa_(isa),
      plan_(layer, isa == Isa::kNeon ? Q8InputForm::kI16 : Q8InputForm::kS8, TilingFor(isa)) {
  if (isa == Isa::kNeon) {
    // Lane-indexed SMLAL: for each depth step, the tile's 16 channels side by side, as int16.
    const AlignedArray<int8_t> bytes = plan_.PackInterleaved(layer, 1);
    weights16_ = AlignedArray<int16_t>(bytes.size());
    for (size_t i = 0; i < bytes.size(); ++i) weights16_.data()[i] = bytes.data()[i];
    plan_.set_weights(weights16_.data());
  } else {
    weights8_ = plan_.PackInterleaved(layer, isa == Isa::kNeonI8mm ? 8 : 4);
    plan_.set_weights(weights8_.data());
  }
  name_ = plan_.Name() + (isa == Isa::kNeonI8mm  ? "_4x16c8__i8mm"
                          : isa == Isa::kNeonDot ? "_4x16c4__neondot"
                                                 : "_4x16__neon");
}

void Q8Gemm::Compute(const void* prepared, void* output, int64_t row_begin, int64_t row_end,
                     int64_t tile_begin, int64_t tile_end) const {
  const Q8GemmPacked& p = plan_.packed();
  switch (isa_) {
    case Isa::kNeonI8mm:
      Q8GemmI8mm(p, static_cast<const int8_t*>(prepared), row_begin, row_end, tile_begin, tile_end,
                 output);
      break;
    case Isa::kNeonDot:
      Q8GemmNeonDot(p, static_cast<const int8_t*>(prepared), row_begin, row_end, tile_begin,
                    tile_end, output);
      break;
    default:
      Q8GemmNeon(p, static_cast<const int16_t*>(prepared), row_begin, row_end, tile_begin, tile_end,
                 output);
      break;
  }
}

}  // namespace trit::arm
