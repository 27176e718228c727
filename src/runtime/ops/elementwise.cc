// Binary elementwise bindings with broadcasting: Add, Mul, Sub, Div, Pow, Min, Max in fp32; Add,
// Sub, Mul, Min and Max quantized (Sub as the Add with the second input's multiplier negated),
// and Div by one constant. Add
// may carry a fused ReLU / ReLU6 (its "activation").
#include "kernels/ref/elementwise.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <memory>
#include <type_traits>

#include "core/op_dtype_checks.h"
#include "kernels/q8_prepare.h"
#include "kernels/registry/activation.h"
#include "kernels/registry/elementwise.h"
#include "runtime/op_kernel.h"
#include "runtime/ops/element_split.h"
#include "runtime/ops/fused_activation.h"
#include "runtime/ops/op_support.h"

namespace trit::runtime {
namespace {

// Two operands of the output's own shape: one flat row, which the threads may split.
bool SameShapes(const Graph& g, const Node& node) {
  return Input(g, node, 0).shape == Output(g, node).shape &&
         Input(g, node, 1).shape == Output(g, node).shape;
}

// Elements [0, count) of same-shape operands as a broadcast of one row.
ref::Broadcast Flat(int64_t count) {
  ref::Broadcast b;
  b.rank = 1;
  b.extent[0] = count;
  b.stride_a[0] = b.stride_b[0] = 1;
  b.count = count;
  return b;
}

// Runs run(broadcast, begin) over the whole broadcast, or over contiguous parts of it on the
// pool's threads when both operands have the output's shape (begin: the part's first element).
template <typename Run>
void SplitBinary(ThreadPool* pool, bool same_shapes, const ref::Broadcast& broadcast,
                 int64_t element_bytes, Run&& run) {
  if (!same_shapes) {
    run(broadcast, int64_t{0});
    return;
  }
  SplitElements(pool, broadcast.count, element_bytes, kMinSplitBytes,
                [&](int64_t begin, int64_t end) { run(Flat(end - begin), begin); });
}

ref::Broadcast BroadcastOf(const Graph& g, const Node& node) {
  const Shape& a = Input(g, node, 0).shape;
  const Shape& b = Input(g, node, 1).shape;
  return ref::MakeBroadcast(a.data(), static_cast<int>(a.size()), b.data(),
                            static_cast<int>(b.size()));
}

// Pow runs the reference; Add, Sub, Mul, Div, Min and Max their row of the fp32 table.
class BinaryF32Kernel final : public OpKernel {
 public:
  BinaryF32Kernel(const Graph& g, const Node& node, ThreadPool* pool)
      : pool_(pool),
        same_shapes_(SameShapes(g, node)),
        broadcast_(BroadcastOf(g, node)),
        pow_(node.op == OpType::kPow),
        activation_(FusedActivation(node)) {
    if (pow_) {
      name_ = "ref_pow_f32";
      return;
    }
    op_ = node.op == OpType::kAdd   ? F32BinaryOp::kAdd
          : node.op == OpType::kSub ? F32BinaryOp::kSub
          : node.op == OpType::kMul ? F32BinaryOp::kMul
          : node.op == OpType::kMin ? F32BinaryOp::kMin
          : node.op == OpType::kMax ? F32BinaryOp::kMax
                                    : F32BinaryOp::kDiv;
    const auto& chosen = ChooseKernel(F32BinaryKernels(), {op_});
    kernel_ = chosen.entry;
    name_ = chosen.name;
  }
  void Run(const void* const* inputs, void* const* outputs, void*) override {
    const auto* a = static_cast<const float*>(inputs[0]);
    const auto* b = static_cast<const float*>(inputs[1]);
    auto* y = static_cast<float*>(outputs[0]);
    SplitBinary(pool_, same_shapes_, broadcast_, sizeof(float),
                [&](const ref::Broadcast& part, int64_t begin) {
                  if (pow_) {
                    ref::PowF32(part, a + begin, b + begin, y + begin);
                  } else {
                    kernel_(op_, part, a + begin, b + begin, y + begin);
                  }
                  activation_.Apply(y + begin, part.count);
                });
  }
  std::string_view name() const override { return name_; }

