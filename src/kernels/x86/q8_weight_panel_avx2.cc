// Expands one column tile of a low-bit weight panel into the AVX2 int16 layout (32 elements per
// block: one depth pair of the tile's 16 columns, so every block has the same columns;
// kernels/q8_weight_panel.h explains the planes). Codes as in the AVX-512 file, levels by
// PSHUFB where they do not depend on the column (int4, binary) and by compare and select
// against per-column vectors where they do (the 2-bit types: a 128-bit lane holds 8 columns,
// too many for one 16-entry table), then sign-extended to int16.
#include <immintrin.h>

#include <cstdint>
#include <cstring>

#include "kernels/q8_weight_panel.h"
#include "kernels/x86/q8_gemm.h"

namespace trit::x86 {
namespace {

inline void StoreWidened(__m256i levels, int16_t* out) {
  _mm256_store_si256(reinterpret_cast<__m256i*>(out),
                     _mm256_cvtepi8_epi16(_mm256_castsi256_si128(levels)));
  _mm256_store_si256(reinterpret_cast<__m256i*>(out + 16),
                     _mm256_cvtepi8_epi16(_mm256_extracti128_si256(levels, 1)));
}

}  // namespace

void ExpandQ8PanelAvx2(const Q8WeightPanel& panel, int64_t tile, int16_t* out,
                       const Q8GemmPacked* lists) {
  const uint8_t* codes = panel.codes(tile);
  const int64_t blocks = panel.tile_elements() / 32;
  const auto for_each_block = [&](auto expand_block) {
    ForEachExpandedBlock(lists, tile, blocks, 2, expand_block);
  };
  switch (panel.bits()) {
    case 2: {
      // Element j of a block is column j / 2: the level of each code per element.
      alignas(32) int8_t by_code[4][32];
      const int8_t* levels = panel.code_levels(tile);
      for (int j = 0; j < 32; ++j) {
        for (int code = 1; code < 4; ++code) by_code[code][j] = levels[(j / 2) * 4 + code];
      }
      const __m256i level1 = _mm256_load_si256(reinterpret_cast<const __m256i*>(by_code[1]));
      const __m256i level2 = _mm256_load_si256(reinterpret_cast<const __m256i*>(by_code[2]));
      const __m256i level3 = _mm256_load_si256(reinterpret_cast<const __m256i*>(by_code[3]));
      const __m256i shifts = _mm256_set_epi64x(6, 4, 2, 0);
      const __m256i mask = _mm256_set1_epi8(3);
      const __m256i one = _mm256_set1_epi8(1), two = _mm256_set1_epi8(2);
      for_each_block([&](int64_t b, int64_t j) {
        int64_t eight;
        std::memcpy(&eight, codes + 8 * b, 8);
        const __m256i x =
            _mm256_and_si256(_mm256_srlv_epi64(_mm256_set1_epi64x(eight), shifts), mask);
        const __m256i levels_of_block =
            _mm256_or_si256(_mm256_or_si256(_mm256_and_si256(_mm256_cmpeq_epi8(x, one), level1),
                                            _mm256_and_si256(_mm256_cmpeq_epi8(x, two), level2)),
                            _mm256_and_si256(_mm256_cmpeq_epi8(x, mask), level3));
        StoreWidened(levels_of_block, out + 32 * j);
      });
      break;
    }
    case 4: {
      const __m256i table =
          _mm256_setr_epi8(0, 1, 2, 3, 4, 5, 6, 7, -8, -7, -6, -5, -4, -3, -2, -1, 0, 1, 2, 3, 4, 5,
                           6, 7, -8, -7, -6, -5, -4, -3, -2, -1);
      const __m256i shifts = _mm256_set_epi64x(4, 4, 0, 0);
      const __m256i mask = _mm256_set1_epi8(0x0F);
      for_each_block([&](int64_t b, int64_t j) {
        const __m256i x = _mm256_srlv_epi64(_mm256_broadcastsi128_si256(_mm_loadu_si128(
                                                reinterpret_cast<const __m128i*>(codes + 16 * b))),
                                            shifts);
        StoreWidened(_mm256_shuffle_epi8(table, _mm256_and_si256(x, mask)), out + 32 * j);
      });
      break;
    }
    default: {  // binary: level 2 * bit - 1
      const __m256i shifts = _mm256_set_epi32(7, 6, 5, 4, 3, 2, 1, 0);
      const __m256i one = _mm256_set1_epi8(1);
      for (int64_t b = 0; b < blocks; ++b) {
        int32_t four;
        std::memcpy(&four, codes, 4);
        codes += 4;
        const __m256i x = _mm256_and_si256(_mm256_srlv_epi32(_mm256_set1_epi32(four), shifts), one);
        StoreWidened(_mm256_sub_epi8(_mm256_add_epi8(x, x), one), out + 32 * b);
      }
      panel.ZeroPadding(tile, out);
      break;
    }
  }
}

}  // namespace trit::x86
