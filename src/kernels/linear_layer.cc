#include "kernels/linear_layer.h"

namespace trit {

std::vector<int32_t> ConvIndirection(int batch, int in_h, int in_w, int out_h, int out_w,
                                     int kernel_h, int kernel_w, int stride_h, int stride_w,
                                     int pad_top, int pad_left, int dilation_h, int dilation_w) {
  const int64_t pad = int64_t{batch} * in_h * in_w;
  std::vector<int32_t> table;
  table.reserve(static_cast<size_t>(int64_t{batch} * out_h * out_w * kernel_h * kernel_w));
  for (int b = 0; b < batch; ++b) {
    for (int oy = 0; oy < out_h; ++oy) {
      for (int ox = 0; ox < out_w; ++ox) {
        for (int ky = 0; ky < kernel_h; ++ky) {
          const int iy = oy * stride_h - pad_top + ky * dilation_h;
          for (int kx = 0; kx < kernel_w; ++kx) {
            const int ix = ox * stride_w - pad_left + kx * dilation_w;
            const bool inside = iy >= 0 && iy < in_h && ix >= 0 && ix < in_w;
            table.push_back(
                static_cast<int32_t>(inside ? (int64_t{b} * in_h + iy) * in_w + ix : pad));
          }
        }
      }
    }
  }
  return table;
}

}  // namespace trit
