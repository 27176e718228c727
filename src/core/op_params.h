// Attributes of the windowed ops, parsed and checked once, shared by shape inference, the
// runtime bindings and the cost model.
#pragma once

#include <cstdint>

#include "core/attributes.h"
#include "core/op_type.h"

namespace trit {

struct WindowParams {
  int64_t kernel_h = 1, kernel_w = 1;
  int64_t stride_h = 1, stride_w = 1;
  int64_t pad_top = 0, pad_left = 0, pad_bottom = 0, pad_right = 0;
  int64_t dilation_h = 1, dilation_w = 1;
  int64_t groups = 1;
  bool count_include_pad = false;             // AvgPool only
  Activation activation = Activation::kNone;  // Conv2D only

  // Output extent of a window sweep over `in` (floor mode); may be <= 0 for bad shapes.
  int64_t OutH(int64_t in_h) const {
    return (in_h + pad_top + pad_bottom - dilation_h * (kernel_h - 1) - 1) / stride_h + 1;
  }
  int64_t OutW(int64_t in_w) const {
    return (in_w + pad_left + pad_right - dilation_w * (kernel_w - 1) - 1) / stride_w + 1;
  }
};

// Conv2D: kernel size comes from the weights (OHWI), the rest from attrs.
// Throws kInvalidGraph naming the attribute when a value is out of range.
WindowParams ParseConv2DParams(const Attributes& attrs, int64_t kernel_h, int64_t kernel_w);
// MaxPool / AvgPool.
WindowParams ParsePoolParams(const Attributes& attrs);

}  // namespace trit
