// Binarize binding: f32 -> f32 (+-1, the float model), or f32/i8/u8 -> packed binary.
#include "kernels/ref/binarize.h"

#include <memory>

#include "kernels/registry/quantize.h"
#include "runtime/op_kernel.h"
#include "runtime/ops/op_support.h"

namespace trit::runtime {
namespace {

class BinarizeKernel final : public OpKernel {
 public:
  BinarizeKernel(const Graph& g, const Node& node)
      : input_type_(Input(g, node, 0).dtype),
        output_type_(Output(g, node).dtype),
        count_(NumElements(Output(g, node).shape)),
        zero_point_(IsQuantizedActivation(input_type_) ? ZeroPoint(Input(g, node, 0)) : 0) {
    if (output_type_ == DType::kF32) {
      name_ = "ref_binarize_f32";
    } else if (input_type_ == DType::kF32) {
      name_ = "ref_binarize_f32_b1";
    } else {
      const auto& chosen = ChooseKernel(BinarizeQ8Kernels(), {});
      binarize_q8_ = chosen.entry;
      name_ = chosen.name;
    }
  }

  void Run(const void* const* inputs, void* const* outputs, void*) override {
    auto* bits = static_cast<uint8_t*>(outputs[0]);
    if (output_type_ == DType::kF32) {
      ref::BinarizeF32ToF32(count_, static_cast<const float*>(inputs[0]),
                            static_cast<float*>(outputs[0]));
    } else if (input_type_ == DType::kF32) {
      ref::BinarizeF32(count_, static_cast<const float*>(inputs[0]), bits);
    } else {
      binarize_q8_(count_, inputs[0], input_type_ == DType::kI8, zero_point_, bits);
    }
  }
  std::string_view name() const override { return name_; }

 private:
  DType input_type_, output_type_;
  int64_t count_;
  int32_t zero_point_;
  BinarizeQ8Fn binarize_q8_ = nullptr;
  std::string_view name_;
};

}  // namespace

std::unique_ptr<OpKernel> MakeBinarizeKernel(const Graph& g, const Node& node, ThreadPool*) {
  return std::make_unique<BinarizeKernel>(g, node);
}

}  // namespace trit::runtime
