// Concat binding: byte copies, rescaling quantized inputs whose parameters differ.
#include "kernels/ref/concat.h"

#include <memory>
#include <vector>

#include "runtime/op_kernel.h"
#include "runtime/ops/op_support.h"

namespace trit::runtime {
namespace {

class ConcatKernel final : public OpKernel {
 public:
  ConcatKernel(const Graph& g, const Node& node) {
    const Value& y = Output(g, node);
    const int64_t rank = static_cast<int64_t>(y.shape.size());
    int64_t axis = node.attrs.GetInt("axis", -1);
    if (axis < 0) axis += rank;
    outer_ = inner_ = 1;
    for (int64_t d = 0; d < axis; ++d) outer_ *= y.shape[static_cast<size_t>(d)];
    for (int64_t d = axis + 1; d < rank; ++d) inner_ *= y.shape[static_cast<size_t>(d)];
    out_axis_ = y.shape[static_cast<size_t>(axis)];
    out_type_ = y.dtype;
    int64_t offset = 0;
    for (size_t i = 0; i < node.inputs.size(); ++i) {
      const Value& x = Input(g, node, i);
      Part part;
      part.axis = x.shape[static_cast<size_t>(axis)];
      part.offset = offset;
      part.type = x.dtype;
      offset += part.axis;
      if (x.dtype != DType::kF32 && (!(x.quant == y.quant) || x.dtype != y.dtype)) {
        part.rescale = true;
        part.input_zero_point = ZeroPoint(x);
        part.requant = QuantizeMultiplier(static_cast<double>(Scale(x)) / Scale(y));
      }
      parts_.push_back(part);
    }
    if (y.dtype != DType::kF32) {
      output_zero_point_ = ZeroPoint(y);
      name_ = "ref_concat_q8";
    }
  }

  void Run(const void* const* inputs, void* const* outputs, void*) override {
    for (size_t i = 0; i < parts_.size(); ++i) {
      const Part& p = parts_[i];
      if (!p.rescale) {
        ref::ConcatCopy(outer_, p.axis, out_axis_, p.offset, inner_,
                        static_cast<size_t>(BitsPerElement(out_type_) / 8), inputs[i], outputs[0]);
        continue;
      }
      DispatchQ8(p.type, out_type_, [&](auto in_tag, auto out_tag) {
        using In = decltype(in_tag);
        using Out = decltype(out_tag);
        ref::ConcatRescaleQ8(outer_, p.axis, out_axis_, p.offset, inner_,
                             static_cast<const In*>(inputs[i]), p.input_zero_point, p.requant,
                             output_zero_point_, QuantMin(out_type_), QuantMax(out_type_),
                             static_cast<Out*>(outputs[0]));
      });
    }
  }
  std::string_view name() const override { return name_; }

 private:
  struct Part {
    int64_t axis = 0, offset = 0;
    DType type = DType::kF32;
    bool rescale = false;
    int32_t input_zero_point = 0;
    Requant requant;
  };
  std::vector<Part> parts_;
  int64_t outer_ = 1, inner_ = 1, out_axis_ = 1;
  DType out_type_ = DType::kF32;
  int32_t output_zero_point_ = 0;
  std::string_view name_ = "ref_concat_f32";
};

}  // namespace

std::unique_ptr<OpKernel> MakeConcatKernel(const Graph& g, const Node& node, ThreadPool*) {
  return std::make_unique<ConcatKernel>(g, node);
}

}  // namespace trit::runtime
