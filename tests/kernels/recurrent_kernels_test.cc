// Every row of the recurrent and structured-product tables (kernels/registry/recurrent.h) that
// this CPU runs, against definitions and the reference: the Kronecker product mode by mode
// against the materialized matrix, the stacked left factors against their sum, the int8 dense
// rows and left factors bit for bit against the scalar reference, the input quantizer's bytes
// and scale. Shapes across the row and column tails; extreme levels for the largest sums.
#include <gtest/gtest.h>

#include <cmath>
#include <vector>

#include "kernel_tester.h"
#include "kernels/ref/kronecker.h"
#include "kernels/ref/quantize_vector_q8.h"
#include "kernels/ref/structured_matrix_q8.h"
#include "kernels/registry/recurrent.h"

namespace trit::test {
namespace {

std::vector<float> RandomValues(Rng& rng, int64_t count) {
  std::vector<float> v(static_cast<size_t>(count));
  for (float& x : v) x = static_cast<float>(rng.Real(-1, 1));
  return v;
}

TEST(StructuredKernels, KroneckerProductEqualsTheMaterializedMatrix) {
  for (const uint64_t seed : Seeds(300)) {
    TRIT_SEED_SCOPE(seed);
    Rng rng(seed);
    const int count = rng.Int(1, 4);
    std::vector<std::vector<float>> storage;
    std::vector<ref::KroneckerFactor> factors;
    int64_t rows = 1, cols = 1;
    for (int k = 0; k < count; ++k) {
      ref::KroneckerFactor f;
      f.rows = rng.Int(1, 5);
      f.cols = rng.Int(1, 5);
      storage.push_back(RandomValues(rng, f.rows * f.cols));
      f.data = storage.back().data();
      factors.push_back(f);
      rows *= f.rows;
      cols *= f.cols;
    }
    const int64_t batch = rng.Int(1, 3);
    const std::vector<float> m = ref::MaterializeKronecker(factors);
    const std::vector<float> x = RandomValues(rng, batch * cols);
    const ref::KroneckerPlan plan = ref::PlanKronecker(factors, batch);
    ForEachRunnableRow(StructuredProductKernels(), RecurrentProblem{}, [&](const auto& row) {
      std::vector<float> scratch(static_cast<size_t>(plan.scratch_floats));
      std::vector<float> y(static_cast<size_t>(batch * rows));
      row.entry.kronecker(factors, plan, batch, x.data(), y.data(), scratch.data());
      for (int64_t b = 0; b < batch; ++b) {
        for (int64_t r = 0; r < rows; ++r) {
          double want = 0, magnitude = 0;
          for (int64_t c = 0; c < cols; ++c) {
            const double term = static_cast<double>(m[static_cast<size_t>(r * cols + c)]) *
                                x[static_cast<size_t>(b * cols + c)];
            want += term;
            magnitude += std::fabs(term);
          }
          ASSERT_NEAR(y[static_cast<size_t>(b * rows + r)], want, 1e-5 * (1 + magnitude));
        }
      }
    });
  }
}

// y[(b blocks + g) y_stride + i m2 + j] = sum_k A_g[i][k] t[b n1 + k][g m2 + j].
template <typename Weight, typename Value>
std::vector<double> LeftModeDefinition(const std::vector<const Weight*>& a, int64_t blocks,
                                       int64_t m1, int64_t n1, int64_t m2, int64_t batch,
                                       const std::vector<Value>& t, int64_t y_stride) {
  std::vector<double> y(static_cast<size_t>(batch * blocks * y_stride));
  for (int64_t b = 0; b < batch; ++b) {
    for (int64_t g = 0; g < blocks; ++g) {
      for (int64_t i = 0; i < m1; ++i) {
        for (int64_t j = 0; j < m2; ++j) {
          double sum = 0;
          for (int64_t k = 0; k < n1; ++k) {
            sum += static_cast<double>(a[static_cast<size_t>(g)][i * n1 + k]) *
                   static_cast<double>(
                       t[static_cast<size_t>((b * n1 + k) * blocks * m2 + g * m2 + j)]);
          }
          y[static_cast<size_t>((b * blocks + g) * y_stride + i * m2 + j)] = sum;
        }
      }
    }
  }
  return y;
}

TEST(StructuredKernels, LeftFactorsOfStackedBlocksEqualTheirSums) {
  for (const uint64_t seed : Seeds(120)) {
    TRIT_SEED_SCOPE(seed);
    Rng rng(seed);
    const int64_t blocks = rng.Int(1, 4), m1 = rng.Int(1, 9), n1 = rng.Int(1, 9);
    const int64_t m2 = rng.Pick(kTileEdges), batch = rng.Int(1, 3);
    const int64_t y_stride = m1 * m2 + rng.Int(0, 5);
    std::vector<std::vector<float>> a_f32;
    std::vector<std::vector<int8_t>> a_q8;
    std::vector<const float*> a_f32_ptr;
    std::vector<const int8_t*> a_q8_ptr;
    for (int64_t g = 0; g < blocks; ++g) {
      a_f32.push_back(RandomValues(rng, m1 * n1));
      std::vector<int8_t> q(static_cast<size_t>(m1 * n1));
      for (int8_t& v : q) v = static_cast<int8_t>(rng.Int(-127, 127));
      a_q8.push_back(std::move(q));
    }
    for (int64_t g = 0; g < blocks; ++g) {
      a_f32_ptr.push_back(a_f32[static_cast<size_t>(g)].data());
      a_q8_ptr.push_back(a_q8[static_cast<size_t>(g)].data());
    }
    const int64_t t_count = batch * n1 * blocks * m2;
    const std::vector<float> t_f32 = RandomValues(rng, t_count);
    std::vector<int32_t> t_q8(static_cast<size_t>(t_count));
    for (int32_t& v : t_q8) v = rng.Int(-127 * 127 * 100, 127 * 127 * 100);  // sums fit int32
    const std::vector<double> want_f32 =
        LeftModeDefinition(a_f32_ptr, blocks, m1, n1, m2, batch, t_f32, y_stride);
    const std::vector<double> want_q8 =
        LeftModeDefinition(a_q8_ptr, blocks, m1, n1, m2, batch, t_q8, y_stride);
    const int ran =
        ForEachRunnableRow(StructuredProductKernels(), RecurrentProblem{}, [&](const auto& row) {
          const size_t outputs = static_cast<size_t>(batch * blocks * y_stride);
          if (row.entry.left_mode) {
            std::vector<float> y(outputs, 0.0f);
            row.entry.left_mode(a_f32_ptr.data(), blocks, m1, n1, m2, batch, t_f32.data(), y.data(),
                                y_stride);
            for (size_t i = 0; i < outputs; ++i) {
              if (i % static_cast<size_t>(y_stride) >= static_cast<size_t>(m1 * m2)) continue;
              ASSERT_NEAR(y[i], want_f32[i], 1e-5 * (1 + static_cast<double>(n1))) << i;
            }
          }
          if (const ref::LeftModeQ8 left = row.entry.q8().left_mode_int32) {
            std::vector<int32_t> y(outputs, 0);
            left(a_q8_ptr.data(), blocks, m1, n1, m2, batch, t_q8.data(), y.data(), y_stride);
            for (size_t i = 0; i < outputs; ++i) {
              if (i % static_cast<size_t>(y_stride) >= static_cast<size_t>(m1 * m2)) continue;
              ASSERT_EQ(y[i], static_cast<int32_t>(want_q8[i])) << i;
            }
          }
        });
    EXPECT_GT(ran, 0);
  }
}

TEST(StructuredKernels, Q8DenseRowsEqualTheReferenceBitForBit) {
  for (const uint64_t seed : Seeds(300)) {
    TRIT_SEED_SCOPE(seed);
    Rng rng(seed);
    const int64_t rows = rng.Int(1, 70), cols = rng.Int(1, 300), batch = rng.Int(1, 4);
    const bool extreme = seed % 10 == 0;  // every level +-127: the largest sums
    std::vector<int8_t> w(static_cast<size_t>(rows * cols)), q(static_cast<size_t>(batch * cols));
    for (int8_t& v : w)
      v = static_cast<int8_t>(extreme ? (rng.Bool() ? 127 : -127) : rng.Int(-127, 127));
    for (int8_t& v : q) v = static_cast<int8_t>(extreme ? 127 : rng.Int(-127, 127));
    std::vector<int32_t> want(static_cast<size_t>(batch * rows));
    ref::DotRowsQ8(w.data(), rows, cols, batch, q.data(), want.data());
    const ref::QuantPartQ8 part{rows, cols, w.data(), nullptr, 0};
    ForEachRunnableRow(StructuredProductKernels(), RecurrentProblem{}, [&](const auto& row) {
      const ref::Q8Kernels kernels = row.entry.q8();
      if (!kernels.dense_rows) return;  // the reference loop itself
      const auto packed = kernels.dense_rows(part);
      ASSERT_NE(packed, nullptr);
      std::vector<int32_t> got(want.size(), -1);
      packed->Run(q.data(), batch, got.data());
      ASSERT_EQ(got, want) << rows << "x" << cols << " batch " << batch;
    });
  }
}

// Exact halves of every level and their neighbours, and random values: the same bytes and
// scale as the reference quantizer.
TEST(StructuredKernels, Q8InputQuantizerEqualsTheReference) {
  for (const uint64_t seed : Seeds(200)) {
    TRIT_SEED_SCOPE(seed);
    Rng rng(seed);
    std::vector<float> v(static_cast<size_t>(rng.Int(1, 300)));
    for (float& e : v) e = static_cast<float>(rng.Real(-1.98, 1.98));
    v[0] = seed % 2 ? 127.0f / 64 : -127.0f / 64;  // scale 1/64: (k + 0.5) / 64 is an exact half
    if (seed % 3 == 0) {
      for (size_t i = 1; i < v.size(); ++i) {
        const float half = (static_cast<float>(rng.Int(-127, 127)) + 0.5f) / 64;
        v[i] = seed % 2 ? half : std::nextafter(half, rng.Bool() ? 10.0f : -10.0f);
      }
    }
    const auto count = static_cast<int64_t>(v.size());
    std::vector<int8_t> want(v.size());
    const float scale = ref::QuantizeVectorQ8(v.data(), count, want.data());
    ForEachRunnableRow(StructuredProductKernels(), RecurrentProblem{}, [&](const auto& row) {
      const ref::QuantizeQ8 quantize = row.entry.q8().quantize;
      if (!quantize) return;
      std::vector<int8_t> got(v.size());
      EXPECT_EQ(quantize(v.data(), count, got.data()), scale);
      ASSERT_EQ(got, want);
    });
  }
}

}  // namespace
}  // namespace trit::test
