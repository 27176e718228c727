// Reshape, Flatten and Dropout (inference): the output is the input's bytes, so the planner
// gives both the same place and nothing runs.
#include <memory>

#include "runtime/op_kernel.h"
#include "runtime/ops/op_support.h"

namespace trit::runtime {
namespace {

class AliasKernel final : public OpKernel {
 public:
  explicit AliasKernel(std::string_view name) : name_(name) {}
  void Run(const void* const*, void* const*, void*) override {}
  bool is_alias() const override { return true; }
  std::string_view name() const override { return name_; }

 private:
  std::string_view name_;
};

}  // namespace

std::unique_ptr<OpKernel> MakeReshapeKernel(const Graph& g, const Node& node, ThreadPool*) {
  const Value& x = Input(g, node, 0);
  const Value& y = Output(g, node);
  if (x.dtype != y.dtype || !(x.quant == y.quant)) {
    Unsupported(node, "a change of type or quantization parameters");
  }
  switch (node.op) {
    case OpType::kReshape:
      return std::make_unique<AliasKernel>("ref_reshape_alias");
    case OpType::kFlatten:
      return std::make_unique<AliasKernel>("ref_flatten_alias");
    default:
      return std::make_unique<AliasKernel>("ref_dropout_alias");
  }
}

}  // namespace trit::runtime
