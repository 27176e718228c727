// Transpose binding: any activation type but packed bits. A permutation that keeps the memory
// order (it only moves axes of extent 1) is an alias.
#include "kernels/ref/transpose.h"

#include <memory>
#include <vector>

#include "kernels/registry/transpose.h"
#include "runtime/op_kernel.h"
#include "runtime/ops/op_support.h"

namespace trit::runtime {
namespace {

// A permutation that merges (ref::MergeTransposeAxes) into a batch of matrix transposes runs its
// row of the Transpose table; any other the reference.
class TransposeKernel final : public OpKernel {
 public:
  TransposeKernel(const Value& x, std::vector<int64_t> perm, size_t element_bytes, bool alias)
      : shape_(x.shape), perm_(std::move(perm)), element_bytes_(element_bytes), alias_(alias) {
    if (alias_) {
      name_ = "ref_transpose_alias";
      return;
    }
    const ref::MergedTranspose m =
        ref::MergeTransposeAxes(shape_.data(), perm_.data(), static_cast<int>(shape_.size()));
    const bool matrix = m.rank == 2 && m.perm[0] == 1;
    const bool batch = m.rank == 3 && m.perm[0] == 0 && m.perm[1] == 2 && m.perm[2] == 1;
    if (matrix || batch) {
      batch_ = batch ? m.shape[0] : 1;
      rows_ = m.shape[m.rank - 2];
      cols_ = m.shape[m.rank - 1];
      const auto& chosen = ChooseKernel(TransposeKernels(), {rows_, cols_, element_bytes_});
      kernel_ = chosen.entry;
      name_ = chosen.name;
    }
  }
  void Run(const void* const* inputs, void* const* outputs, void*) override {
    if (kernel_) {
      kernel_(batch_, rows_, cols_, element_bytes_, inputs[0], outputs[0]);
      return;
    }
    ref::Transpose(inputs[0], shape_.data(), perm_.data(), static_cast<int>(shape_.size()),
                   element_bytes_, outputs[0]);
  }
  bool is_alias() const override { return alias_; }
  std::string_view name() const override { return name_; }

 private:
  Shape shape_;
  std::vector<int64_t> perm_;
  size_t element_bytes_;
  bool alias_;
  int64_t batch_ = 1, rows_ = 0, cols_ = 0;
  TransposeFn kernel_ = nullptr;  // null: the reference on the whole permutation
  std::string_view name_ = "ref_transpose";
};

}  // namespace

std::unique_ptr<OpKernel> MakeTransposeKernel(const Graph& g, const Node& node, ThreadPool*) {
  const Value& x = Input(g, node, 0);
  const Value& y = Output(g, node);
  if (x.dtype != y.dtype || !(x.quant == y.quant)) {
    Unsupported(node, "a change of type or quantization parameters");
  }
  if (x.dtype != DType::kF32 && !IsQuantizedActivation(x.dtype)) {
    Unsupported(node, "type " + TypeSuffix(x.dtype));
  }
  if (x.shape.size() > static_cast<size_t>(ref::kMaxTransposeRank)) {
    Unsupported(node, "rank above 8");
  }
  std::vector<int64_t> perm = node.attrs.GetInts("perm", {});
  // The memory order is unchanged when the axes of extent above 1 keep their order.
  std::vector<int64_t> moved;
  for (const int64_t axis : perm) {
    if (x.shape[static_cast<size_t>(axis)] != 1) moved.push_back(axis);
  }
  bool alias = true;
  for (size_t i = 1; i < moved.size(); ++i) alias = alias && moved[i - 1] < moved[i];
  const size_t element_bytes = x.dtype == DType::kF32 ? 4 : 1;
  return std::make_unique<TransposeKernel>(x, std::move(perm), element_bytes, alias);
}

}  // namespace trit::runtime