 private:
  ThreadPool* pool_;
  bool same_shapes_;
  ref::Broadcast broadcast_;
  bool pow_;
  FusedActivationF32 activation_;
  F32BinaryOp op_ = F32BinaryOp::kAdd;
  F32BinaryFn kernel_ = nullptr;
  std::string_view name_;
};

template <typename A, typename B, typename Out>
class BinaryQ8Kernel final : public OpKernel {
 public:
  BinaryQ8Kernel(const Graph& g, const Node& node, ThreadPool* pool)
      : pool_(pool),
        same_shapes_(SameShapes(g, node)),
        broadcast_(BroadcastOf(g, node)),
        add_(node.op == OpType::kAdd || node.op == OpType::kSub) {
    const Value& a = Input(g, node, 0);
    const Value& b = Input(g, node, 1);
    const Value& y = Output(g, node);
    const int32_t lo = QuantMin(y.dtype), hi = QuantMax(y.dtype);
    if (add_) {
      add_params_ = AddQ8Params(Scale(a), ZeroPoint(a), Scale(b), ZeroPoint(b), y.dtype, Scale(y),
                                ZeroPoint(y));
      const Q8Range range =
          LinearOutputRange(y.dtype, Scale(y), ZeroPoint(y), FusedActivation(node));
      add_params_.lo = range.lo;
      add_params_.hi = range.hi;
      // a - b = a + (-1) b: the rows that take a negative multiplier run it (the reference,
      // NEON's signed products); the others' predicates pass it on.
      if (node.op == OpType::kSub) add_params_.multiplier_b = -add_params_.multiplier_b;
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
      name_ = node.op == OpType::kSub && add.isa == Isa::kRef ? "ref_sub_q8" : add.name;
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
    SplitBinary(pool_, same_shapes_, broadcast_, sizeof(Out),
                [&](const ref::Broadcast& part, int64_t begin) {
                  if (add_) {
                    add_kernel_(part, a + begin, std::is_signed_v<A>, b + begin,
                                std::is_signed_v<B>, add_params_, y + begin, std::is_signed_v<Out>);
                  } else {
                    mul_kernel_(part, a + begin, std::is_signed_v<A>, b + begin,
                                std::is_signed_v<B>, mul_params_, y + begin, std::is_signed_v<Out>);
                  }
                });
  }
  std::string_view name() const override { return name_; }

 private:
  ThreadPool* pool_;
  bool same_shapes_;
  ref::Broadcast broadcast_;
  bool add_;
  ref::QuantAddParams add_params_;
  ref::QuantMulParams mul_params_;
  Q8AddFn add_kernel_ = nullptr;
  Q8MulFn mul_kernel_ = nullptr;
  std::string_view name_;
};

// Min and Max on 8-bit tensors. Each input's requantization to the output, zero point and clamp
// is a function of its byte: a 256-entry table per input, filled with the reference's own
// arithmetic. Because the clamp is monotone, clamp(zy + max(qa, qb)) = max(clamp(zy + qa),
// clamp(zy + qb)), so the result is the Max (Min) of the two looked-up bytes: bit for bit
// ref::MinMaxQ8. Operands of the output's shape: both looked up (the vector lookup rows of
// Q8PointwiseKernels) and compared; one operand a single element (Max(x, 0) as TensorFlow
// writes a ReLU): its value folded into the other's table, one lookup. Other broadcasts, and the
// reference level, run the reference.
template <typename A, typename B, typename Out>
class MinMaxQ8Kernel final : public OpKernel {
 public:
  MinMaxQ8Kernel(const Graph& g, const Node& node, ThreadPool* pool)
      : pool_(pool), same_shapes_(SameShapes(g, node)), broadcast_(BroadcastOf(g, node)) {
    const Value& a = Input(g, node, 0);
    const Value& b = Input(g, node, 1);
    const Value& y = Output(g, node);
    params_ = {ZeroPoint(a),
               ZeroPoint(b),
               ZeroPoint(y),
               QuantizeMultiplier(static_cast<double>(Scale(a)) / Scale(y)),
               QuantizeMultiplier(static_cast<double>(Scale(b)) / Scale(y)),
               QuantMin(y.dtype),
               QuantMax(y.dtype),
               node.op == OpType::kMax};
    const auto& lookup = ChooseKernel(Q8PointwiseKernels(), {false});
    const bool scalar_a = NumElements(a.shape) == 1, scalar_b = NumElements(b.shape) == 1;
    if (lookup.isa == Isa::kRef || !(same_shapes_ || scalar_a || scalar_b)) {
      name_ = params_.max ? "ref_max_q8" : "ref_min_q8";
      return;
    }
    lookup_ = lookup.entry;
    Fill<A>(params_.zero_a, params_.requant_a, table_a_);
    Fill<B>(params_.zero_b, params_.requant_b, table_b_);
    if (same_shapes_ && !(scalar_a || scalar_b)) {
      name_ = params_.max ? "q8_max_lut2" : "q8_min_lut2";
      form_ = Form::kTwoTables;
      return;
    }
    // Run: one table over the operand with the output's shape.
    name_ = params_.max ? "q8_max_lut" : "q8_min_lut";
    form_ = scalar_b ? Form::kScalarB : Form::kScalarA;
    scalar_value_ = Input(g, node, scalar_b ? 1 : 0).is_constant();
    if (!scalar_value_) return;  // a computed scalar: combined per run
    const uint8_t byte =
        *static_cast<const uint8_t*>(Input(g, node, scalar_b ? 1 : 0).data->data());
    Combine(byte);
  }
  void Run(const void* const* inputs, void* const* outputs, void*) override {
    const auto* a = static_cast<const A*>(inputs[0]);
    const auto* b = static_cast<const B*>(inputs[1]);
    auto* y = static_cast<Out*>(outputs[0]);
    if (form_ == Form::kScalarA || form_ == Form::kScalarB) {
      const bool b_scalar = form_ == Form::kScalarB;
      if (!scalar_value_) Combine(*static_cast<const uint8_t*>(inputs[b_scalar ? 1 : 0]));
      const void* x = b_scalar ? inputs[0] : inputs[1];
      const bool x_signed = b_scalar ? std::is_signed_v<A> : std::is_signed_v<B>;
      SplitElements(pool_, broadcast_.count, sizeof(Out), kMinSplitCheapBytes,
                    [&](int64_t begin, int64_t end) {
                      lookup_(end - begin, static_cast<const uint8_t*>(x) + begin, x_signed,
                              combined_, y + begin);
                    });
      return;
    }
    SplitBinary(pool_, same_shapes_, broadcast_, sizeof(Out),
                [&](const ref::Broadcast& part, int64_t begin) {
                  if (form_ == Form::kReference) {
                    ref::MinMaxQ8(part, a + begin, b + begin, params_, y + begin);
                  } else {
                    RunTwoTables(part.count, a + begin, b + begin, y + begin);
                  }
                });
  }
  std::string_view name() const override { return name_; }

