// Dense binding: fp32, or i8/u8 activations with i8/i4/i2/ternary/binary weights.
#include "kernels/ref/dense.h"

#include <memory>

#include "runtime/op_kernel.h"
#include "runtime/ops/binary_input.h"
#include "runtime/ops/fast_linear.h"
#include "runtime/ops/quantized_linear.h"

namespace trit::runtime {
namespace {

struct DenseShape {
  int rows, in_features, out_features;
};

DenseShape ShapeOf(const Graph& g, const Node& node) {
  const Shape& w = Input(g, node, 1).shape;
  const int64_t k = w[1];
  return {static_cast<int>(NumElements(Input(g, node, 0).shape) / k), static_cast<int>(k),
          static_cast<int>(w[0])};
}

class DenseF32Kernel final : public OpKernel {
 public:
  DenseF32Kernel(const Graph& g, const Node& node, Activation activation)
      : shape_(ShapeOf(g, node)),
        has_bias_(node.inputs.size() == 3),
        act_min_(ActivationMin(activation)),
        act_max_(ActivationMax(activation)) {}

  void Run(const void* const* inputs, void* const* outputs, void*) override {
    ref::DenseF32(shape_.rows, shape_.in_features, shape_.out_features,
                  static_cast<const float*>(inputs[0]), static_cast<const float*>(inputs[1]),
                  has_bias_ ? static_cast<const float*>(inputs[2]) : nullptr, act_min_, act_max_,
                  static_cast<float*>(outputs[0]));
  }
  std::string_view name() const override { return "ref_dense_f32"; }

 private:
  DenseShape shape_;
  bool has_bias_;
  float act_min_, act_max_;
};

template <typename In, typename Out>
class DenseQ8Kernel final : public OpKernel {
 public:
  DenseQ8Kernel(const Graph& g, const Node& node, Activation activation)
      : shape_(ShapeOf(g, node)),
        linear_(g, node, shape_.out_features, shape_.in_features, activation),
        name_("ref_dense_q8_" + TypeSuffix(Input(g, node, 1).dtype)) {}

  void Run(const void* const* inputs, void* const* outputs, void* scratch) override {
    ref::DenseQ8(shape_.rows, shape_.in_features, shape_.out_features,
                 static_cast<const In*>(inputs[0]), linear_.input_zero_point, linear_.weights,
                 linear_.bias, linear_.output, static_cast<Out*>(outputs[0]),
                 static_cast<int32_t*>(scratch));
  }
  size_t scratch_bytes() const override { return sizeof(int32_t) * shape_.in_features; }
  std::string_view name() const override { return name_; }

 private:
  DenseShape shape_;
  QuantizedLinear linear_;
  std::string name_;
};

}  // namespace

std::unique_ptr<OpKernel> MakeDenseKernel(const Graph& g, const Node& node, ThreadPool* pool) {
  const Activation activation = FusedActivation(node);
  const Value& x = Input(g, node, 0);
  const DenseShape shape = ShapeOf(g, node);
  if (x.dtype == DType::kF32) {
    if (auto fast = MakeFastF32Dense(g, node, shape.rows, shape.in_features, shape.out_features,
                                     activation, pool)) {
      return fast;
    }
    return std::make_unique<DenseF32Kernel>(g, node, activation);
  }
  if (x.dtype == DType::kBinary) {
    if (auto fast = MakeFastBinaryDense(g, node, shape.rows, shape.in_features, shape.out_features,
                                        activation, pool)) {
      return fast;
    }
    std::unique_ptr<OpKernel> int8;
    DispatchQ8(DType::kI8, Output(g, node).dtype, [&](auto in, auto out) {
      int8 = std::make_unique<DenseQ8Kernel<decltype(in), decltype(out)>>(g, node, activation);
    });
    return std::make_unique<UnpackedBinaryInput>(
        std::move(int8), NumElements(x.shape), node.inputs.size(),
        "ref_dense_b1_" + TypeSuffix(Input(g, node, 1).dtype));
  }
  std::unique_ptr<OpKernel> kernel =
      MakeFastQ8Dense(g, node, shape.rows, shape.in_features, shape.out_features, activation, pool);
  if (kernel) return kernel;
  DispatchQ8(x.dtype, Output(g, node).dtype, [&](auto in, auto out) {
    kernel = std::make_unique<DenseQ8Kernel<decltype(in), decltype(out)>>(g, node, activation);
  });
  return kernel;
}

}  // namespace trit::runtime
