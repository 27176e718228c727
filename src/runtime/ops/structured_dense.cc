// StructuredDense binding: y = act(M x + bias) with M a structured matrix prepared once
// (runtime/ops/structured_product.h) for all of the input's rows; f32 or int8 parts.
#include <algorithm>
#include <limits>
#include <memory>
#include <string>

#include "core/structured_layout.h"
#include "runtime/op_kernel.h"
#include "runtime/ops/op_support.h"
#include "runtime/ops/structured_product.h"

namespace trit::runtime {
namespace {

class StructuredDenseKernel final : public OpKernel {
 public:
  StructuredDenseKernel(const Graph& g, const Node& node, const StructuredDenseLayout& layout)
      : product_(PrepareStructuredProduct(ActiveIsa(), g, node, layout.w,
                                          NumElements(Input(g, node, 0).shape) / layout.w.cols)),
        bias_(Input(g, node, layout.bias).data->as<float>()),
        activation_(FusedActivation(node)) {
    name_ = std::string("structured_dense_") + (product_.int8() ? "w8_" : "f32_") +
            (product_.sparse() ? "csr" : std::string(MatrixStructureName(layout.w.structure))) +
            "__" + std::string(IsaName(ActiveIsa()));
  }

  void Run(const void* const* inputs, void* const* outputs, void* scratch) override {
    auto* y = static_cast<float*>(outputs[0]);
    product_.Run(static_cast<const float*>(inputs[0]), y, static_cast<float*>(scratch));
    const int64_t rows = product_.rows();
    const float lo =
        activation_ == Activation::kNone ? -std::numeric_limits<float>::infinity() : 0.0f;
    const float hi =
        activation_ == Activation::kRelu6 ? 6.0f : std::numeric_limits<float>::infinity();
    for (int64_t b = 0; b < product_.batch(); ++b) {
      float* row = y + b * rows;
      for (int64_t r = 0; r < rows; ++r) row[r] = std::clamp(row[r] + bias_[r], lo, hi);
    }
  }

  size_t scratch_bytes() const override { return product_.scratch_floats() * sizeof(float); }

  std::string_view name() const override { return name_; }

 private:
  StructuredProduct product_;
  const float* bias_;
  Activation activation_;
  std::string name_;
};

}  // namespace

std::unique_ptr<OpKernel> MakeStructuredDenseKernel(const Graph& g, const Node& node, ThreadPool*) {
  const StructuredDenseLayout layout = ParseStructuredDenseLayout(g, node);
  if (g.value(node.inputs[0]).dtype != DType::kF32) Unsupported(node, "a non-f32 input");
  return std::make_unique<StructuredDenseKernel>(g, node, layout);
}

}  // namespace trit::runtime
