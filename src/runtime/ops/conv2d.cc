// Conv2D binding: fp32, or i8/u8 activations with i8/i4/i2/ternary/binary weights.
#include "kernels/ref/conv2d.h"

#include <memory>
#include <optional>

#include "core/op_params.h"
#include "runtime/op_kernel.h"
#include "runtime/ops/binary_input.h"
#include "runtime/ops/fast_linear.h"
#include "runtime/ops/quantized_linear.h"

namespace trit::runtime {
namespace {

ref::ConvGeometry Geometry(const Graph& g, const Node& node, const WindowParams& p) {
  const Shape& x = Input(g, node, 0).shape;
  const Shape& y = Output(g, node).shape;
  ref::ConvGeometry geo;
  geo.batch = static_cast<int>(x[0]);
  geo.in_h = static_cast<int>(x[1]);
  geo.in_w = static_cast<int>(x[2]);
  geo.in_c = static_cast<int>(x[3]);
  geo.out_h = static_cast<int>(y[1]);
  geo.out_w = static_cast<int>(y[2]);
  geo.out_c = static_cast<int>(y[3]);
  geo.kernel_h = static_cast<int>(p.kernel_h);
  geo.kernel_w = static_cast<int>(p.kernel_w);
  geo.stride_h = static_cast<int>(p.stride_h);
  geo.stride_w = static_cast<int>(p.stride_w);
  geo.pad_top = static_cast<int>(p.pad_top);
  geo.pad_left = static_cast<int>(p.pad_left);
  geo.dilation_h = static_cast<int>(p.dilation_h);
  geo.dilation_w = static_cast<int>(p.dilation_w);
  geo.groups = static_cast<int>(p.groups);
  return geo;
}

class Conv2DF32Kernel final : public OpKernel {
 public:
  Conv2DF32Kernel(const Graph& g, const Node& node, const WindowParams& p)
      : geometry_(Geometry(g, node, p)),
        has_bias_(node.inputs.size() == 3),
        act_min_(ActivationMin(p.activation)),
        act_max_(ActivationMax(p.activation)) {}

  void Run(const void* const* inputs, void* const* outputs, void*) override {
    ref::Conv2DF32(geometry_, static_cast<const float*>(inputs[0]),
                   static_cast<const float*>(inputs[1]),
                   has_bias_ ? static_cast<const float*>(inputs[2]) : nullptr, act_min_, act_max_,
                   static_cast<float*>(outputs[0]));
  }
  std::string_view name() const override { return "ref_conv2d_f32"; }

 private:
  ref::ConvGeometry geometry_;
  bool has_bias_;
  float act_min_, act_max_;
};

template <typename In, typename Out>
class Conv2DQ8Kernel final : public OpKernel {
 public:
  Conv2DQ8Kernel(const Graph& g, const Node& node, const WindowParams& p)
      : geometry_(Geometry(g, node, p)),
        linear_(
            g, node, geometry_.out_c,
            int64_t{geometry_.kernel_h} * geometry_.kernel_w * (geometry_.in_c / geometry_.groups),
            p.activation),
        name_("ref_conv2d_q8_" + TypeSuffix(Input(g, node, 1).dtype)) {}

  void Run(const void* const* inputs, void* const* outputs, void* scratch) override {
    ref::Conv2DQ8(geometry_, static_cast<const In*>(inputs[0]), linear_.input_zero_point,
                  linear_.weights, linear_.bias, linear_.output, static_cast<Out*>(outputs[0]),
                  static_cast<int32_t*>(scratch));
  }
  size_t scratch_bytes() const override {
    return sizeof(int32_t) * static_cast<size_t>(ref::Conv2DQ8ScratchCount(geometry_));
  }
  std::string_view name() const override { return name_; }

 private:
  ref::ConvGeometry geometry_;
  QuantizedLinear linear_;
  std::string name_;
};

}  // namespace

std::unique_ptr<OpKernel> MakeConv2DKernel(const Graph& g, const Node& node, ThreadPool* pool) {
  const Shape& w = Input(g, node, 1).shape;
  const WindowParams p = ParseConv2DParams(node.attrs, w[1], w[2]);
  const Value& x = Input(g, node, 0);
  if (x.dtype == DType::kF32) {
    if (auto fast = MakeFastF32Conv2D(g, node, Geometry(g, node, p), p.activation, pool))
      return fast;
    return std::make_unique<Conv2DF32Kernel>(g, node, p);
  }
  if (x.dtype == DType::kBinary) {
    if (auto fast = MakeFastBinaryConv2D(g, node, Geometry(g, node, p), p.activation, pool)) {
      return fast;
    }
    std::unique_ptr<OpKernel> int8;
    DispatchQ8(DType::kI8, Output(g, node).dtype, [&](auto in, auto out) {
      int8 = std::make_unique<Conv2DQ8Kernel<decltype(in), decltype(out)>>(g, node, p);
    });
    return std::make_unique<UnpackedBinaryInput>(
        std::move(int8), NumElements(x.shape), node.inputs.size(),
        "ref_conv2d_b1_" + TypeSuffix(Input(g, node, 1).dtype));
  }
  std::unique_ptr<OpKernel> kernel =
      MakeFastQ8Conv2D(g, node, Geometry(g, node, p), p.activation, pool);
  if (kernel) return kernel;
  DispatchQ8(x.dtype, Output(g, node).dtype, [&](auto in, auto out) {
    kernel = std::make_unique<Conv2DQ8Kernel<decltype(in), decltype(out)>>(g, node, p);
  });
  return kernel;
}

}  // namespace trit::runtime
