

// The low-bit GEMV's loop for AVX-512 VNNI (kernels/lowbit_gemv.h), over blocks of 4 channels
// that share each 64-byte vector of u8 inputs.
// - int4: per 64 weights of a channel, a shift (of the 64 loaded code bytes) and an AND make the
//   codes bytes, and one VPDPBUSD takes them against the inputs.
// - 2-bit codes (int2, ternary, binary): an AND and a shift split 64 code bytes into low and high
//   nibbles, and the channel's two VPSHUFB tables turn each nibble vector into two vectors of s8
//   levels: 4 lookups and 4 VPDPBUSD per 256 weights, whatever the levels.
#include <immintrin.h>

#include <algorithm>
#include <cstring>

#include "kernels/lowbit_gemv.h"
#include "kernels/row_blocks.h"

namespace trit::x86 {
namespace {

constexpr int kBlock = static_cast<int>(LowBitGemv::kBlock);

// acc += u8 x s8 dot products, in place: GCC 12 copies the accumulator around the intrinsic.
inline void DotAccumulate(__m512i& acc, __m512i x, __m512i w) {
  asm("vpdpbusd %2, %1, %0" : "+v"(acc) : "v"(x), "v"(w));
}

// The codes stream once through the loop, usually from L3 or DRAM. The hardware prefetcher alone
// keeps too few lines in flight for one core: on a Xeon (Sapphire Rapids class) a 64 MB layer ran
// at 59 GMAC/s without this and 93 with a 4 KiB lead (2-8 KiB measured equal; 1 KiB: 78). The
// prefetch past a block's end lands in the next block's codes, and past the array it is harmless.
constexpr int64_t kPrefetchBytes = 4096;
inline void PrefetchAhead(const uint8_t* line) {
  _mm_prefetch(reinterpret_cast<const char*>(line + kPrefetchBytes), _MM_HINT_T0);
}

// Each channel's sum of code * x over every chunk of int4 codes (two groups of 64 per chunk).
inline void AccumulateInt4(const uint8_t* codes, const uint8_t* x, int64_t chunks,
                           __m512i (&acc)[kBlock]) {
  const __m512i mask = _mm512_set1_epi8(0x0F);
  for (int64_t chunk = 0; chunk < chunks; ++chunk, codes += 64 * kBlock, x += 128) {
    const __m512i x0 = _mm512_load_si512(x), x1 = _mm512_load_si512(x + 64);
    for (int j = 0; j < kBlock; ++j) {
      PrefetchAhead(codes + 64 * j);
      const __m512i bytes = _mm512_load_si512(codes + 64 * j);
      DotAccumulate(acc[j], x0, _mm512_and_si512(bytes, mask));
      DotAccumulate(acc[j], x1, _mm512_and_si512(_mm512_srli_epi16(bytes, 4), mask));
    }
  }
}

// Each channel's sum(level * x) over every chunk for kRows input rows (prepared `stride` bytes
// apart), by table lookup from the 2-bit codes: the lookups are made once per chunk and serve
// every row, so a small batch costs 7 lookup instructions plus 4 VPDPBUSD per row per 256
// weights of a channel. Registers: 8 tables, 4 x kRows accumulators (kRows = 1: two per
// channel, the four dependent VPDPBUSD of a chunk as two chains), 4 levels, one input.
template <int kRows>
inline void AccumulateLevels(const uint8_t* codes, const uint8_t* tables, const uint8_t* x,
                             int64_t stride, int64_t chunks, int64_t (&dots)[kRows][kBlock]) {
  constexpr int kChains = kRows == 1 ? 2 : 1;
  const __m512i low_nibbles = _mm512_set1_epi8(0x0F);
  __m512i low_code[kBlock], high_code[kBlock];
  for (int j = 0; j < kBlock; ++j) {
    low_code[j] = _mm512_broadcast_i32x4(_mm_load_si128(reinterpret_cast<const __m128i*>(tables)));
    high_code[j] =
        _mm512_broadcast_i32x4(_mm_load_si128(reinterpret_cast<const __m128i*>(tables + 16)));
    tables += 32;
  }
  // The int32 lanes may wrap: the sums are exact modulo 2^32, as is all that Finish reads.
  __m512i acc[kRows][kBlock][kChains];
  for (int r = 0; r < kRows; ++r) {
    for (int j = 0; j < kBlock; ++j) {
      for (int k = 0; k < kChains; ++k) acc[r][j][k] = _mm512_setzero_si512();
    }
  }
  for (int64_t chunk = 0; chunk < chunks; ++chunk, codes += 64 * kBlock, x += 256) {
    __m512i lo[kBlock], hi[kBlock];
    for (int j = 0; j < kBlock; ++j) {
      PrefetchAhead(codes + 64 * j);
      const __m512i bytes = _mm512_load_si512(codes + 64 * j);
      lo[j] = _mm512_and_si512(bytes, low_nibbles);
      hi[j] = _mm512_and_si512(_mm512_srli_epi16(bytes, 4), low_nibbles);
    }
    // Part p: weights 64p..64p+63 of the chunk; parts 0 and 2 in the low codes of the nibbles.
    for (int part = 0; part < 4; ++part) {
      __m512i levels[kBlock];
      for (int j = 0; j < kBlock; ++j) {
        levels[j] = _mm512_shuffle_epi8(part % 2 == 0 ? low_code[j] : high_code[j],
                                        part < 2 ? lo[j] : hi[j]);
      }
      for (int r = 0; r < kRows; ++r) {
        const __m512i xv = _mm512_load_si512(x + r * stride + 64 * part);
        for (int j = 0; j < kBlock; ++j) DotAccumulate(acc[r][j][part % kChains], xv, levels[j]);
      }
    }
  }
  for (int r = 0; r < kRows; ++r) {
    for (int j = 0; j < kBlock; ++j) {
      __m512i sum = acc[r][j][0];
      if constexpr (kChains == 2) sum = _mm512_add_epi32(sum, acc[r][j][1]);
      dots[r][j] = _mm512_reduce_add_epi32(sum);
    }
  }
}

}  // namespace

void LowBitGemvAvx512(const LowBitGemv& gemv, const uint8_t* prepared, int64_t block_begin,
                      int64_t block_end, uint8_t* output) {
  static_assert(kBlock == 4, "four accumulators");
  constexpr int kMaxRows = 4;  // a batch passes in groups of up to 4 rows
  const int64_t padded = gemv.chunks() * gemv.chunk_weights(), stride = gemv.prepared_stride();
  for (int64_t block = block_begin; block < block_end; ++block) {
    const uint8_t* codes = gemv.block_codes(block);
    if (gemv.reads_level_tables()) {
      for (int64_t r0 = 0; r0 < gemv.rows(); r0 += kMaxRows) {
        const int rows = static_cast<int>(std::min<int64_t>(kMaxRows, gemv.rows() - r0));
        WithCount<kMaxRows>(rows, [&]<int kRows>() {
          int64_t dots[kRows][kBlock];
          AccumulateLevels<kRows>(codes, gemv.block_level_tables(block), prepared + r0 * stride,
                                  stride, gemv.chunks(), dots);
          for (int r = 0; r < kRows; ++r) {
            gemv.FinishDots(block, dots[r], output + (r0 + r) * gemv.n());
          }
        });
      }
      continue;
    }
    for (int64_t r = 0; r < gemv.rows(); ++r) {
      const uint8_t* x = prepared + r * stride;
      __m512i acc[kBlock];
      for (int j = 0; j < kBlock; ++j) acc[j] = _mm512_setzero_si512();
      AccumulateInt4(codes, x, gemv.chunks(), acc);
      // u8 x u8 code sums: each below 2^32 (the load-time accumulator bound), exact as uint32.
      int64_t codes_x[kBlock], abs_x[kBlock] = {};
      for (int j = 0; j < kBlock; ++j) {
        codes_x[j] = static_cast<uint32_t>(_mm512_reduce_add_epi32(acc[j]));
      }
      int64_t input_sum;
      std::memcpy(&input_sum, x + padded, sizeof(input_sum));
      gemv.Finish(block, codes_x, abs_x, input_sum, output + r * gemv.n());
    }
  }
}

}  // namespace trit::x86
