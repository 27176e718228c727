// Relu, Clip, Sigmoid, Tanh, Silu, Erf, Gelu, Exp, Softplus, Mish, HardSigmoid and HardSwish
// bindings (and Sqrt in
// fp32).
// Quantized Relu/Clip rescale and clamp; the other quantized ops look up a 256-entry table built
// here in double precision.
#include "kernels/ref/activation.h"

#include <cmath>
#include <limits>
#include <memory>
#include <type_traits>

#include "kernels/q8_prepare.h"
#include "kernels/registry/activation.h"
#include "runtime/op_kernel.h"
#include "runtime/ops/element_split.h"
#include "runtime/ops/op_support.h"

namespace trit::runtime {
namespace {

// Sqrt runs the reference; the others run their row of the fp32 table.
class ActivationF32Kernel final : public OpKernel {
 public:
  ActivationF32Kernel(const Graph& g, const Node& node, ThreadPool* pool)
      : pool_(pool), sqrt_(node.op == OpType::kSqrt), count_(NumElements(Output(g, node).shape)) {
    if (sqrt_) {
      name_ = "ref_sqrt_f32";
      return;
    }
    F32UnaryOp op = F32UnaryOp::kClip;
    params_.lo = node.op == OpType::kRelu ? 0.0f : -std::numeric_limits<float>::infinity();
    params_.hi = std::numeric_limits<float>::infinity();
    switch (node.op) {
      case OpType::kSigmoid:
        op = F32UnaryOp::kSigmoid;
        break;
      case OpType::kTanh:
        op = F32UnaryOp::kTanh;
        break;
      case OpType::kHardSigmoid:
        op = F32UnaryOp::kHardSigmoid;
        params_.alpha = node.attrs.GetFloat("alpha", 0.2f);
        params_.beta = node.attrs.GetFloat("beta", 0.5f);
        break;
      case OpType::kHardSwish:
        op = F32UnaryOp::kHardSwish;
        break;
      case OpType::kSilu:
        op = F32UnaryOp::kSilu;
        break;
      case OpType::kErf:
        op = F32UnaryOp::kErf;
        break;
      case OpType::kExp:
        op = F32UnaryOp::kExp;
        break;
      case OpType::kSoftplus:
        op = F32UnaryOp::kSoftplus;
        break;
      case OpType::kMish:
        op = F32UnaryOp::kMish;
        break;
      case OpType::kGelu:
        op = ParseGeluApproximation(node.attrs.GetString("approximate", "none")) ==
                     GeluApproximation::kTanh
                 ? F32UnaryOp::kGeluTanh
                 : F32UnaryOp::kGelu;
        break;
      case OpType::kClip:
        params_.lo = node.attrs.GetFloat("min", params_.lo);
        params_.hi = node.attrs.GetFloat("max", params_.hi);
        break;
      default:  // Relu
        break;
    }
    op_ = op;
    const auto& chosen = ChooseKernel(F32UnaryKernels(), {op});
    kernel_ = chosen.entry;
    name_ = chosen.name;
  }
  void Run(const void* const* inputs, void* const* outputs, void*) override {
    const auto* x = static_cast<const float*>(inputs[0]);
    auto* y = static_cast<float*>(outputs[0]);
    const int64_t min_bytes = op_ == F32UnaryOp::kClip ? kMinSplitCheapBytes : kMinSplitBytes;
    SplitElements(pool_, count_, sizeof(float), min_bytes, [&](int64_t begin, int64_t end) {
      if (sqrt_) {
        ref::SqrtF32(end - begin, x + begin, y + begin);
      } else {
        kernel_(op_, end - begin, x + begin, params_, y + begin);
      }
    });
  }
  std::string_view name() const override { return name_; }

