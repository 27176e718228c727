#include "kernels/ref/kronecker.h"

#include <algorithm>
#include <array>
#include <cstring>
#include <numeric>

namespace trit::ref {
namespace {

// Multiply-adds of applying the factors in `order` to `batch` vectors, and the largest
// intermediate tensor.
void Cost(const std::vector<KroneckerFactor>& factors, const std::vector<int>& order, int64_t batch,
          int64_t* macs, int64_t* largest) {
  int64_t total = batch;
  for (const auto& f : factors) total *= f.cols;
  *macs = 0;
  *largest = total;
  for (const int k : order) {
    const auto& f = factors[static_cast<size_t>(k)];
    *macs += total / f.cols * f.rows * f.cols;
    total = total / f.cols * f.rows;
    *largest = std::max(*largest, total);
  }
}

}  // namespace

KroneckerPlan PlanKronecker(const std::vector<KroneckerFactor>& factors, int64_t batch) {
  KroneckerPlan best;
  std::vector<int> order(factors.size());
  std::iota(order.begin(), order.end(), 0);
  bool first = true;
  do {
    int64_t macs = 0, largest = 0;
    Cost(factors, order, batch, &macs, &largest);
    if (first || macs < best.macs) {
      best.order = order;
      best.macs = macs;
      best.scratch_floats = 2 * largest;
      first = false;
    }
    // Beyond 6 factors the ascending order alone (F! orders would cost more than they save).
  } while (factors.size() <= 6 && std::next_permutation(order.begin(), order.end()));
  return best;
}

void KroneckerMatmulF32(const std::vector<KroneckerFactor>& factors, const KroneckerPlan& plan,
                        int64_t batch, const float* x, float* y, float* scratch) {
  const size_t count = factors.size();
  // Current extent of each mode: n_k until factor k is applied, m_k after (no allocation: this
  // runs inside inference).
  std::array<int64_t, kMaxKroneckerFactors> extent{};
  for (size_t k = 0; k < count; ++k) extent[k] = factors[k].cols;
  int64_t total = batch;
  for (const int64_t e : extent) total *= e;
  float* buffers[2] = {scratch, scratch + plan.scratch_floats / 2};
  const float* in = x;
  for (size_t step = 0; step < plan.order.size(); ++step) {
    const auto k = static_cast<size_t>(plan.order[step]);
    const KroneckerFactor& f = factors[k];
    int64_t outer = batch, inner = 1;
    for (size_t d = 0; d < k; ++d) outer *= extent[d];
    for (size_t d = k + 1; d < count; ++d) inner *= extent[d];
    const bool last = step + 1 == plan.order.size();
    float* out = last ? y : buffers[step % 2];
    // out[o, j, t] = sum_i A[j, i] in[o, i, t]
    for (int64_t o = 0; o < outer; ++o) {
      const float* src = in + o * f.cols * inner;
      float* dst = out + o * f.rows * inner;
      if (inner == 1) {  // the last mode: one dot product per output
        for (int64_t j = 0; j < f.rows; ++j) {
          const float* a = f.data + j * f.cols;
          float sum = 0.0f;
          for (int64_t i = 0; i < f.cols; ++i) sum += a[i] * src[i];
          dst[j] = sum;
        }
        continue;
      }
      for (int64_t j = 0; j < f.rows; ++j) {
        float* row = dst + j * inner;
        const float a0 = f.data[j * f.cols];
        for (int64_t t = 0; t < inner; ++t) row[t] = a0 * src[t];
        for (int64_t i = 1; i < f.cols; ++i) {
          const float a = f.data[j * f.cols + i];
          const float* col = src + i * inner;
          for (int64_t t = 0; t < inner; ++t) row[t] += a * col[t];
        }
      }
    }
    total = total / f.cols * f.rows;
    extent[k] = f.rows;
    in = out;
  }
  if (plan.order.empty()) std::memcpy(y, x, static_cast<size_t>(total) * sizeof(float));
}

std::vector<float> MaterializeKronecker(const std::vector<KroneckerFactor>& factors) {
  std::vector<float> m = {1.0f};
  int64_t rows = 1, cols = 1;
  for (const auto& f : factors) {
    std::vector<float> next(static_cast<size_t>(rows * f.rows * cols * f.cols));
    const int64_t next_cols = cols * f.cols;
    for (int64_t r = 0; r < rows; ++r) {
      for (int64_t c = 0; c < cols; ++c) {
        for (int64_t j = 0; j < f.rows; ++j) {
          for (int64_t i = 0; i < f.cols; ++i) {
            next[static_cast<size_t>((r * f.rows + j) * next_cols + c * f.cols + i)] =
                m[static_cast<size_t>(r * cols + c)] * f.data[j * f.cols + i];
          }
        }
      }
    }
    m = std::move(next);
    rows *= f.rows;
    cols = next_cols;
  }
  return m;
}

}  // namespace trit::ref
