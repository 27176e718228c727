// The packed ternary GEMV's loop for AVX-512 VNNI (t2_gemv.h).
#include <immintrin.h>

#include <algorithm>
#include <cstring>

#include "kernels/x86/t2_gemv.h"

namespace trit::x86 {
namespace {

constexpr int kBlock = static_cast<int>(T2Gemv::kBlock);

// acc += u8 x s8 dot products, in place: GCC 12 copies the accumulator around the intrinsic.
inline void DotAccumulate(__m512i& acc, __m512i x, __m512i w) {
  asm("vpdpbusd %2, %1, %0" : "+v"(acc) : "v"(x), "v"(w));
}

}  // namespace

// The 8 channels of a block written out one by one (not as arrays), so that GCC keeps the
// accumulators and the magnitudes in registers.
#define TRIT_CHANNELS(X) X(0) X(1) X(2) X(3) X(4) X(5) X(6) X(7)

void T2Gemv::Compute(const uint8_t* prepared, void* output, int64_t block_begin,
                     int64_t block_end) const {
  static_assert(kBlock == 8, "TRIT_CHANNELS lists 8 channels");
  auto* out = static_cast<uint8_t*>(output);
  for (int64_t block = block_begin; block < block_end; ++block) {
    const int64_t c0 = block * kBlock;
#define TRIT_SETUP(j)                                                         \
  const __m512i pos##j = _mm512_set1_epi8(pos_[static_cast<size_t>(c0 + j)]); \
  const __m512i neg##j = _mm512_set1_epi8(neg_[static_cast<size_t>(c0 + j)]); \
  __m512i acc##j = _mm512_setzero_si512();
    TRIT_CHANNELS(TRIT_SETUP)
#undef TRIT_SETUP
    const uint64_t* masks = masks_.data() + block * chunks_ * kBlock * 2;
    for (int64_t chunk = 0; chunk < chunks_; ++chunk) {
      const __m512i x = _mm512_load_si512(prepared + chunk * 64);
#define TRIT_STEP(j)                                                              \
  DotAccumulate(acc##j, x,                                                        \
                _mm512_mask_mov_epi8(_mm512_maskz_mov_epi8(masks[2 * j], pos##j), \
                                     masks[2 * j + 1], neg##j));
      TRIT_CHANNELS(TRIT_STEP)
#undef TRIT_STEP
      masks += kBlock * 2;
    }
    const __m512i sums[kBlock] = {acc0, acc1, acc2, acc3, acc4, acc5, acc6, acc7};
    const int64_t valid = std::min<int64_t>(kBlock, n_ - c0);
    for (int j = 0; j < valid; ++j) {
      const size_t c = static_cast<size_t>(c0 + j);
      const int32_t sum =
          static_cast<int32_t>(static_cast<uint32_t>(_mm512_reduce_add_epi32(sums[j])) +
                               static_cast<uint32_t>(offset_[c]));
      const int32_t y = Clamp(output_zero_point_ + Requantize(sum, requant_[c]), lo_, hi_);
      out[c] = static_cast<uint8_t>(y);
    }
  }
}

#undef TRIT_CHANNELS

}  // namespace trit::x86
