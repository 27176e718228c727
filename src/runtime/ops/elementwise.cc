// Binary elementwise bindings with broadcasting: Add, Mul, Sub, Div, Pow in fp32; Add and Mul
// quantized.
#include "kernels/ref/elementwise.h"

#include <memory>
#include <type_traits>

#include "kernels/q8_prepare.h"
#include "kernels/registry/elementwise.h"
#include "runtime/op_kernel.h"
#include "runtime/ops/op_support.h"

namespace trit::runtime {
namespace {

ref::Broadcast BroadcastOf(const Graph& g, const Node& node) {
  const Shape& a = Input(g, node, 0).shape;
  const Shape& b = Input(g, node, 1).shape;
  return ref::MakeBroadcast(a.data(), static_cast<int>(a.size()), b.data(),
                            static_cast<int>(b.size()));
}

// Pow runs the reference; Add, Sub, Mul and Div their row of the fp32 table.
class BinaryF32Kernel final : public OpKernel {
 public:
  BinaryF32Kernel(const Graph& g, const Node& node)
      : broadcast_(BroadcastOf(g, node)), pow_(node.op == OpType::kPow) {
    if (pow_) {
      name_ = "ref_pow_f32";
      return;
    }
    op_ = node.op == OpType::kAdd   ? F32BinaryOp::kAdd
          : node.op == OpType::kSub ? F32BinaryOp::kSub
          : node.op == OpType::kMul ? F32BinaryOp::kMul
                                    : F32BinaryOp::kDiv;
    const auto& chosen = ChooseKernel(F32BinaryKernels(), {op_});
    kernel_ = chosen.entry;
    name_ = chosen.name;
  }
  void Run(const void* const* inputs, void* const* outputs, void*) override {
    const auto* a = static_cast<const float*>(inputs[0]);
    const auto* b = static_cast<const float*>(inputs[1]);
    auto* y = static_cast<float*>(outputs[0]);
    if (pow_) {
      ref::PowF32(broadcast_, a, b, y);
    } else {
      kernel_(op_, broadcast_, a, b, y);
    }
  }
  std::string_view name() const override { return name_; }

 private:
  ref::Broadcast broadcast_;
  bool pow_;
  F32BinaryOp op_ = F32BinaryOp::kAdd;
  F32BinaryFn kernel_ = nullptr;
  std::string_view name_;
};

template <typename A, typename B, typename Out>
class BinaryQ8Kernel final : public OpKernel {
 public:
  BinaryQ8Kernel(const Graph& g, const Node& node)
      : broadcast_(BroadcastOf(g, node)), add_(node.op == OpType::kAdd) {
    const Value& a = Input(g, node, 0);
    const Value& b = Input(g, node, 1);
    const Value& y = Output(g, node);
    const int32_t lo = QuantMin(y.dtype), hi = QuantMax(y.dtype);
    if (add_) {
      add_params_ = AddQ8Params(Scale(a), ZeroPoint(a), Scale(b), ZeroPoint(b), y.dtype, Scale(y),
                                ZeroPoint(y));
    } else {
      mul_params_ = {
          ZeroPoint(a), ZeroPoint(b),
          ZeroPoint(y), QuantizeMultiplier(static_cast<double>(Scale(a)) * Scale(b) / Scale(y)),
          lo,           hi};
    }
    const bool same_shapes = a.shape == y.shape && b.shape == y.shape;
    if (add_) {
      const auto& add = ChooseKernel(Q8AddKernels(), {same_shapes, add_params_});
      add_kernel_ = add.entry;
      name_ = add.name;
    } else {
      const auto& mul = ChooseKernel(Q8MulKernels(), {same_shapes, mul_params_});
      mul_kernel_ = mul.entry;
      name_ = mul.name;
    }
  }
  void Run(const void* const* inputs, void* const* outputs, void*) override {
    const auto* a = static_cast<const A*>(inputs[0]);
    const auto* b = static_cast<const B*>(inputs[1]);
    auto* y = static_cast<Out*>(outputs[0]);
    if (add_) {
      add_kernel_(broadcast_, a, std::is_signed_v<A>, b, std::is_signed_v<B>, add_params_, y,
                  std::is_signed_v<Out>);
    } else {
      mul_kernel_(broadcast_, a, std::is_signed_v<A>, b, std::is_signed_v<B>, mul_params_, y,
                  std::is_signed_v<Out>);
    }
  }
  std::string_view name() const override { return name_; }

 private:
  ref::Broadcast broadcast_;
  bool add_;
  ref::QuantAddParams add_params_;
  ref::QuantMulParams mul_params_;
  Q8AddFn add_kernel_ = nullptr;
  Q8MulFn mul_kernel_ = nullptr;
  std::string_view name_;
};

}  // namespace

std::unique_ptr<OpKernel> MakeElementwiseKernel(const Graph& g, const Node& node, ThreadPool*) {
  const Value& a = Input(g, node, 0);
  if (Input(g, node, 0).shape.size() > ref::kMaxRank ||
      Input(g, node, 1).shape.size() > ref::kMaxRank) {
    Unsupported(node, "rank above 8");
  }
  if (a.dtype == DType::kF32) return std::make_unique<BinaryF32Kernel>(g, node);
  if (node.op != OpType::kAdd && node.op != OpType::kMul) Unsupported(node, "a quantized input");
  std::unique_ptr<OpKernel> kernel;
  const DType b_type = Input(g, node, 1).dtype;
  DispatchQ8(a.dtype, Output(g, node).dtype, [&](auto a_tag, auto out_tag) {
    using A = decltype(a_tag);
    using Out = decltype(out_tag);
    if (b_type == DType::kU8) {
      kernel = std::make_unique<BinaryQ8Kernel<A, uint8_t, Out>>(g, node);
    } else {
      kernel = std::make_unique<BinaryQ8Kernel<A, int8_t, Out>>(g, node);
    }
  });
  return kernel;
}

}  // namespace trit::runtime
