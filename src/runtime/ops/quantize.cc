// Quantize (f32 -> i8/u8) and Dequantize (i8/u8 -> f32) bindings.
#include "kernels/ref/quantize.h"

#include <memory>

#include "kernels/isa.h"
#include "runtime/ops/op_support.h"
#include "runtime/ops/ops.h"
#if defined(__x86_64__)
#include "kernels/x86/q8_elementwise.h"
#endif

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
#if defined(__x86_64__)
    fast_ = quantize_ && ActiveIsa() == Isa::kAvx512;
#endif
  }
  void Run(const void* const* inputs, void* const* outputs, void*) override {
    if (quantize_) {
      const auto* x = static_cast<const float*>(inputs[0]);
#if defined(__x86_64__)
      if (fast_) {
        x86::QuantizeF32Avx512(count_, x, scale_, zero_point_, type_ == DType::kI8,
                               static_cast<uint8_t*>(outputs[0]));
        return;
      }
#endif
      if (type_ == DType::kU8) {
        ref::QuantizeF32(count_, x, scale_, zero_point_, static_cast<uint8_t*>(outputs[0]));
      } else {
        ref::QuantizeF32(count_, x, scale_, zero_point_, static_cast<int8_t*>(outputs[0]));
      }
    } else {
      auto* y = static_cast<float*>(outputs[0]);
      if (type_ == DType::kU8) {
        ref::DequantizeF32(count_, static_cast<const uint8_t*>(inputs[0]), scale_, zero_point_, y);
      } else {
        ref::DequantizeF32(count_, static_cast<const int8_t*>(inputs[0]), scale_, zero_point_, y);
      }
    }
  }
  std::string_view name() const override {
    if (fast_) return "quantize_f32_q8__avx512";
    return quantize_ ? "ref_quantize_f32_q8" : "ref_dequantize_q8_f32";
  }

 private:
  bool quantize_;
  int64_t count_;
  DType type_ = DType::kI8;
  float scale_ = 1.0f;
  int32_t zero_point_ = 0;
  bool fast_ = false;
};

}  // namespace

std::unique_ptr<OpKernel> MakeQuantizeKernel(const Graph& g, const Node& node) {
  return std::make_unique<QuantizeKernel>(g, node);
}

}  // namespace trit::runtime
