// Shapes chosen for a target compression: within the budget, and for Kronecker products the
// highest rank the factor shapes allow before the most parameters.
#include "zoo/structured_shape.h"

#include <gtest/gtest.h>

#include <algorithm>

#include "core/error.h"

namespace trit::zoo {
namespace {

int64_t RankBound(const StructuredShape& s) {
  int64_t r = 1;
  for (const auto& [m, n] : s.factors) r *= std::min(m, n);
  return r;
}

TEST(StructuredShape, KroneckerKeepsFullRankWithinTheBudget) {
  // An LSTM gate's U (128 x 128) and W (128 x 28) at 20x: the largest factorization in the
  // budget would be 1x32 kron 128x4, of rank 4; full rank costs fewer parameters.
  for (const auto& [rows, cols] : {std::pair{128, 128}, std::pair{128, 28}, std::pair{64, 48}}) {
    for (const double compression : {4.0, 10.0, 20.0}) {
      const StructuredShape s =
          ChooseStructuredShape(MatrixStructure::kKronecker, rows, cols, compression);
      EXPECT_EQ(RankBound(s), std::min(rows, cols)) << rows << "x" << cols << " " << compression;
      EXPECT_LE(static_cast<double>(StructuredParameters(s, rows, cols)),
                static_cast<double>(rows * cols) / compression);
    }
  }
  const StructuredShape u = ChooseStructuredShape(MatrixStructure::kKronecker, 128, 128, 20.0);
  EXPECT_EQ(StructuredParameters(u, 128, 128), 8 * 8 + 16 * 16);
  // Within the rank, the budget is used: at 15x 4x4 kron 32x32 (1040 parameters) fits.
  EXPECT_EQ(StructuredParameters(ChooseStructuredShape(MatrixStructure::kKronecker, 128, 128, 15.0),
                                 128, 128),
            4 * 4 + 32 * 32);
}

TEST(StructuredShape, HybridAddsDenseRowsOnlyWithoutLosingRank) {
  const StructuredShape h = ChooseStructuredShape(MatrixStructure::kHybridKronecker, 128, 128, 4.0);
  EXPECT_GT(h.dense_rows, 0);
  EXPECT_EQ(std::min<int64_t>(128, h.dense_rows + RankBound(h)), 128);
  EXPECT_LE(StructuredParameters(h, 128, 128), 128 * 128 / 4);
  // More than the Kronecker product alone at the same compression.
  EXPECT_GT(StructuredParameters(h, 128, 128),
            StructuredParameters(ChooseStructuredShape(MatrixStructure::kKronecker, 128, 128, 4.0),
                                 128, 128));
}

TEST(StructuredShape, OtherStructuresFillTheirBudget) {
  const StructuredShape low = ChooseStructuredShape(MatrixStructure::kLowRank, 128, 64, 8.0);
  EXPECT_EQ(low.rank, 128 * 64 / 8 / (128 + 64));
  const StructuredShape hmd = ChooseStructuredShape(MatrixStructure::kHmd, 128, 64, 4.0, 2);
  EXPECT_LE(StructuredParameters(hmd, 128, 64), 128 * 64 / 4);
  EXPECT_EQ((128 - hmd.dense_rows) % 2, 0);
  EXPECT_THROW(ChooseStructuredShape(MatrixStructure::kKronecker, 7, 5, 100.0), Error);
  EXPECT_THROW(ChooseStructuredShape(MatrixStructure::kDense, 8, 8, 2.0), Error);
  EXPECT_THROW(ChooseStructuredShape(MatrixStructure::kLowRank, 8, 8, 0.5), Error);
}

}  // namespace
}  // namespace trit::zoo
