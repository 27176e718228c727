#include "kernels/ref/pool.h"

#include <algorithm>
#include <limits>

namespace trit::ref {
namespace {

// Calls visit(n, oy, ox, y0, y1, x0, x1) with the in-bounds window [y0,y1) x [x0,x1) of every
// output position.
template <typename Visit>
void ForEachWindow(const ConvGeometry& g, Visit visit) {
  for (int n = 0; n < g.batch; ++n) {
    for (int oy = 0; oy < g.out_h; ++oy) {
      const int y_start = oy * g.stride_h - g.pad_top;
      const int y0 = std::max(y_start, 0);
      const int y1 = std::min(y_start + g.kernel_h, g.in_h);
      for (int ox = 0; ox < g.out_w; ++ox) {
        const int x_start = ox * g.stride_w - g.pad_left;
        const int x0 = std::max(x_start, 0);
        const int x1 = std::min(x_start + g.kernel_w, g.in_w);
        visit(n, oy, ox, y0, y1, x0, x1);
      }
    }
  }
}

int64_t InIndex(const ConvGeometry& g, int n, int y, int x) {
  return ((static_cast<int64_t>(n) * g.in_h + y) * g.in_w + x) * g.in_c;
}
int64_t OutIndex(const ConvGeometry& g, int n, int y, int x) {
  return ((static_cast<int64_t>(n) * g.out_h + y) * g.out_w + x) * g.out_c;
}

}  // namespace

void MaxPoolF32(const ConvGeometry& g, const float* input, float* output) {
  ForEachWindow(g, [&](int n, int oy, int ox, int y0, int y1, int x0, int x1) {
    for (int c = 0; c < g.in_c; ++c) {
      float best = -std::numeric_limits<float>::infinity();
      for (int y = y0; y < y1; ++y) {
        for (int x = x0; x < x1; ++x) best = std::max(best, input[InIndex(g, n, y, x) + c]);
      }
      output[OutIndex(g, n, oy, ox) + c] = best;
    }
  });
}

void AvgPoolF32(const ConvGeometry& g, bool count_include_pad, const float* input, float* output) {
  ForEachWindow(g, [&](int n, int oy, int ox, int y0, int y1, int x0, int x1) {
    const int count = count_include_pad ? g.kernel_h * g.kernel_w : (y1 - y0) * (x1 - x0);
    for (int c = 0; c < g.in_c; ++c) {
      float sum = 0.0f;
      for (int y = y0; y < y1; ++y) {
        for (int x = x0; x < x1; ++x) sum += input[InIndex(g, n, y, x) + c];
      }
      output[OutIndex(g, n, oy, ox) + c] = sum / static_cast<float>(count);
    }
  });
}

template <typename In, typename Out>
void MaxPoolQ8(const ConvGeometry& g, const In* input, int32_t input_zero_point,
               const Requant* rescale, int32_t output_zero_point, int32_t lo, int32_t hi,
               Out* output) {
  ForEachWindow(g, [&](int n, int oy, int ox, int y0, int y1, int x0, int x1) {
    for (int c = 0; c < g.in_c; ++c) {
      int32_t best = std::numeric_limits<int32_t>::min();
      for (int y = y0; y < y1; ++y) {
        for (int x = x0; x < x1; ++x) {
          best = std::max<int32_t>(best, input[InIndex(g, n, y, x) + c]);
        }
      }
      const int32_t value =
          rescale ? output_zero_point + Requantize(best - input_zero_point, *rescale) : best;
      output[OutIndex(g, n, oy, ox) + c] = static_cast<Out>(Clamp(value, lo, hi));
    }
  });
}

template <typename In, typename Out>
void AvgPoolQ8(const ConvGeometry& g, bool count_include_pad, const In* input,
               int32_t input_zero_point, const Requant* per_count, int32_t output_zero_point,
               int32_t lo, int32_t hi, Out* output) {
  ForEachWindow(g, [&](int n, int oy, int ox, int y0, int y1, int x0, int x1) {
    const int count = count_include_pad ? g.kernel_h * g.kernel_w : (y1 - y0) * (x1 - x0);
    for (int c = 0; c < g.in_c; ++c) {
      int32_t sum = 0;
      for (int y = y0; y < y1; ++y) {
        for (int x = x0; x < x1; ++x) {
          sum += static_cast<int32_t>(input[InIndex(g, n, y, x) + c]) - input_zero_point;
        }
      }
      const int32_t value = output_zero_point + Requantize(sum, per_count[count]);
      output[OutIndex(g, n, oy, ox) + c] = static_cast<Out>(Clamp(value, lo, hi));
    }
  });
}

#define TRIT_INSTANTIATE_POOLS(In, Out)                                                           \
  template void MaxPoolQ8<In, Out>(const ConvGeometry&, const In*, int32_t, const Requant*,       \
                                   int32_t, int32_t, int32_t, Out*);                              \
  template void AvgPoolQ8<In, Out>(const ConvGeometry&, bool, const In*, int32_t, const Requant*, \
                                   int32_t, int32_t, int32_t, Out*);
TRIT_INSTANTIATE_POOLS(int8_t, int8_t)
TRIT_INSTANTIATE_POOLS(int8_t, uint8_t)
TRIT_INSTANTIATE_POOLS(uint8_t, int8_t)
TRIT_INSTANTIATE_POOLS(uint8_t, uint8_t)
#undef TRIT_INSTANTIATE_POOLS

}  // namespace trit::ref
