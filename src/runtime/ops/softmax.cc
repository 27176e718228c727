// Softmax binding, fp32 and quantized (integer exp table, docs/quantization.md).
#include "kernels/ref/softmax.h"

#include <cmath>
#include <memory>

#include "kernels/registry/activation.h"
#include "runtime/op_kernel.h"
#include "runtime/ops/op_support.h"

namespace trit::runtime {
namespace {

struct SoftmaxLayout {
  int64_t outer = 1, axis = 1, inner = 1;
};

SoftmaxLayout LayoutOf(const Graph& g, const Node& node) {
  const Shape& shape = Input(g, node, 0).shape;
  const int64_t rank = static_cast<int64_t>(shape.size());
  int64_t axis = node.attrs.GetInt("axis", -1);
  if (axis < 0) axis += rank;
  SoftmaxLayout layout;
  for (int64_t d = 0; d < rank; ++d) {
    const int64_t extent = shape[static_cast<size_t>(d)];
    if (d < axis) layout.outer *= extent;
    if (d == axis) layout.axis = extent;
    if (d > axis) layout.inner *= extent;
  }
  return layout;
}

class SoftmaxF32Kernel final : public OpKernel {
 public:
  SoftmaxF32Kernel(const Graph& g, const Node& node) : layout_(LayoutOf(g, node)) {
    const auto& chosen = ChooseKernel(F32SoftmaxKernels(), {layout_.inner});
    kernel_ = chosen.entry;
    name_ = chosen.name;
  }
  void Run(const void* const* inputs, void* const* outputs, void*) override {
    kernel_(layout_.outer, layout_.axis, layout_.inner, static_cast<const float*>(inputs[0]),
            static_cast<float*>(outputs[0]));
  }
  std::string_view name() const override { return name_; }

 private:
  SoftmaxLayout layout_;
  F32SoftmaxFn kernel_ = nullptr;
  std::string_view name_;
};

template <typename In, typename Out>
class SoftmaxQ8Kernel final : public OpKernel {
 public:
  SoftmaxQ8Kernel(const Graph& g, const Node& node) : layout_(LayoutOf(g, node)) {
    const Value& x = Input(g, node, 0);
    const Value& y = Output(g, node);
    if (Scale(y) < std::ldexp(1.0, -16)) Unsupported(node, "an output scale below 2^-16");
    if (layout_.axis > (int64_t{1} << 24)) Unsupported(node, "a softmax axis this long");
    for (int d = 0; d < 256; ++d) {
      exp_table_[d] = static_cast<int32_t>(
          std::llround(std::exp(-static_cast<double>(Scale(x)) * d) * (1 << 20)));
    }
    inv_scale_ = std::llround(65536.0 / Scale(y));
    output_zero_point_ = ZeroPoint(y);
    lo_ = QuantMin(y.dtype);
    hi_ = QuantMax(y.dtype);
  }
  void Run(const void* const* inputs, void* const* outputs, void*) override {
    ref::SoftmaxQ8(layout_.outer, layout_.axis, layout_.inner, static_cast<const In*>(inputs[0]),
                   exp_table_, inv_scale_, output_zero_point_, lo_, hi_,
                   static_cast<Out*>(outputs[0]));
  }
  std::string_view name() const override { return "ref_softmax_q8"; }

 private:
  SoftmaxLayout layout_;
  int32_t exp_table_[256] = {};
  int64_t inv_scale_ = 0;
  int32_t output_zero_point_ = 0, lo_ = 0, hi_ = 0;
};

}  // namespace

std::unique_ptr<OpKernel> MakeSoftmaxKernel(const Graph& g, const Node& node, ThreadPool*) {
  const Value& x = Input(g, node, 0);
  if (x.dtype == DType::kF32) return std::make_unique<SoftmaxF32Kernel>(g, node);
  std::unique_ptr<OpKernel> kernel;
  DispatchQ8(x.dtype, Output(g, node).dtype, [&](auto in, auto out) {
    kernel = std::make_unique<SoftmaxQ8Kernel<decltype(in), decltype(out)>>(g, node);
  });
  return kernel;
}

}  // namespace trit::runtime