 private:
  enum class Form { kReference, kTwoTables, kScalarA, kScalarB };

  // table[v - type_min] = clamp(zy + Requantize(v - z, m), lo, hi) for every byte v of type T.
  template <typename T>
  void Fill(int32_t zero, Requant requant, Out* table) const {
    for (int32_t i = 0; i < 256; ++i) {
      const int32_t v = std::numeric_limits<T>::min() + i;
      table[i] = static_cast<Out>(
          Clamp(params_.zero_out + Requantize(v - zero, requant), params_.lo, params_.hi));
    }
  }
  Out Pick(Out x, Out y) const { return params_.max ? (x > y ? x : y) : (x < y ? x : y); }
  // The scalar operand's looked-up value folded into the other operand's table.
  void Combine(uint8_t scalar_byte) {
    const bool b_scalar = form_ == Form::kScalarB;
    const bool scalar_signed = b_scalar ? std::is_signed_v<B> : std::is_signed_v<A>;
    const int index = scalar_signed ? (scalar_byte ^ 0x80) : scalar_byte;
    const Out fixed = b_scalar ? table_b_[index] : table_a_[index];
    const Out* other = b_scalar ? table_a_ : table_b_;
    for (int i = 0; i < 256; ++i) combined_[i] = Pick(other[i], fixed);
  }
  void RunTwoTables(int64_t count, const A* a, const B* b, Out* y) const {
    constexpr int64_t kBlock = 1024;  // two blocks of looked-up bytes on the stack, in L1
    Out looked_a[kBlock], looked_b[kBlock];
    for (int64_t i = 0; i < count; i += kBlock) {
      const int64_t n = std::min(kBlock, count - i);
      lookup_(n, a + i, std::is_signed_v<A>, table_a_, looked_a);
      lookup_(n, b + i, std::is_signed_v<B>, table_b_, looked_b);
      for (int64_t k = 0; k < n; ++k) y[i + k] = Pick(looked_a[k], looked_b[k]);
    }
  }

