// Expands one column tile of a low-bit weight panel into the AVX-512 VNNI int8 layout (64
// elements, one register, per block; kernels/q8_weight_panel.h explains the planes): the block's
// bytes broadcast, each plane shifted into place by a variable 64-bit shift, masked, and looked
// up with PSHUFB. About five instructions per 64 weights, once per tile and run, against the
// 8 x 64 products the microkernel then does with each register.
#include <immintrin.h>

#include <cstdint>
#include <cstring>

#include "kernels/q8_weight_panel.h"
#include "kernels/x86/q8_gemm.h"

namespace trit::x86 {

void ExpandQ8PanelAvx512(const Q8WeightPanel& panel, int64_t tile, int8_t* out,
                         const Q8GemmPacked* lists) {
  const uint8_t* codes = panel.codes(tile);
  const int64_t blocks = panel.tile_elements() / 64;
  const auto for_each_block = [&](auto expand_block) {
    ForEachExpandedBlock(lists, tile, blocks, 4, expand_block);
  };
  switch (panel.bits()) {
    case 2: {
      // Block b holds 16 columns x 4 depth values: columns 16 * (b % tables) onward. Byte j is
      // column (j / 4) % 4 of its 128-bit lane: the table index is code | 4 * that.
      const int64_t tables = panel.tile() / 16;
      const __m512i table0 = _mm512_load_si512(panel.code_levels(tile));
      const __m512i table1 = tables > 1 ? _mm512_load_si512(panel.code_levels(tile) + 64) : table0;
      const __m512i shifts = _mm512_set_epi64(6, 6, 4, 4, 2, 2, 0, 0);
      const __m512i mask = _mm512_set1_epi8(3);
      const __m512i columns = _mm512_set_epi32(
          0x0C0C0C0C, 0x08080808, 0x04040404, 0, 0x0C0C0C0C, 0x08080808, 0x04040404, 0, 0x0C0C0C0C,
          0x08080808, 0x04040404, 0, 0x0C0C0C0C, 0x08080808, 0x04040404, 0);
      // The tile's blocks alternate between the tables (tables is 1 or 2; blocks is a multiple).
      const auto expand = [&](const uint8_t* block_codes, const __m512i& table, int8_t* to) {
        const __m512i x = _mm512_srlv_epi64(
            _mm512_broadcast_i32x4(_mm_loadu_si128(reinterpret_cast<const __m128i*>(block_codes))),
            shifts);
        const __m512i index = _mm512_ternarylogic_epi32(x, mask, columns, 0xEA);  // x & m | c
        _mm512_store_si512(to, _mm512_shuffle_epi8(table, index));
      };
      if (tables == 1) {
        for_each_block([&](int64_t b, int64_t j) { expand(codes + 16 * b, table0, out + 64 * j); });
      } else {
        for (int64_t b = 0; b < blocks; b += 2) {
          expand(codes + 16 * b, table0, out + 64 * b);
          expand(codes + 16 * b + 16, table1, out + 64 * b + 64);
        }
      }
      break;
    }
    case 4: {
      const __m512i table = _mm512_broadcast_i32x4(
          _mm_setr_epi8(0, 1, 2, 3, 4, 5, 6, 7, -8, -7, -6, -5, -4, -3, -2, -1));
      const __m512i shifts = _mm512_set_epi64(4, 4, 4, 4, 0, 0, 0, 0);
      const __m512i mask = _mm512_set1_epi8(0x0F);
      for_each_block([&](int64_t b, int64_t j) {
        const __m512i x = _mm512_srlv_epi64(_mm512_broadcast_i64x4(_mm256_loadu_si256(
                                                reinterpret_cast<const __m256i*>(codes + 32 * b))),
                                            shifts);
        _mm512_store_si512(out + 64 * j, _mm512_shuffle_epi8(table, _mm512_and_si512(x, mask)));
      });
      break;
    }
    default: {  // binary: level 2 * bit - 1
      const __m512i shifts = _mm512_set_epi64(7, 6, 5, 4, 3, 2, 1, 0);
      const __m512i one = _mm512_set1_epi8(1);
      for (int64_t b = 0; b < blocks; ++b) {
        int64_t eight;
        std::memcpy(&eight, codes, 8);
        codes += 8;
        const __m512i x =
            _mm512_and_si512(_mm512_srlv_epi64(_mm512_set1_epi64(eight), shifts), one);
        _mm512_store_si512(out + 64 * b, _mm512_sub_epi8(_mm512_add_epi8(x, x), one));
      }
      panel.ZeroPadding(tile, out);
      break;
    }
  }
}

}  // namespace trit::x86
