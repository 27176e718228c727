#include "kernels/requantize.h"

#include <gtest/gtest.h>

#include <cmath>

namespace trit {
namespace {

TEST(Requantize, MultiplierRepresentation) {
  for (double real : {1.0, 0.5, 0.75, 1e-3, 3.7e-6, 2.5, 0.999999}) {
    const Requant r = QuantizeMultiplier(real);
    EXPECT_GE(r.multiplier, 1 << 30) << real;
    const double back = r.multiplier / std::ldexp(1.0, r.shift);
    EXPECT_NEAR(back / real, 1.0, 1e-9) << real;
  }
}

TEST(Requantize, RoundsHalfUp) {
  const Requant half = QuantizeMultiplier(0.5);
  EXPECT_EQ(Requantize(3, half), 2);    // 1.5 -> 2
  EXPECT_EQ(Requantize(-3, half), -1);  // -1.5 -> -1 (ties toward +inf)
  EXPECT_EQ(Requantize(5, half), 3);    // 2.5 -> 3
  EXPECT_EQ(Requantize(-5, half), -2);  // -2.5 -> -2
  EXPECT_EQ(Requantize(4, half), 2);
}

TEST(Requantize, MatchesRealProductWithinHalfLevel) {
  uint64_t state = 7;
  for (int i = 0; i < 20000; ++i) {
    state = state * 6364136223846793005ull + 1442695040888963407ull;
    const int32_t acc = static_cast<int32_t>(state >> 40) - (1 << 23);
    const double real = std::ldexp(1.0 + static_cast<double>(state & 0xFFFF) / 65536.0,
                                   -static_cast<int>((state >> 16) % 20));
    const Requant r = QuantizeMultiplier(real);
    EXPECT_NEAR(Requantize(acc, r), acc * real, 0.5 + 1e-6 * std::abs(acc * real))
        << acc << " * " << real;
  }
}

TEST(Requantize, PowerOfTwoIsAShift) {
  // DeepChip mode: M = 2^-k must equal a rounding shift by k.
  for (int k = 1; k < 20; ++k) {
    const Requant r = QuantizeMultiplier(std::ldexp(1.0, -k));
    for (int32_t acc : {-1000001, -17, -1, 0, 1, 5, 12345, 99999999}) {
      EXPECT_EQ(Requantize(acc, r), RoundingShiftRight(acc, k)) << acc << " k " << k;
    }
  }
}

TEST(Requantize, InvalidMultiplierIsZero) {
  EXPECT_EQ(QuantizeMultiplier(0.0).multiplier, 0);
  EXPECT_EQ(QuantizeMultiplier(std::nan("")).multiplier, 0);
}

}  // namespace
}  // namespace trit
