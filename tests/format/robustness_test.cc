// Hostile input: truncated files, flipped bytes, and flipped bytes with a repaired checksum
// (which reach the verifier and the semantic checks). Every load must either fail with a
// trit::Error or give a graph that validates: never a crash (CI runs this under ASan+UBSan).
#include <gtest/gtest.h>

#include <cstring>
#include <random>

#include "core/error.h"
#include "format/crc32.h"
#include "format/file_header.h"
#include "format/model_file.h"
#include "zoo/zoo.h"

namespace trit::format {
namespace {

std::vector<uint8_t> RealModel() { return SerializeModel(zoo::BuildLeNet5(11)); }

void RepairChecksum(std::vector<uint8_t>& file) {
  if (file.size() < kHeaderBytes) return;
  uint32_t crc = Crc32(0, file.data(), kCrcFieldOffset);
  crc = Crc32(crc, file.data() + kCrcFieldOffset + 4, file.size() - kCrcFieldOffset - 4);
  std::memcpy(file.data() + kCrcFieldOffset, &crc, sizeof(crc));
}

// Returns true when the load failed cleanly, false when it succeeded with a valid graph.
bool LoadFailsCleanly(const std::vector<uint8_t>& file) {
  try {
    const ModelFile model = ReadModelBytes(file.data(), file.size(), nullptr, "fuzz");
    model.graph.Validate();
    return false;
  } catch (const Error&) {
    return true;
  }
}

TEST(Robustness, EveryTruncationFails) {
  const std::vector<uint8_t> file = RealModel();
  std::vector<size_t> lengths;
  for (size_t n = 0; n < 256 && n < file.size(); ++n) lengths.push_back(n);
  for (size_t n = 256; n < file.size(); n += 97) lengths.push_back(n);
  lengths.push_back(file.size() - 1);
  for (const size_t n : lengths) {
    const std::vector<uint8_t> prefix(file.begin(), file.begin() + static_cast<std::ptrdiff_t>(n));
    EXPECT_TRUE(LoadFailsCleanly(prefix)) << "truncated at " << n;
  }
}

TEST(Robustness, EveryFlippedByteFails) {
  const std::vector<uint8_t> file = RealModel();
  const uint64_t seed = 1234;
  std::mt19937_64 rng(seed);
  for (int trial = 0; trial < 1500; ++trial) {
    std::vector<uint8_t> bad = file;
    const size_t at = rng() % bad.size();
    bad[at] ^= static_cast<uint8_t>(1 + rng() % 255);
    EXPECT_TRUE(LoadFailsCleanly(bad)) << "flip at " << at << " seed " << seed;
  }
}

TEST(Robustness, FlipsBehindARepairedChecksumNeverCrash) {
  const std::vector<uint8_t> file = RealModel();
  const uint64_t seed = 99;
  std::mt19937_64 rng(seed);
  // Aim at the header and the FlatBuffer, where the structure lives.
  const size_t structured = std::min<size_t>(file.size(), 4096);
  int clean_failures = 0;
  for (int trial = 0; trial < 1500; ++trial) {
    std::vector<uint8_t> bad = file;
    const int flips = 1 + static_cast<int>(rng() % 3);
    for (int f = 0; f < flips; ++f) {
      bad[rng() % structured] ^= static_cast<uint8_t>(1 + rng() % 255);
    }
    RepairChecksum(bad);
    clean_failures += LoadFailsCleanly(bad) ? 1 : 0;  // must return, either way
  }
  EXPECT_GT(clean_failures, 0) << "seed " << seed;
}

}  // namespace
}  // namespace trit::format
