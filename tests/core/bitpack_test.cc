#include "core/bitpack.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <vector>

namespace trit {
namespace {

// Packs random levels of every low-bit type at odd counts and reads them back.
TEST(Bitpack, RoundTripEveryPackedType) {
  uint64_t state = 12345;
  auto next = [&] {
    state = state * 6364136223846793005ull + 1442695040888963407ull;
    return static_cast<uint32_t>(state >> 33);
  };
  for (DType type : {DType::kI4, DType::kI2, DType::kTernary, DType::kBinary}) {
    for (int64_t count : {1, 3, 7, 8, 9, 31, 33, 1000}) {
      std::vector<int8_t> levels(static_cast<size_t>(count));
      for (auto& level : levels) {
        const int32_t span = MaxLevel(type) - MinLevel(type) + 1;
        int32_t v = MinLevel(type) + static_cast<int32_t>(next() % static_cast<uint32_t>(span));
        if (type == DType::kBinary && v == 0) v = 1;
        level = static_cast<int8_t>(v);
      }
      std::vector<uint8_t> packed(StorageBytes(type, count), 0xFF);
      PackLevels(type, levels.data(), count, packed.data());
      std::vector<int8_t> back(static_cast<size_t>(count));
      UnpackLevels(type, packed.data(), count, back.data());
      EXPECT_EQ(back, levels) << DTypeName(type) << " count " << count;
    }
  }
}

TEST(Bitpack, DocumentedBitLayout) {
  // Ternary: element 0 in bits 0-1; +1 -> 01, -1 -> 11, 0 -> 00.
  const int8_t ternary[4] = {1, -1, 0, 1};
  uint8_t byte = 0;
  PackLevels(DType::kTernary, ternary, 4, &byte);
  EXPECT_EQ(byte, 0b01001101);
  // Binary: bit i is element i, 1 means +1.
  const int8_t binary[3] = {1, -1, 1};
  PackLevels(DType::kBinary, binary, 3, &byte);
  EXPECT_EQ(byte, 0b101);
  // int4: low nibble first, two's complement.
  const int8_t nibbles[2] = {-8, 7};
  PackLevels(DType::kI4, nibbles, 2, &byte);
  EXPECT_EQ(byte, 0x78);
  EXPECT_EQ(StorageBytes(DType::kI4, 3), 2u);
  EXPECT_EQ(StorageBytes(DType::kBinary, 9), 2u);
}

// One non-zero element at every position of a tensor that spans several bytes: exactly its
// `b` bits at [i*b, i*b + b) of the little-endian stream are set, every other bit is clear
// (binary: one +1 among -1s sets exactly bit i).
TEST(Bitpack, OneHotAtEveryPosition) {
  constexpr int64_t kCount = 19;
  for (const DType type : {DType::kI4, DType::kI2, DType::kTernary, DType::kBinary}) {
    const int bits = BitsPerElement(type);
    const int8_t background = type == DType::kBinary ? -1 : 0;
    for (int level = MinLevel(type); level <= MaxLevel(type); ++level) {
      if (level == background || (type == DType::kBinary && level == 0)) continue;
      const uint32_t code = LevelCode(type, level);
      for (int64_t position = 0; position < kCount; ++position) {
        std::vector<int8_t> levels(kCount, background);
        levels[static_cast<size_t>(position)] = static_cast<int8_t>(level);
        std::vector<uint8_t> packed(StorageBytes(type, kCount), 0xAA);
        PackLevels(type, levels.data(), kCount, packed.data());
        for (int64_t bit = 0; bit < static_cast<int64_t>(packed.size()) * 8; ++bit) {
          const bool set = (packed[static_cast<size_t>(bit / 8)] >> (bit % 8)) & 1;
          const int64_t offset = bit - position * bits;
          const bool expected =
              bit < kCount * bits && offset >= 0 && offset < bits && ((code >> offset) & 1u);
          ASSERT_EQ(set, expected)
              << DTypeName(type) << " level " << level << " at " << position << ", bit " << bit;
        }
        std::vector<int8_t> back(kCount);
        UnpackLevels(type, packed.data(), kCount, back.data());
        ASSERT_EQ(back, levels) << DTypeName(type) << " level " << level << " at " << position;
      }
    }
  }
}

}  // namespace
}  // namespace trit
