#include "runtime/memory_planner.h"

#include <gtest/gtest.h>

#include <random>

namespace trit::runtime {
namespace {

void ExpectNoOverlap(const std::vector<TensorLifetime>& tensors, const MemoryPlan& plan,
                     const std::string& what) {
  ASSERT_EQ(plan.offsets.size(), tensors.size());
  for (size_t a = 0; a < tensors.size(); ++a) {
    EXPECT_EQ(plan.offsets[a] % 64, 0u) << what;
    EXPECT_LE(plan.offsets[a] + tensors[a].bytes, plan.arena_bytes) << what;
    for (size_t b = a + 1; b < tensors.size(); ++b) {
      const bool live_together = tensors[a].first_step <= tensors[b].last_step &&
                                 tensors[b].first_step <= tensors[a].last_step;
      const bool disjoint = plan.offsets[a] + tensors[a].bytes <= plan.offsets[b] ||
                            plan.offsets[b] + tensors[b].bytes <= plan.offsets[a];
      if (live_together && tensors[a].bytes && tensors[b].bytes) {
        EXPECT_TRUE(disjoint) << what << ": tensors " << a << " and " << b << " overlap";
      }
    }
  }
  EXPECT_GE(plan.arena_bytes, plan.lower_bound) << what;
}

TEST(MemoryPlanner, RandomLifetimesNeverOverlap) {
  for (uint64_t seed = 1; seed <= 200; ++seed) {
    std::mt19937_64 rng(seed);
    std::vector<TensorLifetime> tensors(1 + rng() % 40);
    for (auto& t : tensors) {
      t.first_step = static_cast<int>(rng() % 30);
      t.last_step = t.first_step + static_cast<int>(rng() % 8);
      t.bytes = rng() % 5000;
    }
    ExpectNoOverlap(tensors, PlanMemory(tensors), "seed " + std::to_string(seed));
  }
}

TEST(MemoryPlanner, ChainReachesTheLowerBound) {
  // x0 -> x1 -> ... : tensor i is written at step i and read at step i + 1.
  std::mt19937_64 rng(5);
  std::vector<TensorLifetime> tensors;
  for (int i = 0; i < 30; ++i) tensors.push_back({64 * (1 + rng() % 100), i, i + 1});
  const MemoryPlan plan = PlanMemory(tensors);
  ExpectNoOverlap(tensors, plan, "chain");
  EXPECT_EQ(plan.arena_bytes, plan.lower_bound);
}

TEST(MemoryPlanner, ResidualBlocksReachTheLowerBound) {
  // Each block: input x (live until the add), two convs, the add.
  std::vector<TensorLifetime> tensors;
  int step = 0;
  const size_t sizes[3] = {64 * 256, 64 * 128, 64 * 64};
  for (int block = 0; block < 9; ++block) {
    const size_t bytes = sizes[block / 3];
    const int start = step;
    tensors.push_back({bytes, start, start + 3});      // block input, read by the add
    tensors.push_back({bytes, start + 1, start + 2});  // conv 1 output
    tensors.push_back({bytes, start + 2, start + 3});  // conv 2 output
    step += 3;
  }
  tensors.push_back({64 * 64, step, step + 1});
  const MemoryPlan plan = PlanMemory(tensors);
  ExpectNoOverlap(tensors, plan, "residual");
  EXPECT_EQ(plan.arena_bytes, plan.lower_bound);
}

}  // namespace
}  // namespace trit::runtime
