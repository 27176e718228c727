// The classes of one row of logits, best first, for top-1 / top-5 accuracy.
#pragma once

#include <algorithm>
#include <cstdint>
#include <numeric>
#include <vector>

namespace trit::cli {

// The `k` best classes of `logits[0, classes)`. Ties (quantized logits can tie) go to the lower
// class, as torch.argmax does, so the trainer's accuracy and ours count the same images.
inline std::vector<int64_t> RankClasses(const float* logits, int64_t classes, int64_t k) {
  std::vector<int64_t> order(static_cast<size_t>(classes));
  std::iota(order.begin(), order.end(), 0);
  k = std::min(k, classes);
  std::partial_sort(order.begin(), order.begin() + k, order.end(), [&](int64_t a, int64_t b) {
    return logits[a] > logits[b] || (logits[a] == logits[b] && a < b);
  });
  order.resize(static_cast<size_t>(k));
  return order;
}

}  // namespace trit::cli
