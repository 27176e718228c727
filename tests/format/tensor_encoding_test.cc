// Every storage encoding round-trips every type it applies to; damaged streams give a kFormat
// error or a tensor of the right size, never a crash.
#include "format/tensor_encoding.h"

#include <gtest/gtest.h>

#include <random>

#include "core/bitpack.h"
#include "core/error.h"

namespace trit::format {
namespace {

// Random plain bytes of `type` where a fraction `sparsity` of the elements are zero.
std::vector<uint8_t> RandomPlain(DType type, int64_t count, double sparsity, uint32_t seed) {
  std::mt19937 rng(seed);
  std::uniform_real_distribution<double> u(0.0, 1.0);
  std::vector<uint8_t> plain(StorageBytes(type, count), 0);
  for (int64_t i = 0; i < count; ++i) {
    const bool zero = u(rng) < sparsity && type != DType::kBinary;
    if (IsPacked(type)) {
      int32_t level = 0;
      if (!zero) {
        do {
          level =
              MinLevel(type) + static_cast<int32_t>(rng() % (MaxLevel(type) - MinLevel(type) + 1));
        } while (level == 0 && type != DType::kBinary);
      }
      const int bits = BitsPerElement(type);
      plain[static_cast<size_t>(i * bits / 8)] |=
          static_cast<uint8_t>(LevelCode(type, level) << ((i * bits) % 8));
    } else {
      const size_t width = BitsPerElement(type) / 8;
      for (size_t b = 0; b < width; ++b) {
        plain[static_cast<size_t>(i) * width + b] = zero ? 0 : static_cast<uint8_t>(rng() | 1);
      }
    }
  }
  return plain;
}

const DType kTypes[] = {DType::kF32, DType::kI32, DType::kI8,      DType::kU8,
                        DType::kI4,  DType::kI2,  DType::kTernary, DType::kBinary};
const Encoding kEncodings[] = {Encoding::kSparseBitmap, Encoding::kSparseDelta, Encoding::kEntropy};

bool Applies(Encoding e, DType t) {
  if (e == Encoding::kEntropy) return BitsPerElement(t) <= 8;
  return t != DType::kBinary;
}

// One non-zero element at every position: the bitmap sets exactly its mask bit, the delta
// stream records exactly one non-zero, and every encoding gives back the same plain bytes.
TEST(TensorEncoding, OneHotAtEveryPosition) {
  constexpr int64_t kCount = 37;
  for (const DType type : kTypes) {
    if (type == DType::kBinary) continue;  // no zero to stand out from
    const int bits = BitsPerElement(type);
    for (int64_t position = 0; position < kCount; ++position) {
      std::vector<uint8_t> plain(StorageBytes(type, kCount), 0);
      if (IsPacked(type)) {
        plain[static_cast<size_t>(position * bits / 8)] |=
            static_cast<uint8_t>(LevelCode(type, -1) << ((position * bits) % 8));
      } else {
        plain[static_cast<size_t>(position * bits / 8)] = 0x81;
      }
      const std::vector<uint8_t> bitmap =
          EncodeTensor(Encoding::kSparseBitmap, type, kCount, plain);
      for (int64_t i = 0; i < kCount; ++i) {
        ASSERT_EQ((bitmap[static_cast<size_t>(i / 8)] >> (i % 8)) & 1, i == position ? 1 : 0)
            << DTypeName(type) << " at " << position << ", mask bit " << i;
      }
      const std::vector<uint8_t> delta = EncodeTensor(Encoding::kSparseDelta, type, kCount, plain);
      ASSERT_GE(delta.size(), 5u);
      EXPECT_EQ(delta[1] | delta[2] << 8 | delta[3] << 16 | delta[4] << 24, 1);
      for (const Encoding e : kEncodings) {
        if (!Applies(e, type)) continue;
        const std::vector<uint8_t> stored = EncodeTensor(e, type, kCount, plain);
        ASSERT_EQ(DecodeTensor(e, type, kCount, stored), plain)
            << DTypeName(type) << " at " << position << " encoding " << static_cast<int>(e);
      }
    }
  }
}

TEST(TensorEncoding, EveryEncodingRoundTripsEveryType) {
  uint32_t seed = 1;
  for (const DType type : kTypes) {
    for (const int64_t count :
         {int64_t{0}, int64_t{1}, int64_t{7}, int64_t{64}, int64_t{1001}, int64_t{40000}}) {
      for (const double sparsity : {0.0, 0.5, 0.9, 0.999, 1.0}) {
        const std::vector<uint8_t> plain = RandomPlain(type, count, sparsity, ++seed);
        for (const Encoding e : kEncodings) {
          SCOPED_TRACE(std::string(DTypeName(type)) + " " + EncodingName(e) + " count " +
                       std::to_string(count) + " sparsity " + std::to_string(sparsity) + " seed " +
                       std::to_string(seed));
          if (!Applies(e, type)) {
            EXPECT_THROW(EncodeTensor(e, type, count, plain), Error);
            continue;
          }
          const std::vector<uint8_t> stored = EncodeTensor(e, type, count, plain);
          EXPECT_EQ(DecodeTensor(e, type, count, stored), plain);
        }
        uint64_t bytes = 0;
        const Encoding best = SmallestEncoding(type, count, plain, &bytes);
        EXPECT_LE(bytes, plain.size());
        EXPECT_EQ(DecodeTensor(best, type, count, EncodeTensor(best, type, count, plain)), plain);
      }
    }
  }
}

TEST(TensorEncoding, SparseTernaryApproachesItsEntropy) {
  // 90% zeros, the rest +-1 evenly: H = 0.9 log2(1/0.9) + 0.1 (1 + log2(10)) = 0.569 bits.
  const int64_t count = 200000;
  const std::vector<uint8_t> plain = RandomPlain(DType::kTernary, count, 0.9, 7);
  uint64_t bytes = 0;
  EXPECT_EQ(SmallestEncoding(DType::kTernary, count, plain, &bytes), Encoding::kEntropy);
  const double bits_per_weight = 8.0 * static_cast<double>(bytes) / count;
  EXPECT_LT(bits_per_weight, 0.59);
  EXPECT_GT(bits_per_weight, 0.56);
  // The bitmap costs 1 bit per element plus 1 bit per non-zero (its sign).
  const auto bitmap = EncodeTensor(Encoding::kSparseBitmap, DType::kTernary, count, plain);
  EXPECT_NEAR(8.0 * static_cast<double>(bitmap.size()) / count, 1.1, 0.01);
}

TEST(TensorEncoding, DenseDataStaysPlain) {
  const std::vector<uint8_t> plain = RandomPlain(DType::kF32, 1000, 0.0, 3);
  EXPECT_EQ(SmallestEncoding(DType::kF32, 1000, plain), Encoding::kDense);
}

// Code 2 is no ternary level: every stream that decodes to it is refused, so the bytes a
// deferred decode produces need no second check.
TEST(TensorEncoding, AnInvalidTernaryCodeIsRefused) {
  const int64_t count = 1000;
  for (const int64_t at : {int64_t{0}, int64_t{517}, count - 1}) {
    std::vector<uint8_t> plain = RandomPlain(DType::kTernary, count, 0.5, 9);
    const int shift = static_cast<int>(at % 4) * 2;
    plain[static_cast<size_t>(at / 4)] =
        static_cast<uint8_t>((plain[static_cast<size_t>(at / 4)] & ~(3u << shift)) | (2u << shift));
    for (const Encoding e : {Encoding::kBitPacked, Encoding::kEntropy}) {
      const std::vector<uint8_t> stored = EncodeTensor(e, DType::kTernary, count, plain);
      try {
        DecodeTensor(e, DType::kTernary, count, stored);
        ADD_FAILURE() << EncodingName(e) << " decoded code 2 at " << at;
      } catch (const Error& error) {
        EXPECT_EQ(error.code(), ErrorCode::kFormat);
        EXPECT_NE(std::string(error.what()).find("invalid ternary code"), std::string::npos);
      }
    }
  }
}

TEST(TensorEncoding, DamagedStreamsFailCleanly) {
  std::mt19937 rng(11);
  for (const DType type : {DType::kI8, DType::kTernary, DType::kI4}) {
    const int64_t count = 3000;
    const std::vector<uint8_t> plain = RandomPlain(type, count, 0.8, 5);
    for (const Encoding e : kEncodings) {
      const std::vector<uint8_t> stored = EncodeTensor(e, type, count, plain);
      for (size_t cut = 0; cut < stored.size(); cut += 1 + stored.size() / 50) {
        const std::span<const uint8_t> truncated(stored.data(), cut);
        EXPECT_THROW(DecodeTensor(e, type, count, truncated), Error) << EncodingName(e) << cut;
      }
      std::vector<uint8_t> extra = stored;
      extra.push_back(0);
      EXPECT_THROW(DecodeTensor(e, type, count, extra), Error) << EncodingName(e);
      for (int trial = 0; trial < 300; ++trial) {
        std::vector<uint8_t> flipped = stored;
        flipped[rng() % flipped.size()] ^= static_cast<uint8_t>(1u << (rng() % 8));
        try {
          EXPECT_EQ(DecodeTensor(e, type, count, flipped).size(), plain.size());
        } catch (const Error& error) {
          EXPECT_EQ(error.code(), ErrorCode::kFormat);
        }
      }
    }
  }
}

}  // namespace
}  // namespace trit::format
