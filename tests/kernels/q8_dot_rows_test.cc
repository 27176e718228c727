// The packed x86 int8 rows of the structured products against the scalar reference
// (ref::DotRowsQ8), bit for bit, on random shapes (column tails, row tails, batches) and on the
// extreme levels.
#include "kernels/x86/q8_dot_rows.h"

#include <gtest/gtest.h>

#include <random>
#include <vector>

#include "kernels/isa.h"
#include "kernels/ref/structured_matrix_q8.h"

namespace trit {
namespace {

TEST(PackedQ8Rows, EqualTheReferenceBitForBit) {
  std::vector<Isa> isas;
  if (DetectedIsa() == Isa::kAvx2 || DetectedIsa() == Isa::kAvx512) isas.push_back(Isa::kAvx2);
  if (DetectedIsa() == Isa::kAvx512) isas.push_back(Isa::kAvx512);
  if (isas.empty()) GTEST_SKIP() << "no AVX2 on this machine";
  const uint32_t seed = std::random_device{}();
  std::mt19937 rng(seed);
  std::uniform_int_distribution<int> level(-127, 127);
  for (int trial = 0; trial < 300; ++trial) {
    const int64_t rows = 1 + static_cast<int64_t>(rng() % 70);
    const int64_t cols = 1 + static_cast<int64_t>(rng() % 300);
    const int64_t batch = 1 + static_cast<int64_t>(rng() % 4);
    const bool extreme = trial % 10 == 0;  // every level +-127: the largest sums
    std::vector<int8_t> w(static_cast<size_t>(rows * cols)), q(static_cast<size_t>(batch * cols));
    for (int8_t& v : w) v = static_cast<int8_t>(extreme ? (rng() % 2 ? 127 : -127) : level(rng));
    for (int8_t& v : q) v = static_cast<int8_t>(extreme ? 127 : level(rng));
    std::vector<int32_t> want(static_cast<size_t>(batch * rows));
    ref::DotRowsQ8(w.data(), rows, cols, batch, q.data(), want.data());
    for (const Isa isa : isas) {
      const x86::PackedQ8Rows packed(isa, w.data(), rows, cols);
      std::vector<int32_t> got(want.size(), -1);
      packed.Run(q.data(), batch, got.data());
      ASSERT_EQ(got, want) << IsaName(isa) << " " << rows << "x" << cols << " batch " << batch
                           << " seed " << seed;
    }
  }
}

}  // namespace
}  // namespace trit
