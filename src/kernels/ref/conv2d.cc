#include "kernels/ref/conv2d.h"

#include <algorithm>

namespace trit::ref {

void Conv2DF32(const ConvGeometry& g, const float* input, const float* weights, const float* bias,
               float act_min, float act_max, float* output) {
  const int in_per_group = g.in_c / g.groups;
  const int out_per_group = g.out_c / g.groups;
  for (int n = 0; n < g.batch; ++n) {
    for (int oy = 0; oy < g.out_h; ++oy) {
      for (int ox = 0; ox < g.out_w; ++ox) {
        float* out = output + ((static_cast<int64_t>(n) * g.out_h + oy) * g.out_w + ox) * g.out_c;
        for (int oc = 0; oc < g.out_c; ++oc) {
          const int group = oc / out_per_group;
          float acc = bias ? bias[oc] : 0.0f;
          for (int ky = 0; ky < g.kernel_h; ++ky) {
            const int iy = oy * g.stride_h - g.pad_top + ky * g.dilation_h;
            if (iy < 0 || iy >= g.in_h) continue;
            for (int kx = 0; kx < g.kernel_w; ++kx) {
              const int ix = ox * g.stride_w - g.pad_left + kx * g.dilation_w;
              if (ix < 0 || ix >= g.in_w) continue;
              const float* in = input +
                                ((static_cast<int64_t>(n) * g.in_h + iy) * g.in_w + ix) * g.in_c +
                                group * in_per_group;
              const float* w =
                  weights +
                  ((static_cast<int64_t>(oc) * g.kernel_h + ky) * g.kernel_w + kx) * in_per_group;
              for (int ic = 0; ic < in_per_group; ++ic) acc += in[ic] * w[ic];
            }
          }
          out[oc] = std::clamp(acc, act_min, act_max);
        }
      }
    }
  }
}

template <typename In, typename Out>
void Conv2DQ8(const ConvGeometry& g, const In* input, int32_t input_zero_point,
              const QuantWeights& weights, const int32_t* bias, const QuantOutput& out_params,
              Out* output, int32_t* scratch) {
  const int in_per_group = g.in_c / g.groups;
  const int out_per_group = g.out_c / g.groups;
  const int64_t per_channel = Conv2DQ8ScratchCount(g);
  // Output channel outermost: its weights are decoded once, then used at every position.
  for (int oc = 0; oc < g.out_c; ++oc) {
    DecodeChannel(weights, oc, oc * per_channel, per_channel, scratch);
    const int group = oc / out_per_group;
    for (int n = 0; n < g.batch; ++n) {
      for (int oy = 0; oy < g.out_h; ++oy) {
        for (int ox = 0; ox < g.out_w; ++ox) {
          int32_t acc = bias ? bias[oc] : 0;
          for (int ky = 0; ky < g.kernel_h; ++ky) {
            const int iy = oy * g.stride_h - g.pad_top + ky * g.dilation_h;
            if (iy < 0 || iy >= g.in_h) continue;  // padding is real zero: contributes nothing
            for (int kx = 0; kx < g.kernel_w; ++kx) {
              const int ix = ox * g.stride_w - g.pad_left + kx * g.dilation_w;
              if (ix < 0 || ix >= g.in_w) continue;
              const In* in = input +
                             ((static_cast<int64_t>(n) * g.in_h + iy) * g.in_w + ix) * g.in_c +
                             group * in_per_group;
              const int32_t* w = scratch + (int64_t{ky} * g.kernel_w + kx) * in_per_group;
              for (int ic = 0; ic < in_per_group; ++ic) {
                acc += (static_cast<int32_t>(in[ic]) - input_zero_point) * w[ic];
              }
            }
          }
          Out* out = output + ((static_cast<int64_t>(n) * g.out_h + oy) * g.out_w + ox) * g.out_c;
          out[oc] = static_cast<Out>(RequantizeToOutput(acc, out_params, oc));
        }
      }
    }
  }
}

template void Conv2DQ8<int8_t, int8_t>(const ConvGeometry&, const int8_t*, int32_t,
                                       const QuantWeights&, const int32_t*, const QuantOutput&,
                                       int8_t*, int32_t*);
template void Conv2DQ8<int8_t, uint8_t>(const ConvGeometry&, const int8_t*, int32_t,
                                        const QuantWeights&, const int32_t*, const QuantOutput&,
                                        uint8_t*, int32_t*);
template void Conv2DQ8<uint8_t, int8_t>(const ConvGeometry&, const uint8_t*, int32_t,
                                        const QuantWeights&, const int32_t*, const QuantOutput&,
                                        int8_t*, int32_t*);
template void Conv2DQ8<uint8_t, uint8_t>(const ConvGeometry&, const uint8_t*, int32_t,
                                         const QuantWeights&, const int32_t*, const QuantOutput&,
                                         uint8_t*, int32_t*);

}  // namespace trit::ref
