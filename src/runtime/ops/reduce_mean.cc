// ReduceMean binding (fp32).
#include "kernels/ref/reduce_mean.h"

#include <memory>
#include <vector>

#include "runtime/op_kernel.h"
#include "runtime/ops/op_support.h"

namespace trit::runtime {
namespace {

class ReduceMeanKernel final : public OpKernel {
 public:
  ReduceMeanKernel(Shape shape, std::vector<char> reduced)
      : shape_(std::move(shape)), reduced_(std::move(reduced)) {}
  void Run(const void* const* inputs, void* const* outputs, void*) override {
    ref::ReduceMeanF32(static_cast<const float*>(inputs[0]), shape_.data(),
                       reinterpret_cast<const bool*>(reduced_.data()),
                       static_cast<int>(shape_.size()), static_cast<float*>(outputs[0]));
  }
  std::string_view name() const override { return "ref_reduce_mean_f32"; }

 private:
  Shape shape_;
  std::vector<char> reduced_;  // bool per axis (char: vector<bool> has no data())
};

}  // namespace

std::unique_ptr<OpKernel> MakeReduceMeanKernel(const Graph& g, const Node& node, ThreadPool*) {
  const Value& x = Input(g, node, 0);
  if (x.dtype != DType::kF32) Unsupported(node, "type " + TypeSuffix(x.dtype));
  const std::vector<int64_t> axes = node.attrs.GetInts("axes", {});
  const auto rank = static_cast<int64_t>(x.shape.size());
  std::vector<char> reduced(x.shape.size(), axes.empty() ? 1 : 0);
  for (const int64_t axis : axes) reduced[static_cast<size_t>(axis < 0 ? axis + rank : axis)] = 1;
  return std::make_unique<ReduceMeanKernel>(x.shape, std::move(reduced));
}

}  // namespace trit::runtime
