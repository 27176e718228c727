// LayerNorm binding: fp32 rows from the table (vector rows at every level), 8-bit in and out
// through the reference (real values normalized in double, then quantized).
#include "kernels/ref/layer_norm.h"

#include <memory>

#include "kernels/registry/activation.h"
#include "runtime/op_kernel.h"
#include "runtime/ops/op_support.h"

namespace trit::runtime {
namespace {

// The tensor as [rows, length], length the elements from `axis` on.
struct Rows {
  int64_t rows = 1, length = 1;
};

Rows RowsOf(const Graph& g, const Node& node) {
  const Shape& shape = Input(g, node, 0).shape;
  const auto rank = static_cast<int64_t>(shape.size());
  int64_t axis = node.attrs.GetInt("axis", -1);
  if (axis < 0) axis += rank;
  Rows r;
  for (int64_t d = 0; d < rank; ++d)
    (d < axis ? r.rows : r.length) *= shape[static_cast<size_t>(d)];
  return r;
}

class LayerNormF32Kernel final : public OpKernel {
 public:
  LayerNormF32Kernel(const Graph& g, const Node& node)
      : rows_(RowsOf(g, node)),
        epsilon_(node.attrs.GetFloat("epsilon", 1e-5f)),
        has_bias_(node.inputs.size() == 3) {
    const auto& chosen = ChooseKernel(F32LayerNormKernels(), {});
    kernel_ = chosen.entry;
    name_ = chosen.name;
  }
  void Run(const void* const* inputs, void* const* outputs, void*) override {
    kernel_(rows_.rows, rows_.length, static_cast<const float*>(inputs[0]),
            static_cast<const float*>(inputs[1]),
            has_bias_ ? static_cast<const float*>(inputs[2]) : nullptr, epsilon_,
            static_cast<float*>(outputs[0]));
  }
  std::string_view name() const override { return name_; }

 private:
  Rows rows_;
  float epsilon_;
  bool has_bias_;
  F32LayerNormFn kernel_ = nullptr;
  std::string_view name_;
};

template <typename In, typename Out>
class LayerNormQ8Kernel final : public OpKernel {
 public:
  LayerNormQ8Kernel(const Graph& g, const Node& node)
      : rows_(RowsOf(g, node)),
        epsilon_(node.attrs.GetFloat("epsilon", 1e-5f)),
        has_bias_(node.inputs.size() == 3) {
    const Value& x = Input(g, node, 0);
    const Value& y = Output(g, node);
    input_scale_ = Scale(x);
    input_zero_point_ = ZeroPoint(x);
    output_scale_ = Scale(y);
    output_zero_point_ = ZeroPoint(y);
    lo_ = QuantMin(y.dtype);
    hi_ = QuantMax(y.dtype);
  }
  void Run(const void* const* inputs, void* const* outputs, void*) override {
    ref::LayerNormQ8(rows_.rows, rows_.length, static_cast<const In*>(inputs[0]), input_scale_,
                     input_zero_point_, static_cast<const float*>(inputs[1]),
                     has_bias_ ? static_cast<const float*>(inputs[2]) : nullptr, epsilon_,
                     output_scale_, output_zero_point_, lo_, hi_, static_cast<Out*>(outputs[0]));
  }
  std::string_view name() const override { return "ref_layernorm_q8"; }

 private:
  Rows rows_;
  float epsilon_;
  bool has_bias_;
  float input_scale_ = 1, output_scale_ = 1;
  int32_t input_zero_point_ = 0, output_zero_point_ = 0, lo_ = 0, hi_ = 0;
};

}  // namespace

std::unique_ptr<OpKernel> MakeLayerNormKernel(const Graph& g, const Node& node, ThreadPool*) {
  const Value& x = Input(g, node, 0);
  if (x.dtype == DType::kF32) return std::make_unique<LayerNormF32Kernel>(g, node);
  std::unique_ptr<OpKernel> kernel;
  DispatchQ8(x.dtype, Output(g, node).dtype, [&](auto in, auto out) {
    kernel = std::make_unique<LayerNormQ8Kernel<decltype(in), decltype(out)>>(g, node);
  });
  return kernel;
}

}  // namespace trit::runtime
