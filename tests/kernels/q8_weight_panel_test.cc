// The low-bit weight panel (kernels/q8_weight_panel.h): its portable expansion gives, tile by
// tile, exactly the int8 layout the plan packs from decoded levels, for every low-bit type,
// tiling and depth across the granule and block edges; each ISA's expansion gives exactly the
// portable one's bytes (int16 for AVX2).
#include "kernels/q8_weight_panel.h"

#include <gtest/gtest.h>

#include <cstring>
#include <vector>

#include "linear_tester.h"
#if defined(__x86_64__)
#include "kernels/x86/q8_gemm.h"
#endif

namespace trit::test {
namespace {

struct Tiling {
  Q8GemmPlan::Tiling tiling;
  int64_t block;
};

// AVX-512 (wide and narrow tiles) and AVX2.
constexpr Tiling kTilings[] = {{{32, 4, 8}, 64}, {{16, 4, 16}, 64}, {{16, 2, 4}, 32}};
constexpr DType kTypes[] = {DType::kI4, DType::kI2, DType::kTernary, DType::kBinary};

TEST(Q8WeightPanel, ExpandsToThePlansLayoutOfTheDecodedLevels) {
  for (const uint64_t seed : Seeds(120)) {
    TRIT_SEED_SCOPE(seed);
    Rng rng(seed);
    const Tiling tiling = rng.Pick(kTilings);
    const DType type = rng.Pick(kTypes);
    Q8GemmLayer layer;
    layer.m = layer.vectors = 1;
    layer.indirection.assign(static_cast<size_t>(rng.Int(1, 3)), 0);
    layer.taps = static_cast<int64_t>(layer.indirection.size());
    layer.depth = rng.Pick(kDepthEdges);
    layer.n = rng.Pick(kTileEdges) + (rng.Bool() ? 32 : 0);
    std::vector<Requant> requant(1);
    layer.requant = requant.data();
    std::vector<int8_t> levels(static_cast<size_t>(layer.n * layer.taps * layer.depth));
    DrawLevels(rng, type, -1, layer.n, layer.taps * layer.depth, levels);
    const StoredWeights stored(type, levels, layer.n, layer.taps * layer.depth);
    SCOPED_TRACE(std::string(DTypeName(type)) + " n " + std::to_string(layer.n) + " taps " +
                 std::to_string(layer.taps) + " depth " + std::to_string(layer.depth) + " tile " +
                 std::to_string(tiling.tiling.tile) + " granule " +
                 std::to_string(tiling.tiling.granule));

    layer.levels = levels.data();
    const Q8GemmPlan plan(layer, Q8InputForm::kU8, tiling.tiling);
    const AlignedArray<int8_t> expected = plan.PackInterleaved(layer, tiling.tiling.granule);
    const Q8WeightPanel panel(plan.packed(), tiling.tiling.granule, tiling.block, stored.view);
    ASSERT_EQ(panel.tile_elements() * plan.packed().n_tiles, static_cast<int64_t>(expected.size()));
    EXPECT_EQ(panel.tile_code_bytes() * 8, panel.tile_elements() * BitsPerElement(type));
    const size_t elements = static_cast<size_t>(panel.tile_elements());
    for (int64_t t = 0; t < plan.packed().n_tiles; ++t) {
      SCOPED_TRACE("tile " + std::to_string(t));
      const int8_t* want = expected.data() + t * panel.tile_elements();
      AlignedArray<int8_t> bytes(elements);
      panel.ExpandTile(t, bytes.data());
      ASSERT_EQ(std::memcmp(bytes.data(), want, elements), 0);
      AlignedArray<int16_t> wide(elements);
      panel.ExpandTile(t, wide.data());
      for (size_t i = 0; i < elements; ++i) ASSERT_EQ(wide.data()[i], want[i]) << i;
#if defined(__x86_64__)
      for (const Isa isa : OptimizedLevels()) {
        SCOPED_TRACE(std::string(IsaName(isa)));
        if (isa == Isa::kAvx512 && tiling.block == 64) {
          AlignedArray<int8_t> simd(elements);
          x86::ExpandQ8PanelAvx512(panel, t, simd.data());
          ASSERT_EQ(std::memcmp(simd.data(), want, elements), 0);
        }
        if (isa == Isa::kAvx2 && tiling.block == 32) {
          AlignedArray<int16_t> simd(elements);
          x86::ExpandQ8PanelAvx2(panel, t, simd.data());
          ASSERT_EQ(std::memcmp(simd.data(), wide.data(), elements * 2), 0);
        }
      }
#endif
    }
  }
}

}  // namespace
}  // namespace trit::test
