// PLACEHOLDER until the op lands: replaced by the real kernel binding.
#include "core/error.h"
#include "runtime/ops/ops.h"

namespace trit::runtime {

std::unique_ptr<OpKernel> MakePoolKernel(const Graph& graph, const Node& node) {
  throw Error(ErrorCode::kUnsupported, "node '" + node.name + "': op not implemented yet");
}

}  // namespace trit::runtime
