// The low-bit GEMV's loop for AArch64 with the dot product (kernels/lowbit_gemv.h): per 16
// weights of a channel, a shift (of the 16 loaded code bytes) and an AND make the codes bytes,
// and one SDOT (vector form) takes them against 16 s8 inputs shared by the block's 4 channels
// (asymmetric ternary: one more BIC and SDOT for |t|). Per chunk of a 4-channel block: one LD1
// of the four channels' 64 code bytes, one input load per part, 2 (4-bit) or 4 (2-bit) parts.
#include <arm_neon.h>

#include <cstring>

#include "kernels/lowbit_gemv.h"

namespace trit::arm {
namespace {

constexpr int kBlock = static_cast<int>(LowBitGemv::kBlock);

// Part kPart of a chunk's code bytes: bits [kBits * kPart, kBits * (kPart + 1)) of each byte.
template <int kBits, int kPart>
inline uint8x16_t Codes(uint8x16_t bytes) {
  const uint8x16_t mask = vdupq_n_u8(static_cast<uint8_t>((1 << kBits) - 1));
  if constexpr (kPart == 0) {
    return vandq_u8(bytes, mask);
  } else if constexpr (kBits * (kPart + 1) == 8) {
    return vshrq_n_u8(bytes, kBits * kPart);  // the top bits: no mask needed
  } else {
    return vandq_u8(vshrq_n_u8(bytes, kBits * kPart), mask);
  }
}

template <int kBits, int kPart, bool kAbs>
inline void Part(const uint8x16x4_t& bytes, const int8_t* x, int32x4_t (&acc)[kBlock],
                 int32x4_t (&abs)[kBlock]) {
  const int8x16_t xv = vld1q_s8(x + 16 * kPart);
  const uint8x16_t one = vdupq_n_u8(1);
  for (int j = 0; j < kBlock; ++j) {
    const uint8x16_t u = Codes<kBits, kPart>(bytes.val[j]);
    acc[j] = vdotq_s32(acc[j], vreinterpretq_s8_u8(u), xv);
    if constexpr (kAbs) abs[j] = vdotq_s32(abs[j], vreinterpretq_s8_u8(vbicq_u8(one, u)), xv);
  }
}

template <int kBits, bool kAbs>
inline void Accumulate(const uint8_t* codes, const int8_t* x, int64_t chunks,
                       int32x4_t (&acc)[kBlock], int32x4_t (&abs)[kBlock]) {
  constexpr int kParts = 8 / kBits;
  for (int64_t chunk = 0; chunk < chunks; ++chunk, codes += 16 * kBlock, x += 16 * kParts) {
    const uint8x16x4_t bytes = vld1q_u8_x4(codes);
    Part<kBits, 0, kAbs>(bytes, x, acc, abs);
    Part<kBits, 1, kAbs>(bytes, x, acc, abs);
    if constexpr (kParts == 4) {
      Part<kBits, 2, kAbs>(bytes, x, acc, abs);
      Part<kBits, 3, kAbs>(bytes, x, acc, abs);
    }
  }
}

}  // namespace

void LowBitGemvNeonDot(const LowBitGemv& gemv, const uint8_t* prepared, int64_t block_begin,
                       int64_t block_end, uint8_t* output) {
  int64_t input_sum;
  std::memcpy(&input_sum, prepared + gemv.chunks() * gemv.chunk_weights(), sizeof(input_sum));
  const auto* x = reinterpret_cast<const int8_t*>(prepared);
  for (int64_t block = block_begin; block < block_end; ++block) {
    int32x4_t acc[kBlock], abs[kBlock];
    for (int j = 0; j < kBlock; ++j) acc[j] = abs[j] = vdupq_n_s32(0);
    const uint8_t* codes = gemv.block_codes(block);
    if (gemv.bits() == 4) {
      Accumulate<4, false>(codes, x, gemv.chunks(), acc, abs);
    } else if (gemv.asymmetric()) {
      Accumulate<2, true>(codes, x, gemv.chunks(), acc, abs);
    } else {
      Accumulate<2, false>(codes, x, gemv.chunks(), acc, abs);
    }
    // s8 inputs x u8 codes: each true sum fits in 32 bits (the load-time accumulator bound).
    int64_t codes_x[kBlock], abs_x[kBlock];
    for (int j = 0; j < kBlock; ++j) {
      codes_x[j] = vaddvq_s32(acc[j]);
      abs_x[j] = vaddvq_s32(abs[j]);
    }
    gemv.Finish(block, codes_x, abs_x, input_sum, output);
  }
}

}  // namespace trit::arm
