// MatMul binding (two activations, fp32 or 8-bit): resolves the batch broadcast once at load.
#include "kernels/ref/matmul.h"

#include <memory>
#include <vector>

#include "kernels/q8_prepare.h"
#include "runtime/op_kernel.h"
#include "runtime/ops/op_support.h"

namespace trit::runtime {
namespace {

class MatMulKernel final : public OpKernel {
 public:
  MatMulKernel(std::vector<int64_t> batch_a, std::vector<int64_t> batch_b, int64_t m, int64_t k,
               int64_t n)
      : batch_a_(std::move(batch_a)), batch_b_(std::move(batch_b)), m_(m), k_(k), n_(n) {}
  void Run(const void* const* inputs, void* const* outputs, void*) override {
    ref::MatMulF32(static_cast<const float*>(inputs[0]), static_cast<const float*>(inputs[1]),
                   static_cast<int64_t>(batch_a_.size()), batch_a_.data(), batch_b_.data(), m_, k_,
                   n_, static_cast<float*>(outputs[0]));
  }
  std::string_view name() const override { return "ref_matmul_f32"; }

 private:
  std::vector<int64_t> batch_a_, batch_b_;
  int64_t m_, k_, n_;
};

template <typename A, typename B, typename Out>
class MatMulQ8Kernel final : public OpKernel {
 public:
  MatMulQ8Kernel(const Graph& g, const Node& node, std::vector<int64_t> batch_a,
                 std::vector<int64_t> batch_b, int64_t m, int64_t k, int64_t n)
      : batch_a_(std::move(batch_a)), batch_b_(std::move(batch_b)), m_(m), k_(k), n_(n) {
    const Value& a = Input(g, node, 0);
    const Value& b = Input(g, node, 1);
    const Value& y = Output(g, node);
    params_ = {
        ZeroPoint(a),      ZeroPoint(b),
        ZeroPoint(y),      QuantizeMultiplier(static_cast<double>(Scale(a)) * Scale(b) / Scale(y)),
        QuantMin(y.dtype), QuantMax(y.dtype)};
  }
  void Run(const void* const* inputs, void* const* outputs, void*) override {
    ref::MatMulQ8(static_cast<const A*>(inputs[0]), static_cast<const B*>(inputs[1]),
                  static_cast<int64_t>(batch_a_.size()), batch_a_.data(), batch_b_.data(), m_, k_,
                  n_, params_, static_cast<Out*>(outputs[0]));
  }
  std::string_view name() const override { return "ref_matmul_q8"; }

 private:
  std::vector<int64_t> batch_a_, batch_b_;
  int64_t m_, k_, n_;
  ref::MatMulQ8Params params_;
};

// Index of the source matrix of each output matrix under NumPy broadcasting of the batch dims.
std::vector<int64_t> BatchIndex(const Shape& out_batch, const Shape& batch) {
  const size_t rank = out_batch.size();
  std::vector<int64_t> index(static_cast<size_t>(NumElements(out_batch)), 0);
  for (size_t i = 0; i < index.size(); ++i) {
    int64_t rest = static_cast<int64_t>(i), source = 0, step = 1;
    for (size_t d = rank; d-- > 0;) {
      const int64_t coordinate = rest % out_batch[d];
      rest /= out_batch[d];
      const size_t offset = rank - batch.size();
      if (d >= offset) {
        const int64_t extent = batch[d - offset];
        if (extent != 1) source += coordinate * step;
        step *= extent;
      }
    }
    index[i] = source;
  }
  return index;
}

}  // namespace

std::unique_ptr<OpKernel> MakeMatMulKernel(const Graph& g, const Node& node, ThreadPool*) {
  const Value& a = Input(g, node, 0);
  const Value& b = Input(g, node, 1);
  const Value& y = Output(g, node);
  const Shape out_batch(y.shape.begin(), y.shape.end() - 2);
  const Shape a_batch(a.shape.begin(), a.shape.end() - 2);
  const Shape b_batch(b.shape.begin(), b.shape.end() - 2);
  const int64_t m = a.shape[a.shape.size() - 2], k = a.shape.back(), n = b.shape.back();
  if (a.dtype == DType::kF32) {
    return std::make_unique<MatMulKernel>(BatchIndex(out_batch, a_batch),
                                          BatchIndex(out_batch, b_batch), m, k, n);
  }
  if (k > ref::kMatMulQ8MaxDepth) Unsupported(node, "an 8-bit depth above 33025 (int32 sums)");
  std::unique_ptr<OpKernel> kernel;
  DispatchQ8(a.dtype, y.dtype, [&](auto a_tag, auto out_tag) {
    using A = decltype(a_tag);
    using Out = decltype(out_tag);
    auto make = [&](auto b_tag) {
      kernel = std::make_unique<MatMulQ8Kernel<A, decltype(b_tag), Out>>(
          g, node, BatchIndex(out_batch, a_batch), BatchIndex(out_batch, b_batch), m, k, n);
    };
    if (b.dtype == DType::kU8) {
      make(uint8_t{});
    } else {
      make(int8_t{});
    }
  });
  return kernel;
}

}  // namespace trit::runtime
