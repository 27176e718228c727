// The low-bit GEMV's loop for AVX-512 VNNI (kernels/lowbit_gemv.h): per 64 weights of a channel, a
// shift (of the 64 loaded code bytes) and an AND make the codes bytes, and one VPDPBUSD takes
// them against 64 u8 inputs shared by the block's 4 channels (asymmetric ternary: one more
// AND-NOT and VPDPBUSD for |t|).
#include <immintrin.h>

#include <algorithm>
#include <cstring>

#include "kernels/lowbit_gemv.h"

namespace trit::x86 {
namespace {

constexpr int kBlock = static_cast<int>(LowBitGemv::kBlock);

// acc += u8 x s8 dot products, in place: GCC 12 copies the accumulator around the intrinsic.
inline void DotAccumulate(__m512i& acc, __m512i x, __m512i w) {
  asm("vpdpbusd %2, %1, %0" : "+v"(acc) : "v"(x), "v"(w));
}

// The channels' sums of code * x over every chunk, `kParts` (8 / bits) groups of 64 codes per
// chunk; with kAbs also the sums of |t| * x (ternary codes t + 1: |t| = NOT u AND 1).
template <int kBits, bool kAbs>
inline void Accumulate(const uint8_t* codes, const uint8_t* x, int64_t chunks, __m512i (&acc)[4],
                       __m512i (&abs)[4]) {
  constexpr int kParts = 8 / kBits;
  const __m512i mask = _mm512_set1_epi8(static_cast<char>((1 << kBits) - 1));
  const __m512i one = _mm512_set1_epi8(1);
  __m512i acc0 = acc[0], acc1 = acc[1], acc2 = acc[2], acc3 = acc[3];
  __m512i abs0 = abs[0], abs1 = abs[1], abs2 = abs[2], abs3 = abs[3];
  for (int64_t chunk = 0; chunk < chunks; ++chunk, codes += 64 * kBlock, x += 64 * kParts) {
    const __m512i w0 = _mm512_load_si512(codes), w1 = _mm512_load_si512(codes + 64);
    const __m512i w2 = _mm512_load_si512(codes + 128), w3 = _mm512_load_si512(codes + 192);
    for (int part = 0; part < kParts; ++part) {
      const __m512i xv = _mm512_load_si512(x + 64 * part);
      const __m128i shift = _mm_cvtsi32_si128(kBits * part);
      const __m512i u0 = _mm512_and_si512(_mm512_srl_epi16(w0, shift), mask);
      const __m512i u1 = _mm512_and_si512(_mm512_srl_epi16(w1, shift), mask);
      const __m512i u2 = _mm512_and_si512(_mm512_srl_epi16(w2, shift), mask);
      const __m512i u3 = _mm512_and_si512(_mm512_srl_epi16(w3, shift), mask);
      DotAccumulate(acc0, xv, u0);
      DotAccumulate(acc1, xv, u1);
      DotAccumulate(acc2, xv, u2);
      DotAccumulate(acc3, xv, u3);
      if constexpr (kAbs) {
        DotAccumulate(abs0, xv, _mm512_andnot_si512(u0, one));
        DotAccumulate(abs1, xv, _mm512_andnot_si512(u1, one));
        DotAccumulate(abs2, xv, _mm512_andnot_si512(u2, one));
        DotAccumulate(abs3, xv, _mm512_andnot_si512(u3, one));
      }
    }
  }
  acc[0] = acc0, acc[1] = acc1, acc[2] = acc2, acc[3] = acc3;
  abs[0] = abs0, abs[1] = abs1, abs[2] = abs2, abs[3] = abs3;
}

}  // namespace

void LowBitGemvAvx512(const LowBitGemv& gemv, const uint8_t* prepared, int64_t block_begin,
                      int64_t block_end, uint8_t* output) {
  static_assert(kBlock == 4, "four accumulators");
  int64_t input_sum;
  std::memcpy(&input_sum, prepared + gemv.chunks() * gemv.chunk_weights(), sizeof(input_sum));
  for (int64_t block = block_begin; block < block_end; ++block) {
    __m512i acc[kBlock], abs[kBlock];
    for (int j = 0; j < kBlock; ++j) acc[j] = abs[j] = _mm512_setzero_si512();
    const uint8_t* codes = gemv.block_codes(block);
    if (gemv.bits() == 4) {
      Accumulate<4, false>(codes, prepared, gemv.chunks(), acc, abs);
    } else if (gemv.asymmetric()) {
      Accumulate<2, true>(codes, prepared, gemv.chunks(), acc, abs);
    } else {
      Accumulate<2, false>(codes, prepared, gemv.chunks(), acc, abs);
    }
    // u8 x u8 code sums: each below 2^32 (the load-time accumulator bound), exact as uint32.
    int64_t codes_x[kBlock], abs_x[kBlock];
    for (int j = 0; j < kBlock; ++j) {
      codes_x[j] = static_cast<uint32_t>(_mm512_reduce_add_epi32(acc[j]));
      abs_x[j] = static_cast<uint32_t>(_mm512_reduce_add_epi32(abs[j]));
    }
    gemv.Finish(block, codes_x, abs_x, input_sum, output);
  }
}

}  // namespace trit::x86
