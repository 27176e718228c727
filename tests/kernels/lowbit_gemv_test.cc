// The low-bit GEMV's own guard: ternary codes hold one positive and one negative level per
// channel, and a layer with more is refused at construction (the GEMV table's predicate keeps
// such layers away; its random layers are in linear_kernels_test.cc).
#include "kernels/lowbit_gemv.h"

#include <gtest/gtest.h>

#include "core/error.h"

namespace trit {
namespace {

TEST(LowBitGemv, TernaryCodesRejectChannelsWithTwoPositiveLevels) {
  const int8_t levels[] = {3, 0, -2, 5};  // one channel: +3 and +5
  const int8_t ternary[] = {3, 0, -2, 3, -2, -2, 0, 0};
  EXPECT_FALSE(IsTernaryPerChannel(levels, 1, 4));
  EXPECT_TRUE(IsTernaryPerChannel(ternary, 2, 4));
  const Requant requant;
  GemvLayer layer;
  layer.n = 1;
  layer.depth = 4;
  layer.levels = levels;
  layer.requant = &requant;
  for (const Isa isa : {Isa::kAvx512, Isa::kNeonDot}) {
    EXPECT_THROW(LowBitGemv(isa, layer, LowBitGemv::Codes::kTernary), Error);
  }
}

}  // namespace
}  // namespace trit
