#include "core/op_params.h"

#include <string>
#include <vector>

#include "core/error.h"

namespace trit {
namespace {

std::vector<int64_t> Pair(const Attributes& attrs, const std::string& name,
                          std::vector<int64_t> fallback, int64_t min_value) {
  std::vector<int64_t> values = attrs.GetInts(name, std::move(fallback));
  if (values.size() != 2) {
    throw Error(ErrorCode::kInvalidGraph, "attribute '" + name + "' needs 2 values");
  }
  for (const int64_t v : values) {
    if (v < min_value || v > (1 << 20)) {
      throw Error(ErrorCode::kInvalidGraph,
                  "attribute '" + name + "' has out-of-range value " + std::to_string(v));
    }
  }
  return values;
}

void ParsePads(const Attributes& attrs, WindowParams& p) {
  const std::vector<int64_t> pads = attrs.GetInts("pads", {0, 0, 0, 0});
  if (pads.size() != 4) throw Error(ErrorCode::kInvalidGraph, "attribute 'pads' needs 4 values");
  for (const int64_t v : pads) {
    if (v < 0 || v > (1 << 20)) {
      throw Error(ErrorCode::kInvalidGraph,
                  "attribute 'pads' has out-of-range value " + std::to_string(v));
    }
  }
  p.pad_top = pads[0];
  p.pad_left = pads[1];
  p.pad_bottom = pads[2];
  p.pad_right = pads[3];
}

}  // namespace

WindowParams ParseConv2DParams(const Attributes& attrs, int64_t kernel_h, int64_t kernel_w) {
  WindowParams p;
  p.kernel_h = kernel_h;
  p.kernel_w = kernel_w;
  const auto strides = Pair(attrs, "strides", {1, 1}, 1);
  p.stride_h = strides[0];
  p.stride_w = strides[1];
  const auto dilations = Pair(attrs, "dilations", {1, 1}, 1);
  p.dilation_h = dilations[0];
  p.dilation_w = dilations[1];
  ParsePads(attrs, p);
  p.groups = attrs.GetInt("groups", 1);
  if (p.groups < 1) throw Error(ErrorCode::kInvalidGraph, "attribute 'groups' must be >= 1");
  p.activation = ParseActivation(attrs.GetString("activation", "none"));
  return p;
}

WindowParams ParsePoolParams(const Attributes& attrs) {
  WindowParams p;
  const auto kernel = Pair(attrs, "kernel", {}, 1);
  p.kernel_h = kernel[0];
  p.kernel_w = kernel[1];
  const auto strides = Pair(attrs, "strides", kernel, 1);
  p.stride_h = strides[0];
  p.stride_w = strides[1];
  ParsePads(attrs, p);
  if (p.pad_top >= p.kernel_h || p.pad_bottom >= p.kernel_h || p.pad_left >= p.kernel_w ||
      p.pad_right >= p.kernel_w) {
    throw Error(ErrorCode::kInvalidGraph, "pool padding must be smaller than the kernel");
  }
  p.count_include_pad = attrs.GetInt("count_include_pad", 0) != 0;
  return p;
}

}  // namespace trit
