// The registry of op bindings: one row per OpType. A binding (runtime/ops/<op>.cc) checks the
// node's types, prepares its kernel (asking the op family's kernel table, kernels/registry/, for
// the optimized one) and defines its factory; the row here names it. The switch has no default,
// so an op without a row is a compile error (-Wswitch, -Werror in the CI builds).
#include <string>

#include "core/error.h"
#include "runtime/op_kernel.h"

namespace trit::runtime {

using OpKernelFactory = std::unique_ptr<OpKernel> (*)(const Graph& graph, const Node& node,
                                                      ThreadPool* pool);

// Defined in runtime/ops/, one file each.
std::unique_ptr<OpKernel> MakeConv2DKernel(const Graph&, const Node&, ThreadPool*);
std::unique_ptr<OpKernel> MakeDenseKernel(const Graph&, const Node&, ThreadPool*);
std::unique_ptr<OpKernel> MakePoolKernel(const Graph&, const Node&, ThreadPool*);
std::unique_ptr<OpKernel> MakePadKernel(const Graph&, const Node&, ThreadPool*);
std::unique_ptr<OpKernel> MakeElementwiseKernel(const Graph&, const Node&, ThreadPool*);
std::unique_ptr<OpKernel> MakeTransposeKernel(const Graph&, const Node&, ThreadPool*);
std::unique_ptr<OpKernel> MakeReduceMeanKernel(const Graph&, const Node&, ThreadPool*);
std::unique_ptr<OpKernel> MakeMatMulKernel(const Graph&, const Node&, ThreadPool*);
std::unique_ptr<OpKernel> MakeConcatKernel(const Graph&, const Node&, ThreadPool*);
std::unique_ptr<OpKernel> MakeReshapeKernel(const Graph&, const Node&, ThreadPool*);
std::unique_ptr<OpKernel> MakeActivationKernel(const Graph&, const Node&, ThreadPool*);
std::unique_ptr<OpKernel> MakeSoftmaxKernel(const Graph&, const Node&, ThreadPool*);
std::unique_ptr<OpKernel> MakeBatchNormKernel(const Graph&, const Node&, ThreadPool*);
std::unique_ptr<OpKernel> MakeLayerNormKernel(const Graph&, const Node&, ThreadPool*);
std::unique_ptr<OpKernel> MakeQuantizeKernel(const Graph&, const Node&, ThreadPool*);
std::unique_ptr<OpKernel> MakeBinarizeKernel(const Graph&, const Node&, ThreadPool*);
std::unique_ptr<OpKernel> MakeRecurrentKernel(const Graph&, const Node&, ThreadPool*);
std::unique_ptr<OpKernel> MakeStructuredDenseKernel(const Graph&, const Node&, ThreadPool*);

namespace {

OpKernelFactory FactoryOf(OpType op) {
  switch (op) {
    case OpType::kConv2D:
      return MakeConv2DKernel;
    case OpType::kDense:
      return MakeDenseKernel;
    case OpType::kMaxPool:
    case OpType::kAvgPool:
    case OpType::kGlobalAvgPool:
      return MakePoolKernel;
    case OpType::kPad:
      return MakePadKernel;
    case OpType::kAdd:
    case OpType::kMul:
    case OpType::kSub:
    case OpType::kDiv:
    case OpType::kPow:
    case OpType::kMin:
    case OpType::kMax:
      return MakeElementwiseKernel;
    case OpType::kTranspose:
      return MakeTransposeKernel;
    case OpType::kReduceMean:
      return MakeReduceMeanKernel;
    case OpType::kMatMul:
      return MakeMatMulKernel;
    case OpType::kConcat:
      return MakeConcatKernel;
    case OpType::kReshape:
    case OpType::kFlatten:
    case OpType::kDropout:
      return MakeReshapeKernel;
    case OpType::kRelu:
    case OpType::kClip:
    case OpType::kSigmoid:
    case OpType::kTanh:
    case OpType::kSqrt:
    case OpType::kHardSigmoid:
    case OpType::kHardSwish:
    case OpType::kSilu:
    case OpType::kErf:
    case OpType::kGelu:
    case OpType::kExp:
    case OpType::kSoftplus:
    case OpType::kMish:
      return MakeActivationKernel;
    case OpType::kSoftmax:
      return MakeSoftmaxKernel;
    case OpType::kBatchNorm:
      return MakeBatchNormKernel;
    case OpType::kLayerNorm:
      return MakeLayerNormKernel;
    case OpType::kQuantize:
    case OpType::kDequantize:
      return MakeQuantizeKernel;
    case OpType::kBinarize:
      return MakeBinarizeKernel;
    case OpType::kLstm:
    case OpType::kGru:
    case OpType::kFastRnn:
    case OpType::kFastGrnn:
      return MakeRecurrentKernel;
    case OpType::kStructuredDense:
      return MakeStructuredDenseKernel;
  }
  return nullptr;  // a value outside the enum (a corrupt graph)
}

}  // namespace

std::unique_ptr<OpKernel> CreateOpKernel(const Graph& graph, const Node& node, ThreadPool* pool) {
  if (const OpKernelFactory make = FactoryOf(node.op)) return make(graph, node, pool);
  throw Error(ErrorCode::kUnsupported, "node '" + node.name + "': no kernel for this op");
}

}  // namespace trit::runtime
