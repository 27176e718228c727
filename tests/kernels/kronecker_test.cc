// The Kronecker plan: for random factor counts, shapes (1 included) and batches, the planned
// order is the cheapest.
#include "kernels/ref/kronecker.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <numeric>

#include "kernel_tester.h"

namespace trit {
namespace {

// The plan's count is the smallest over every order, each counted here from its definition:
// factor k applied to a tensor of `total` values costs total / n_k * m_k * n_k. (The products
// themselves, of every table row, are in recurrent_kernels_test.cc.)
TEST(Kronecker, PlanIsTheCheapestOrder) {
  for (const uint64_t seed : test::Seeds(300)) {
    TRIT_SEED_SCOPE(seed);
    test::Rng rng(seed);
    const int count = rng.Int(1, 4);
    std::vector<ref::KroneckerFactor> factors;
    int64_t cols = 1;
    for (int k = 0; k < count; ++k) {
      factors.push_back({rng.Int(1, 5), rng.Int(1, 5), nullptr});
      cols *= factors.back().cols;
    }
    const int64_t batch = rng.Int(1, 3);
    const ref::KroneckerPlan plan = ref::PlanKronecker(factors, batch);
    std::vector<int> order(static_cast<size_t>(count));
    std::iota(order.begin(), order.end(), 0);
    int64_t cheapest = -1;
    do {
      int64_t total = batch * cols, macs = 0;
      for (const int k : order) {
        const auto& f = factors[static_cast<size_t>(k)];
        macs += total * f.rows;
        total = total / f.cols * f.rows;
      }
      cheapest = cheapest < 0 ? macs : std::min(cheapest, macs);
    } while (std::next_permutation(order.begin(), order.end()));
    EXPECT_EQ(plan.macs, cheapest);
  }
}

TEST(Kronecker, PlanPicksTheCheaperOrder) {
  // A: 1 x 8 (shrinks its mode), B: 8 x 8. Applying A first leaves 8 values for B.
  const std::vector<float> a(8, 1.0f), b(64, 1.0f);
  const std::vector<ref::KroneckerFactor> factors = {{1, 8, a.data()}, {8, 8, b.data()}};
  const ref::KroneckerPlan plan = ref::PlanKronecker(factors, 1);
  EXPECT_EQ(plan.order, (std::vector<int>{0, 1}));
  EXPECT_EQ(plan.macs, 64 + 64);  // 8x8 values: A takes 64 MACs to 8, B 8x8 = 64
}

}  // namespace
}  // namespace trit
