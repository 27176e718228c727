// The reference Transpose, MatMul and ReduceMean against direct index arithmetic on random
// shapes (axes of extent 1, merged runs, every permutation rank up to 6, matrices across the
// 2-D path's tiles).
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <numeric>
#include <random>
#include <utility>
#include <vector>

#include "kernel_tester.h"
#include "kernels/ref/matmul.h"
#include "kernels/ref/reduce_mean.h"
#include "kernels/ref/structured_matrix_q8.h"
#include "kernels/ref/transpose.h"

namespace trit {
namespace {

std::vector<int64_t> Strides(const std::vector<int64_t>& shape) {
  std::vector<int64_t> stride(shape.size(), 1);
  for (size_t d = shape.size(); d-- > 1;) stride[d - 1] = stride[d] * shape[d];
  return stride;
}

// Coordinates of flat index i in `shape`.
std::vector<int64_t> Unflatten(int64_t i, const std::vector<int64_t>& shape) {
  std::vector<int64_t> at(shape.size());
  for (size_t d = shape.size(); d-- > 0;) {
    at[d] = i % shape[d];
    i /= shape[d];
  }
  return at;
}

TEST(ReferenceOps, TransposeMatchesIndexArithmetic) {
  for (const uint64_t seed : test::Seeds(400)) {
    TRIT_SEED_SCOPE(seed);
    test::Rng rng(seed);
    const int rank = rng.Int(1, 6);
    std::vector<int64_t> shape(static_cast<size_t>(rank));
    // Long axes as well as short ones.
    for (auto& e : shape) e = rank <= 3 && rng.Bool() ? rng.Int(1, 70) : rng.Int(1, 5);
    std::vector<int64_t> perm(static_cast<size_t>(rank));
    std::iota(perm.begin(), perm.end(), 0);
    std::shuffle(perm.begin(), perm.end(), rng.engine());
    const int64_t count =
        std::accumulate(shape.begin(), shape.end(), int64_t{1}, std::multiplies<int64_t>());
    std::vector<int32_t> in(static_cast<size_t>(count));
    std::iota(in.begin(), in.end(), 0);
    std::vector<int32_t> got(in.size()), want(in.size());
    std::vector<int64_t> out_shape(static_cast<size_t>(rank));
    for (int d = 0; d < rank; ++d)
      out_shape[static_cast<size_t>(d)] = shape[static_cast<size_t>(perm[d])];
    const auto in_stride = Strides(shape);
    for (int64_t i = 0; i < count; ++i) {
      const auto at = Unflatten(i, out_shape);
      int64_t from = 0;
      for (int d = 0; d < rank; ++d)
        from += at[static_cast<size_t>(d)] * in_stride[static_cast<size_t>(perm[d])];
      want[static_cast<size_t>(i)] = in[static_cast<size_t>(from)];
    }
    ref::Transpose(in.data(), shape.data(), perm.data(), rank, 4, got.data());
    ASSERT_EQ(got, want);
    // Bytes: the same permutation of the low byte.
    std::vector<uint8_t> in8(in.size()), got8(in.size());
    for (size_t i = 0; i < in.size(); ++i) in8[i] = static_cast<uint8_t>(in[i]);
    ref::Transpose(in8.data(), shape.data(), perm.data(), rank, 1, got8.data());
    for (size_t i = 0; i < in.size(); ++i) {
      ASSERT_EQ(got8[i], static_cast<uint8_t>(want[i]));
    }
  }
}

TEST(ReferenceOps, MatMulBroadcastsBatches) {
  // [2,1,2,3] x [3,3,2] -> [2,3,2,2]: A's batch broadcast along B's.
  std::vector<float> a(2 * 2 * 3), b(3 * 3 * 2);
  std::iota(a.begin(), a.end(), 1.0f);
  std::iota(b.begin(), b.end(), -5.0f);
  std::vector<int64_t> batch_a, batch_b;
  for (int64_t i = 0; i < 2; ++i) {
    for (int64_t j = 0; j < 3; ++j) {
      batch_a.push_back(i);
      batch_b.push_back(j);
    }
  }
  std::vector<float> out(6 * 4);
  ref::MatMulF32(a.data(), b.data(), 6, batch_a.data(), batch_b.data(), 2, 3, 2, out.data());
  for (int64_t batch = 0; batch < 6; ++batch) {
    for (int64_t i = 0; i < 2; ++i) {
      for (int64_t j = 0; j < 2; ++j) {
        float sum = 0;
        for (int64_t p = 0; p < 3; ++p) {
          sum += a[static_cast<size_t>(batch_a[batch] * 6 + i * 3 + p)] *
                 b[static_cast<size_t>(batch_b[batch] * 6 + p * 2 + j)];
        }
        EXPECT_EQ(out[static_cast<size_t>(batch * 4 + i * 2 + j)], sum);
      }
    }
  }
}

TEST(ReferenceOps, ReduceMeanOverAnyAxes) {
  const std::vector<int64_t> shape = {2, 3, 4, 5};
  std::vector<float> x(120);
  std::iota(x.begin(), x.end(), 0.0f);
  for (int mask = 1; mask < 16; ++mask) {
    bool reduced[4];
    std::vector<int64_t> out_shape;
    for (int d = 0; d < 4; ++d) {
      reduced[d] = (mask >> d) & 1;
      if (!reduced[d]) out_shape.push_back(shape[static_cast<size_t>(d)]);
    }
    const int64_t out_count =
        std::accumulate(out_shape.begin(), out_shape.end(), int64_t{1}, std::multiplies<int64_t>());
    std::vector<double> sum(static_cast<size_t>(out_count), 0.0);
    for (int64_t i = 0; i < 120; ++i) {
      const auto at = Unflatten(i, shape);
      int64_t o = 0;
      for (int d = 0; d < 4; ++d) {
        if (!reduced[d]) o = o * shape[static_cast<size_t>(d)] + at[static_cast<size_t>(d)];
      }
      sum[static_cast<size_t>(o)] += x[static_cast<size_t>(i)];
    }
    std::vector<float> got(static_cast<size_t>(out_count));
    ref::ReduceMeanF32(x.data(), shape.data(), reduced, 4, got.data());
    for (int64_t o = 0; o < out_count; ++o) {
      EXPECT_FLOAT_EQ(got[static_cast<size_t>(o)],
                      static_cast<float>(sum[static_cast<size_t>(o)] * out_count / 120.0))
          << "mask " << mask;
    }
  }
}

// The recurrent int8 products quantize each input vector symmetrically: clamp(round(v / scale))
// with scale = max|v| / 127 and std::round's halves away from zero, which the kernel spells out
// without the libm call. Exact halves of every level, their neighbours and random values.
TEST(QuantizeVectorQ8, EqualsClampedStdRound) {
  for (const uint64_t trial : test::Seeds(200)) {
    TRIT_SEED_SCOPE(trial);
    test::Rng rng(trial);
    std::vector<float> v(static_cast<size_t>(rng.Int(1, 300)));
    for (float& e : v) e = static_cast<float>(rng.Real(-1.98, 1.98));
    const float largest = 127.0f / 64;  // scale 1/64: (k + 0.5) / 64 is an exact half
    v[0] = trial % 2 ? largest : -largest;
    for (size_t i = 1; i < v.size(); ++i) {
      if (trial % 3 != 0) continue;
      const float half = (static_cast<float>(rng.Int(-127, 127)) + 0.5f) / 64;
      v[i] = trial % 2 ? half : std::nextafter(half, rng.Bool() ? 10.0f : -10.0f);
    }
    std::vector<int8_t> q(v.size());
    const auto count = static_cast<int64_t>(v.size());
    const float scale = ref::QuantizeVectorQ8(v.data(), count, q.data());
    for (size_t i = 0; i < v.size(); ++i) {
      const float want = std::clamp(std::round(v[i] / scale), -127.0f, 127.0f);
      ASSERT_EQ(q[i], static_cast<int8_t>(want)) << v[i] << " / " << scale << " trial " << trial;
    }
  }
}

}  // namespace
}  // namespace trit
