#include "kernels/cortex_m/q8_depthwise.h"

namespace trit::cortex_m {

void RepackDepthwiseWeights(const ref::ConvGeometry& g, const ref::QuantWeights& weights,
                            int stride, int8_t* levels) {
  const int taps = g.kernel_h * g.kernel_w;
  for (int c = 0; c < g.in_c; ++c) {
    for (int t = 0; t < taps; ++t) {
      levels[t * stride + c] =
          static_cast<int8_t>(ref::WeightLevel(weights, static_cast<int64_t>(c) * taps + t, c));
    }
  }
}

}  // namespace trit::cortex_m
