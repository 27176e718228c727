// The Kronecker product computed mode by mode equals the product with the materialized matrix,
// for random factor counts, shapes (1 included) and batches; the planned order is the cheapest.
#include "kernels/ref/kronecker.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <numeric>
#include <random>

namespace trit {
namespace {

TEST(Kronecker, ProductEqualsMaterializedMatrix) {
  const uint32_t seed = std::random_device{}();
  std::mt19937 rng(seed);
  std::uniform_real_distribution<float> value(-1.0f, 1.0f);
  for (int trial = 0; trial < 300; ++trial) {
    const int count = 1 + static_cast<int>(rng() % 4);
    std::vector<std::vector<float>> storage(static_cast<size_t>(count));
    std::vector<ref::KroneckerFactor> factors;
    for (int k = 0; k < count; ++k) {
      ref::KroneckerFactor f;
      f.rows = 1 + static_cast<int64_t>(rng() % 5);
      f.cols = 1 + static_cast<int64_t>(rng() % 5);
      auto& data = storage[static_cast<size_t>(k)];
      data.resize(static_cast<size_t>(f.rows * f.cols));
      for (float& v : data) v = value(rng);
      f.data = data.data();
      factors.push_back(f);
    }
    const int64_t batch = 1 + static_cast<int64_t>(rng() % 3);
    const std::vector<float> m = ref::MaterializeKronecker(factors);
    int64_t rows = 1, cols = 1;
    for (const auto& f : factors) {
      rows *= f.rows;
      cols *= f.cols;
    }
    std::vector<float> x(static_cast<size_t>(batch * cols));
    for (float& v : x) v = value(rng);
    const ref::KroneckerPlan plan = ref::PlanKronecker(factors, batch);
    std::vector<float> scratch(static_cast<size_t>(plan.scratch_floats));
    std::vector<float> y(static_cast<size_t>(batch * rows));
    ref::KroneckerMatmulF32(factors, plan, batch, x.data(), y.data(), scratch.data());
    for (int64_t b = 0; b < batch; ++b) {
      for (int64_t r = 0; r < rows; ++r) {
        double want = 0, magnitude = 0;
        for (int64_t c = 0; c < cols; ++c) {
          const double term = static_cast<double>(m[static_cast<size_t>(r * cols + c)]) *
                              x[static_cast<size_t>(b * cols + c)];
          want += term;
          magnitude += std::fabs(term);
        }
        ASSERT_NEAR(y[static_cast<size_t>(b * rows + r)], want, 1e-5 * (1 + magnitude))
            << "seed " << seed << " trial " << trial;
      }
    }
    // The plan's count is the smallest over every order, each counted here from its definition:
    // factor k applied to a tensor of `total` values costs total / n_k * m_k * n_k.
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
    EXPECT_EQ(plan.macs, cheapest) << "seed " << seed;
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
