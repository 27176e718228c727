// The int4 / int2 GEMV's loop for AVX-512 VNNI (lowbit_gemv.h): per 64 weights of a channel,
// a shift (of the 64 loaded code bytes) and an AND make the codes bytes, and one VPDPBUSD takes
// them against 64 u8 inputs shared by the block's 4 channels.
#include <immintrin.h>

#include <algorithm>
#include <cstring>

#include "kernels/x86/lowbit_gemv.h"

namespace trit::x86 {
namespace {

constexpr int kBlock = static_cast<int>(LowBitGemv::kBlock);

// acc += u8 x s8 dot products, in place: GCC 12 copies the accumulator around the intrinsic.
inline void DotAccumulate(__m512i& acc, __m512i x, __m512i w) {
  asm("vpdpbusd %2, %1, %0" : "+v"(acc) : "v"(x), "v"(w));
}

// The channels' sums over every chunk, `kParts` (8 / bits) groups of 64 codes per chunk.
template <int kBits>
inline void Accumulate(const uint8_t* codes, const uint8_t* x, int64_t chunks, __m512i& acc0,
                       __m512i& acc1, __m512i& acc2, __m512i& acc3) {
  constexpr int kParts = 8 / kBits;
  const __m512i mask = _mm512_set1_epi8(static_cast<char>((1 << kBits) - 1));
  for (int64_t chunk = 0; chunk < chunks; ++chunk, codes += 64 * kBlock, x += 64 * kParts) {
    const __m512i w0 = _mm512_load_si512(codes), w1 = _mm512_load_si512(codes + 64);
    const __m512i w2 = _mm512_load_si512(codes + 128), w3 = _mm512_load_si512(codes + 192);
    for (int part = 0; part < kParts; ++part) {
      const __m512i xv = _mm512_load_si512(x + 64 * part);
      const __m128i shift = _mm_cvtsi32_si128(kBits * part);
      DotAccumulate(acc0, xv, _mm512_and_si512(_mm512_srl_epi16(w0, shift), mask));
      DotAccumulate(acc1, xv, _mm512_and_si512(_mm512_srl_epi16(w1, shift), mask));
      DotAccumulate(acc2, xv, _mm512_and_si512(_mm512_srl_epi16(w2, shift), mask));
      DotAccumulate(acc3, xv, _mm512_and_si512(_mm512_srl_epi16(w3, shift), mask));
    }
  }
}

}  // namespace

void LowBitGemv::Compute(const uint8_t* prepared, void* output, int64_t block_begin,
                         int64_t block_end) const {
  static_assert(kBlock == 4, "four accumulators");
  auto* out = static_cast<uint8_t*>(output);
  uint32_t input_sum;
  std::memcpy(&input_sum, prepared + chunks_ * chunk_weights_, sizeof(input_sum));
  // sum(level * x) = sum(code * x) - code_offset * sum(x), modulo 2^32 like the rest.
  const uint32_t correction = static_cast<uint32_t>(code_offset_) * input_sum;
  for (int64_t block = block_begin; block < block_end; ++block) {
    __m512i acc0 = _mm512_setzero_si512(), acc1 = acc0, acc2 = acc0, acc3 = acc0;
    const uint8_t* codes = codes_.data() + block * chunks_ * kBlock * 64;
    if (bits_ == 4) {
      Accumulate<4>(codes, prepared, chunks_, acc0, acc1, acc2, acc3);
    } else {
      Accumulate<2>(codes, prepared, chunks_, acc0, acc1, acc2, acc3);
    }
    const __m512i sums[kBlock] = {acc0, acc1, acc2, acc3};
    const int64_t c0 = block * kBlock;
    const int64_t valid = std::min<int64_t>(kBlock, n_ - c0);
    for (int j = 0; j < valid; ++j) {
      const size_t c = static_cast<size_t>(c0 + j);
      const int32_t sum =
          static_cast<int32_t>(static_cast<uint32_t>(_mm512_reduce_add_epi32(sums[j])) -
                               correction + static_cast<uint32_t>(offset_[c]));
      const int32_t y = Clamp(output_zero_point_ + Requantize(sum, requant_[c]), lo_, hi_);
      out[c] = static_cast<uint8_t>(y);
    }
  }
}

}  // namespace trit::x86
