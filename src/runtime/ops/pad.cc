// Pad binding: pads with real zero (0.0f, or the zero point of a quantized tensor).
#include <cstring>
#include <memory>
#include <vector>

#include "kernels/ref/concat.h"
#include "runtime/op_kernel.h"
#include "runtime/ops/op_support.h"

namespace trit::runtime {
namespace {

class PadKernel final : public OpKernel {
 public:
  PadKernel(const Graph& g, const Node& node)
      : in_shape_(Input(g, node, 0).shape), pads_(node.attrs.GetInts("pads", {})) {
    const Value& x = Input(g, node, 0);
    const Value& y = Output(g, node);
    element_bytes_ = static_cast<size_t>(BitsPerElement(x.dtype) / 8);
    if (x.dtype != DType::kF32) {
      if (!(x.quant == y.quant) || x.dtype != y.dtype) {
        Unsupported(node, "different input and output quantization parameters");
      }
      const int32_t zero = ZeroPoint(x);
      fill_[0] = static_cast<uint8_t>(zero & 0xFF);
      name_ = "ref_pad_q8";
    }
  }

  void Run(const void* const* inputs, void* const* outputs, void*) override {
    ref::PadConstant(static_cast<int>(in_shape_.size()), in_shape_.data(), pads_.data(),
                     element_bytes_, fill_, inputs[0], outputs[0]);
  }
  std::string_view name() const override { return name_; }

 private:
  Shape in_shape_;
  std::vector<int64_t> pads_;
  size_t element_bytes_ = 4;
  uint8_t fill_[4] = {0, 0, 0, 0};  // 0.0f is all zero bytes
  std::string_view name_ = "ref_pad_f32";
};

}  // namespace

std::unique_ptr<OpKernel> MakePadKernel(const Graph& g, const Node& node, ThreadPool*) {
  return std::make_unique<PadKernel>(g, node);
}

}  // namespace trit::runtime
