// Quantize (f32 -> i8/u8) and Dequantize (i8/u8 -> f32) bindings.
#include "kernels/registry/quantize.h"

#include <memory>

#include "runtime/op_kernel.h"
#include "runtime/ops/op_support.h"

namespace trit::runtime {
namespace {

class QuantizeKernel final : public OpKernel {
 public:
  QuantizeKernel(const Graph& g, const Node& node)
      : quantize_(node.op == OpType::kQuantize), count_(NumElements(Output(g, node).shape)) {
    const Value& q = quantize_ ? Output(g, node) : Input(g, node, 0);
    type_ = q.dtype;
    scale_ = Scale(q);
    zero_point_ = ZeroPoint(q);
    if (quantize_) {
      const auto& chosen = ChooseKernel(QuantizeF32Kernels(), {});
      quantize_kernel_ = chosen.entry;
      name_ = chosen.name;
    } else {
      const auto& chosen = ChooseKernel(DequantizeQ8Kernels(), {});
      dequantize_kernel_ = chosen.entry;
      name_ = chosen.name;
    }
  }
  void Run(const void* const* inputs, void* const* outputs, void*) override {
    if (quantize_) {
      quantize_kernel_(count_, static_cast<const float*>(inputs[0]), scale_, zero_point_,
                       type_ == DType::kI8, outputs[0]);
    } else {
      dequantize_kernel_(count_, inputs[0], type_ == DType::kI8, scale_, zero_point_,
                         static_cast<float*>(outputs[0]));
    }
  }
  std::string_view name() const override { return name_; }

 private:
  bool quantize_;
  int64_t count_;
  DType type_ = DType::kI8;
  float scale_ = 1.0f;
  int32_t zero_point_ = 0;
  QuantizeF32Fn quantize_kernel_ = nullptr;
  DequantizeQ8Fn dequantize_kernel_ = nullptr;
  std::string_view name_;
};

}  // namespace

std::unique_ptr<OpKernel> MakeQuantizeKernel(const Graph& g, const Node& node, ThreadPool*) {
  return std::make_unique<QuantizeKernel>(g, node);
}

}  // namespace trit::runtime
