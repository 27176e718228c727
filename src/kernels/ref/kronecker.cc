#include "kernels/ref/kronecker.h"

#include <algorithm>
#include <numeric>

#include "kernels/ref/kronecker_modes.h"

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
  float* const buffers[2] = {scratch, scratch + plan.scratch_floats / 2};
  KroneckerModes<void>(factors.data(), factors.size(), plan, batch, x, y, buffers);
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