 private:
  ThreadPool* pool_;
  bool sqrt_;
  int64_t count_;
  F32UnaryOp op_ = F32UnaryOp::kClip;
  F32UnaryParams params_;
  F32UnaryFn kernel_ = nullptr;
  std::string_view name_;
};

// What a table op computes, in double precision (the table rounds it once).
double TableFunction(const Node& node, double x) {
  switch (node.op) {
    case OpType::kSigmoid:
      return 1.0 / (1.0 + std::exp(-x));
    case OpType::kTanh:
      return std::tanh(x);
    case OpType::kSilu:
      return x / (1.0 + std::exp(-x));
    case OpType::kErf:
      return std::erf(x);
    case OpType::kExp:
      return std::exp(x);
    case OpType::kSoftplus:
      return ref::Softplus(x);
    case OpType::kMish:
      return x * std::tanh(ref::Softplus(x));
    case OpType::kGelu:
      if (ParseGeluApproximation(node.attrs.GetString("approximate", "none")) ==
          GeluApproximation::kTanh) {
        return x / (1.0 + std::exp(-1.5957691216057307117 * (x + 0.044715 * x * x * x)));
      }
      return 0.5 * x * std::erfc(-x * 0.70710678118654752440);
    case OpType::kHardSigmoid:
      return std::clamp(node.attrs.GetFloat("alpha", 0.2f) * x + node.attrs.GetFloat("beta", 0.5f),
                        0.0, 1.0);
    default:  // HardSwish
      return x * std::clamp(x / 6.0 + 0.5, 0.0, 1.0);
  }
}

template <typename In, typename Out>
class ActivationQ8Kernel final : public OpKernel {
 public:
  ActivationQ8Kernel(const Graph& g, const Node& node, ThreadPool* pool)
      : pool_(pool), op_(node.op), count_(NumElements(Output(g, node).shape)) {
    const Value& x = Input(g, node, 0);
    const Value& y = Output(g, node);
    input_zero_point_ = ZeroPoint(x);
    output_zero_point_ = ZeroPoint(y);
    lo_ = QuantMin(y.dtype);
    hi_ = QuantMax(y.dtype);
    const bool rescale_op = op_ == OpType::kRelu || op_ == OpType::kClip;
    const auto& chosen = ChooseKernel(Q8PointwiseKernels(), {rescale_op});
    lookup_ = chosen.entry;
    name_ = chosen.name;
    if (!rescale_op) {
      FillQ8Table<In>(
          x, y, lo_, hi_, [&](double real) { return TableFunction(node, real); }, table_);
      return;
    }
    if (!lookup_) name_ = op_ == OpType::kRelu ? "ref_relu_q8" : "ref_clip_q8";
    requant_ = QuantizeMultiplier(static_cast<double>(Scale(x)) / Scale(y));
    lo_ = std::max(lo_, output_zero_point_);  // Relu and Clip(min >= 0) share this floor
    if (op_ == OpType::kClip) {
      const Q8Range range =
          ClipRange(y.dtype, Scale(y), output_zero_point_,
                    node.attrs.GetFloat("min", -std::numeric_limits<float>::infinity()),
                    node.attrs.GetFloat("max", std::numeric_limits<float>::infinity()));
      lo_ = range.lo;
      hi_ = range.hi;
    }
    if (lookup_) {
      // The rescale and clamp of each of the 256 inputs, built with the reference kernel itself.
      In inputs[256];
      for (int32_t i = 0; i < 256; ++i) {
        inputs[i] = static_cast<In>(std::numeric_limits<In>::min() + i);
      }
      ref::RescaleClampQ8(256, inputs, input_zero_point_, requant_, output_zero_point_, lo_, hi_,
                          table_);
    }
  }
  void Run(const void* const* inputs, void* const* outputs, void*) override {
    const auto* x = static_cast<const In*>(inputs[0]);
    auto* y = static_cast<Out*>(outputs[0]);
    SplitElements(pool_, count_, sizeof(Out), kMinSplitCheapBytes, [&](int64_t begin, int64_t end) {
      if (lookup_) {
        lookup_(end - begin, x + begin, std::is_signed_v<In>, table_, y + begin);
      } else {
        ref::RescaleClampQ8(end - begin, x + begin, input_zero_point_, requant_, output_zero_point_,
                            lo_, hi_, y + begin);
      }
    });
  }
  std::string_view name() const override { return name_; }

 private:
  ThreadPool* pool_;
  OpType op_;
  int64_t count_;
  int32_t input_zero_point_ = 0, output_zero_point_ = 0, lo_ = 0, hi_ = 0;
  Requant requant_;
  Out table_[256] = {};
  Q8LookupFn lookup_ = nullptr;  // null: the reference rescale and clamp (Relu, Clip)
  std::string_view name_;
};

}  // namespace

std::unique_ptr<OpKernel> MakeActivationKernel(const Graph& g, const Node& node, ThreadPool* pool) {
  const Value& x = Input(g, node, 0);
  if (x.dtype == DType::kF32) return std::make_unique<ActivationF32Kernel>(g, node, pool);
  if (node.op == OpType::kSqrt) Unsupported(node, "a quantized input");
  std::unique_ptr<OpKernel> kernel;
  DispatchQ8(x.dtype, Output(g, node).dtype, [&](auto in, auto out) {
    kernel = std::make_unique<ActivationQ8Kernel<decltype(in), decltype(out)>>(g, node, pool);
  });
  return kernel;
}

}  // namespace trit::runtime
