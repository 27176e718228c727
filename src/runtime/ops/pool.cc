// MaxPool, AvgPool and GlobalAvgPool bindings, fp32 and quantized.
#include "kernels/ref/pool.h"

#include <memory>
#include <type_traits>
#include <vector>

#include "core/op_params.h"
#include "kernels/q8_prepare.h"
#include "kernels/registry/pool.h"
#include "runtime/op_kernel.h"
#include "runtime/ops/op_support.h"

namespace trit::runtime {
namespace {

ref::ConvGeometry PoolGeometry(const Graph& g, const Node& node, const WindowParams& p) {
  const Shape& x = Input(g, node, 0).shape;
  const Shape& y = Output(g, node).shape;
  ref::ConvGeometry geo;
  geo.batch = static_cast<int>(x[0]);
  geo.in_h = static_cast<int>(x[1]);
  geo.in_w = static_cast<int>(x[2]);
  geo.in_c = geo.out_c = static_cast<int>(x[3]);
  geo.out_h = static_cast<int>(y[1]);
  geo.out_w = static_cast<int>(y[2]);
  geo.kernel_h = static_cast<int>(p.kernel_h);
  geo.kernel_w = static_cast<int>(p.kernel_w);
  geo.stride_h = static_cast<int>(p.stride_h);
  geo.stride_w = static_cast<int>(p.stride_w);
  geo.pad_top = static_cast<int>(p.pad_top);
  geo.pad_left = static_cast<int>(p.pad_left);
  return geo;
}

WindowParams ParamsOf(const Graph& g, const Node& node) {
  if (node.op != OpType::kGlobalAvgPool) return ParsePoolParams(node.attrs);
  const Shape& x = Input(g, node, 0).shape;
  WindowParams p;
  p.kernel_h = p.stride_h = x[1];
  p.kernel_w = p.stride_w = x[2];
  return p;
}

class PoolF32Kernel final : public OpKernel {
 public:
  PoolF32Kernel(const Graph& g, const Node& node, const WindowParams& p)
      : geometry_(PoolGeometry(g, node, p)),
        max_(node.op == OpType::kMaxPool),
        count_include_pad_(p.count_include_pad) {
    if (max_) {
      const auto& chosen = ChooseKernel(MaxPoolF32Kernels(), {});
      max_kernel_ = chosen.entry;
      name_ = chosen.name;
    } else {
      const auto& chosen = ChooseKernel(AvgPoolF32Kernels(), {});
      avg_kernel_ = chosen.entry;
      name_ = chosen.name;
    }
  }

  void Run(const void* const* inputs, void* const* outputs, void*) override {
    const auto* in = static_cast<const float*>(inputs[0]);
    auto* out = static_cast<float*>(outputs[0]);
    if (max_) {
      max_kernel_(geometry_, in, out);
    } else {
      avg_kernel_(geometry_, count_include_pad_, in, out);
    }
  }
  std::string_view name() const override { return name_; }

 private:
  ref::ConvGeometry geometry_;
  bool max_;
  bool count_include_pad_;
  std::string_view name_;
  MaxPoolF32Fn max_kernel_ = nullptr;
  AvgPoolF32Fn avg_kernel_ = nullptr;
};

template <typename In, typename Out>
class PoolQ8Kernel final : public OpKernel {
 public:
  PoolQ8Kernel(const Graph& g, const Node& node, const WindowParams& p)
      : geometry_(PoolGeometry(g, node, p)),
        max_(node.op == OpType::kMaxPool),
        count_include_pad_(p.count_include_pad),
        name_(node.op == OpType::kMaxPool   ? "ref_maxpool_q8"
              : node.op == OpType::kAvgPool ? "ref_avgpool_q8"
                                            : "ref_globalavgpool_q8") {
    const Value& x = Input(g, node, 0);
    const Value& y = Output(g, node);
    input_zero_point_ = ZeroPoint(x);
    output_zero_point_ = ZeroPoint(y);
    lo_ = QuantMin(y.dtype);
    hi_ = QuantMax(y.dtype);
    const double ratio = static_cast<double>(Scale(x)) / Scale(y);
    if (max_) {
      same_params_ = x.quant == y.quant && x.dtype == y.dtype;
      rescale_ = QuantizeMultiplier(ratio);
      max_params_ = {input_zero_point_, same_params_ ? nullptr : &rescale_, output_zero_point_, lo_,
                     hi_};
      const auto& chosen = ChooseKernel(MaxPoolQ8Kernels(), {same_params_});
      max_kernel_ = chosen.entry;
      name_ = chosen.name;
    } else {
      const int64_t window = p.kernel_h * p.kernel_w;
      if (window * 255 >= (int64_t{1} << 31)) Unsupported(node, "a window this large");
      per_count_.resize(static_cast<size_t>(window) + 1);
      AvgPoolRequant(Scale(x), Scale(y), window, per_count_.data());
      avg_params_ = {
          count_include_pad_, input_zero_point_, per_count_.data(), output_zero_point_, lo_, hi_};
      const auto& chosen = ChooseKernel(AvgPoolQ8Kernels(), AvgPoolQ8Problem{});
      avg_kernel_ = chosen.entry;
      name_ = chosen.name;
    }
  }

  void Run(const void* const* inputs, void* const* outputs, void*) override {
    const auto* in = static_cast<const In*>(inputs[0]);
    auto* out = static_cast<Out*>(outputs[0]);
    if (max_) {
      max_kernel_(geometry_, in, std::is_signed_v<In>, max_params_, out, std::is_signed_v<Out>);
    } else {
      avg_kernel_(geometry_, in, std::is_signed_v<In>, avg_params_, out);
    }
  }
  std::string_view name() const override { return name_; }

 private:
  ref::ConvGeometry geometry_;
  bool max_;
  bool count_include_pad_;
  std::string_view name_;
  bool same_params_ = false;
  Requant rescale_;
  std::vector<Requant> per_count_;
  int32_t input_zero_point_ = 0, output_zero_point_ = 0, lo_ = 0, hi_ = 0;
  MaxPoolQ8Params max_params_;  // points at rescale_: the kernel is neither copied nor moved
  MaxPoolQ8Fn max_kernel_ = nullptr;
  AvgPoolQ8Params avg_params_;  // points at per_count_: the kernel is neither copied nor moved
  AvgPoolQ8Fn avg_kernel_ = nullptr;
};

}  // namespace

std::unique_ptr<OpKernel> MakePoolKernel(const Graph& g, const Node& node, ThreadPool*) {
  const WindowParams p = ParamsOf(g, node);
  const Value& x = Input(g, node, 0);
  if (x.dtype == DType::kF32) return std::make_unique<PoolF32Kernel>(g, node, p);
  std::unique_ptr<OpKernel> kernel;
  DispatchQ8(x.dtype, Output(g, node).dtype, [&](auto in, auto out) {
    kernel = std::make_unique<PoolQ8Kernel<decltype(in), decltype(out)>>(g, node, p);
  });
  return kernel;
}

}  // namespace trit::runtime
