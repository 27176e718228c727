#include "reference_kernels.h"

#include <string_view>

#include "kernels/isa.h"

namespace trit::cli {
namespace {

// Ops with an optimized kernel for some of their types and parameters (kernels.md): for these a
// reference kernel means these types or parameters have no row. Every other op has none yet.
bool HasOptimizedKernels(OpType op) {
  switch (op) {
    case OpType::kConv2D:
    case OpType::kDense:
    case OpType::kMaxPool:
    case OpType::kAvgPool:
    case OpType::kGlobalAvgPool:
    case OpType::kAdd:
    case OpType::kMul:
    case OpType::kMin:
    case OpType::kMax:
    case OpType::kSub:
    case OpType::kDiv:
    case OpType::kConcat:
    case OpType::kTranspose:
    case OpType::kRelu:
    case OpType::kClip:
    case OpType::kSigmoid:
    case OpType::kTanh:
    case OpType::kSilu:
    case OpType::kErf:
    case OpType::kGelu:
    case OpType::kExp:
    case OpType::kMish:
    case OpType::kLayerNorm:
    case OpType::kHardSigmoid:
    case OpType::kHardSwish:
    case OpType::kBatchNorm:
    case OpType::kQuantize:
    case OpType::kDequantize:
    case OpType::kBinarize:
    case OpType::kLstm:
    case OpType::kGru:
    case OpType::kFastRnn:
    case OpType::kFastGrnn:
    case OpType::kStructuredDense:
      return true;
    default:
      return false;
  }
}

std::string Why(OpType op) {
  if (ActiveIsa() == Isa::kRef) {
    return DetectedIsa() == Isa::kRef ? "this CPU has no vector level trit uses"
                                      : "the reference level was chosen (TRIT_ISA=ref)";
  }
  return HasOptimizedKernels(op) ? "no optimized kernel for these types or parameters"
                                 : "no optimized kernel for this op yet";
}

}  // namespace

std::vector<ReferenceKernelGroup> ReferenceKernels(const Graph& graph,
                                                   const runtime::Session& session) {
  std::vector<ReferenceKernelGroup> groups;
  for (const NodeId id : graph.TopologicalOrder()) {
    const Node& node = graph.node(id);
    const std::string kernel(session.kernel_name(id));
    if (kernel.rfind("ref_", 0) != 0 || kernel.ends_with("_alias")) continue;
    const std::string op(OpTypeName(node.op));
    const std::string dtype(DTypeName(graph.value(node.inputs[0]).dtype));
    ReferenceKernelGroup* group = nullptr;
    for (ReferenceKernelGroup& g : groups) {
      if (g.op == op && g.dtype == dtype && g.kernel == kernel) group = &g;
    }
    if (!group) {
      groups.push_back({op, dtype, kernel, Why(node.op), {}});
      group = &groups.back();
    }
    group->nodes.push_back(id);
  }
  return groups;
}

}  // namespace trit::cli
