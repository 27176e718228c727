// Concat binding: byte copies, rescaling quantized inputs whose parameters differ. An 8-bit
// input has 256 values, so above the reference level its rescale is a 256-entry table built
// at load by the reference rescale itself (the same bytes), looked up a row at a time by the
// pointwise table's kernel.
#include "kernels/ref/concat.h"

#include <limits>
#include <memory>
#include <vector>

#include "kernels/registry/activation.h"
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
      const auto& chosen = ChooseKernel(Q8PointwiseKernels(), Q8PointwiseProblem{false});
      if (chosen.isa != Isa::kRef) {
        lookup_ = chosen.entry;
        name_ = chosen.name == "q8_lut__avx512vbmi" ? "q8_concat_lut__avx512vbmi"
                : chosen.name == "q8_lut__neon"     ? "q8_concat_lut__neon"
                                                    : "q8_concat_lut";
        for (Part& part : parts_) {
          if (part.rescale) BuildTable(part);
        }
      }
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
      if (lookup_) {
        const int64_t row = p.axis * inner_;
        const auto* in = static_cast<const uint8_t*>(inputs[i]);
        auto* out = static_cast<uint8_t*>(outputs[0]) + p.offset * inner_;
        for (int64_t o = 0; o < outer_; ++o) {
          lookup_(row, in + o * row, p.type == DType::kI8, p.table, out + o * out_axis_ * inner_);
        }
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
    uint8_t table[256] = {};  // the rescale of each input byte (lookup_ only)
  };

  // The reference's rescale of the 256 input values, as one [1, 256, 1] concatenation.
  void BuildTable(Part& part) const {
    DispatchQ8(part.type, out_type_, [&](auto in_tag, auto out_tag) {
      using In = decltype(in_tag);
      using Out = decltype(out_tag);
      In values[256];
      for (int32_t v = 0; v < 256; ++v) {
        values[v] = static_cast<In>(std::numeric_limits<In>::min() + v);
      }
      ref::ConcatRescaleQ8(1, 256, 256, 0, 1, values, part.input_zero_point, part.requant,
                           output_zero_point_, QuantMin(out_type_), QuantMax(out_type_),
                           reinterpret_cast<Out*>(part.table));
    });
  }
  std::vector<Part> parts_;
  int64_t outer_ = 1, inner_ = 1, out_axis_ = 1;
  DType out_type_ = DType::kF32;
  int32_t output_zero_point_ = 0;
  std::string_view name_ = "ref_concat_f32";
  Q8LookupFn lookup_ = nullptr;  // null: the reference rescale
};

}  // namespace

std::unique_ptr<OpKernel> MakeConcatKernel(const Graph& g, const Node& node, ThreadPool*) {
  return std::make_unique<ConcatKernel>(g, node);
}

}  // namespace trit::runtime