  ThreadPool* pool_;
  bool same_shapes_;
  ref::Broadcast broadcast_;
  ref::QuantMinMaxParams params_;
  Form form_ = Form::kReference;
  Q8LookupFn lookup_ = nullptr;
  bool scalar_value_ = false;  // the single-element operand is a constant: combined once
  Out table_a_[256] = {}, table_b_[256] = {}, combined_[256] = {};
  std::string_view name_;
};

// Div of an 8-bit tensor by one f32 constant c (attention scores / sqrt(d), a scale): a function
// of the input byte, so a 256-entry table, y = clamp(zy + round_half_even(sx (x - zx) / c / sy))
// in double precision, looked up by the pointwise table's row.
template <typename In, typename Out>
class DivByConstantQ8Kernel final : public OpKernel {
 public:
  DivByConstantQ8Kernel(const Graph& g, const Node& node, ThreadPool* pool)
      : pool_(pool), count_(NumElements(Output(g, node).shape)) {
    const Value& x = Input(g, node, 0);
    const Value& y = Output(g, node);
    const double divisor = *Input(g, node, 1).data->as<float>();
    if (!(divisor != 0.0 && std::isfinite(divisor)))
      Unsupported(node, "a zero or infinite divisor");
    FillQ8Table<In>(
        x, y, QuantMin(y.dtype), QuantMax(y.dtype), [&](double real) { return real / divisor; },
        table_);
    const auto& lookup = ChooseKernel(Q8PointwiseKernels(), {false});
    lookup_ = lookup.entry;
    name_ = lookup.isa == Isa::kRef ? "ref_div_q8" : "q8_div_lut";
  }
  void Run(const void* const* inputs, void* const* outputs, void*) override {
    const auto* x = static_cast<const In*>(inputs[0]);
    auto* y = static_cast<Out*>(outputs[0]);
    SplitElements(pool_, count_, sizeof(Out), kMinSplitCheapBytes, [&](int64_t begin, int64_t end) {
      lookup_(end - begin, x + begin, std::is_signed_v<In>, table_, y + begin);
    });
  }
  std::string_view name() const override { return name_; }

 private:
  ThreadPool* pool_;
  int64_t count_;
  Out table_[256] = {};
  Q8LookupFn lookup_ = nullptr;
  std::string_view name_;
};

}  // namespace

std::unique_ptr<OpKernel> MakeElementwiseKernel(const Graph& g, const Node& node,
                                                ThreadPool* pool) {
  const Value& a = Input(g, node, 0);
  if (Input(g, node, 0).shape.size() > ref::kMaxRank ||
      Input(g, node, 1).shape.size() > ref::kMaxRank) {
    Unsupported(node, "rank above 8");
  }
  if (a.dtype == DType::kF32) return std::make_unique<BinaryF32Kernel>(g, node, pool);
  if (node.op == OpType::kDiv && DividesByOneConstant(g, node)) {
    std::unique_ptr<OpKernel> kernel;
    DispatchQ8(a.dtype, Output(g, node).dtype, [&](auto in, auto out) {
      kernel = std::make_unique<DivByConstantQ8Kernel<decltype(in), decltype(out)>>(g, node, pool);
    });
    return kernel;
  }
  const bool min_max = node.op == OpType::kMin || node.op == OpType::kMax;
  if (node.op != OpType::kAdd && node.op != OpType::kSub && node.op != OpType::kMul && !min_max) {
    Unsupported(node, "a quantized input");
  }
  std::unique_ptr<OpKernel> kernel;
  const DType b_type = Input(g, node, 1).dtype;
  DispatchQ8(a.dtype, Output(g, node).dtype, [&](auto a_tag, auto out_tag) {
    using A = decltype(a_tag);
    using Out = decltype(out_tag);
    if (min_max) {
      if (b_type == DType::kU8) {
        kernel = std::make_unique<MinMaxQ8Kernel<A, uint8_t, Out>>(g, node, pool);
      } else {
        kernel = std::make_unique<MinMaxQ8Kernel<A, int8_t, Out>>(g, node, pool);
      }
    } else if (b_type == DType::kU8) {
      kernel = std::make_unique<BinaryQ8Kernel<A, uint8_t, Out>>(g, node, pool);
    } else {
      kernel = std::make_unique<BinaryQ8Kernel<A, int8_t, Out>>(g, node, pool);
    }
  });
  return kernel;
}

}  // namespace trit::runtime
