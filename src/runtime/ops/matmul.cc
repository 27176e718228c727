// MatMul binding (fp32, two activations): resolves the batch broadcast once at load.
#include "kernels/ref/matmul.h"

#include <memory>
#include <vector>

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
  if (a.dtype != DType::kF32 || b.dtype != DType::kF32) Unsupported(node, "a non-f32 input");
  const Shape out_batch(y.shape.begin(), y.shape.end() - 2);
  const Shape a_batch(a.shape.begin(), a.shape.end() - 2);
  const Shape b_batch(b.shape.begin(), b.shape.end() - 2);
  return std::make_unique<MatMulKernel>(BatchIndex(out_batch, a_batch),
                                        BatchIndex(out_batch, b_batch), a.shape[a.shape.size() - 2],
                                        a.shape.back(), b.shape.back());
}

}  // namespace trit::runtime
