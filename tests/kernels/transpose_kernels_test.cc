// Every runnable row of the Transpose table (kernels/registry/transpose.h) against the reference
// on batches of matrices: row counts across the gathers' periods (every count up to 17: the
// offsets' pattern repeats every rows / gcd(rows, lanes) vectors) and column counts across the
// vector widths and the 32 x 32 tiles, so that the tails are hit; 4-byte and 1-byte elements.
#include <gtest/gtest.h>

#include <cstring>
#include <numeric>
#include <vector>

#include "kernel_tester.h"
#include "kernels/ref/transpose.h"
#include "kernels/registry/transpose.h"

namespace trit::test {
namespace {

TEST(TransposeKernels, EveryRowGivesTheReferencesBytes) {
  int checked = 0;
  for (const size_t element_bytes : {size_t{4}, size_t{1}}) {
    for (int64_t rows = 1; rows <= 17; ++rows) {
      for (const int64_t cols : {1, 3, 4, 7, 8, 15, 16, 17, 31, 33, 47, 65}) {
        const int64_t batch = 1 + (rows + cols) % 3;
        const size_t bytes = static_cast<size_t>(batch * rows * cols) * element_bytes;
        std::vector<uint8_t> input(bytes);
        std::iota(input.begin(), input.end(), uint8_t{7});
        if (element_bytes == 4) {
          // Distinct elements (an odd multiple of the index), so any misplaced one shows.
          for (size_t i = 0; i < bytes / 4; ++i) {
            const auto v = static_cast<uint32_t>(i * 2654435761u);
            std::memcpy(&input[i * 4], &v, 4);
          }
        }
        const int64_t shape[3] = {batch, rows, cols}, perm[3] = {0, 2, 1};
        std::vector<uint8_t> want(bytes);
        ref::Transpose(input.data(), shape, perm, 3, element_bytes, want.data());
        const TransposeProblem problem{rows, cols, element_bytes};
        checked += ForEachRunnableRow(TransposeKernels(), problem, [&](const auto& row) {
          std::vector<uint8_t> got(bytes, 0xEE);
          row.entry(batch, rows, cols, element_bytes, input.data(), got.data());
          ASSERT_EQ(got, want) << row.name << " batch " << batch << " rows " << rows << " cols "
                               << cols << " bytes " << element_bytes;
        });
      }
    }
  }
  EXPECT_GT(checked, 0);
}

}  // namespace
}  // namespace trit::test
