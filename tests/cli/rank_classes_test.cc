#include "rank_classes.h"

#include <gtest/gtest.h>

#include <random>

namespace trit::cli {
namespace {

TEST(RankClasses, BestFirstAndTiesToTheLowerClass) {
  const float logits[] = {0.5f, 2.0f, -1.0f, 2.0f, 0.5f, 3.0f};
  EXPECT_EQ(RankClasses(logits, 6, 5), (std::vector<int64_t>{5, 1, 3, 0, 4}));
  EXPECT_EQ(RankClasses(logits, 6, 1), (std::vector<int64_t>{5}));
  EXPECT_EQ(RankClasses(logits, 3, 5), (std::vector<int64_t>{1, 0, 2}));  // k > classes
}

// Quantized logits tie often; the first of the maxima wins, as torch.argmax picks it.
TEST(RankClasses, TopOneIsTheFirstMaximumOnRandomTies) {
  std::mt19937 rng(7);
  std::uniform_int_distribution<int> level(-2, 2);
  for (int trial = 0; trial < 1000; ++trial) {
    std::vector<float> logits(10);
    for (float& v : logits) v = static_cast<float>(level(rng));
    const int64_t first_max = std::max_element(logits.begin(), logits.end()) - logits.begin();
    ASSERT_EQ(RankClasses(logits.data(), 10, 5)[0], first_max) << "trial " << trial;
  }
}

}  // namespace
}  // namespace trit::cli
