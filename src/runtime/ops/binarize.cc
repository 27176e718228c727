// Binarize binding: f32 -> f32 (+-1, the float model), or f32/i8/u8 -> packed binary.
#include "kernels/ref/binarize.h"

#include <memory>

#include "kernels/isa.h"
#include "runtime/ops/op_support.h"
#include "runtime/ops/ops.h"
#if defined(__x86_64__)
#include "kernels/x86/q8_elementwise.h"
#endif

namespace trit::runtime {
namespace {

class BinarizeKernel final : public OpKernel {
 public:
  BinarizeKernel(const Graph& g, const Node& node)
      : input_type_(Input(g, node, 0).dtype),
        output_type_(Output(g, node).dtype),
        count_(NumElements(Output(g, node).shape)),
        zero_point_(IsQuantizedActivation(input_type_) ? ZeroPoint(Input(g, node, 0)) : 0) {
#if defined(__x86_64__)
    fast_ = IsQuantizedActivation(input_type_) && ActiveIsa() == Isa::kAvx512;
#endif
  }

  void Run(const void* const* inputs, void* const* outputs, void*) override {
    auto* bits = static_cast<uint8_t*>(outputs[0]);
    if (output_type_ == DType::kF32) {
      ref::BinarizeF32ToF32(count_, static_cast<const float*>(inputs[0]),
                            static_cast<float*>(outputs[0]));
    } else if (input_type_ == DType::kF32) {
      ref::BinarizeF32(count_, static_cast<const float*>(inputs[0]), bits);
#if defined(__x86_64__)
    } else if (fast_) {
      x86::BinarizeQ8Avx512(count_, static_cast<const uint8_t*>(inputs[0]),
                            input_type_ == DType::kI8, zero_point_, bits);
#endif
    } else if (input_type_ == DType::kI8) {
      ref::BinarizeQ8(count_, static_cast<const int8_t*>(inputs[0]), zero_point_, bits);
    } else {
      ref::BinarizeQ8(count_, static_cast<const uint8_t*>(inputs[0]), zero_point_, bits);
    }
  }
  std::string_view name() const override {
    if (fast_) return "binarize_q8_b1__avx512";
    if (output_type_ == DType::kF32) return "ref_binarize_f32";
    return input_type_ == DType::kF32 ? "ref_binarize_f32_b1" : "ref_binarize_q8_b1";
  }

 private:
  DType input_type_, output_type_;
  int64_t count_;
  int32_t zero_point_;
  bool fast_ = false;
};

}  // namespace

std::unique_ptr<OpKernel> MakeBinarizeKernel(const Graph& g, const Node& node) {
  return std::make_unique<BinarizeKernel>(g, node);
}

}  // namespace trit::runtime
