#include <string>

#include "core/error.h"
#include "runtime/ops/ops.h"

namespace trit::runtime {

std::unique_ptr<OpKernel> CreateOpKernel(const Graph& graph, const Node& node, ThreadPool* pool) {
  switch (node.op) {
    case OpType::kConv2D:
      return MakeConv2DKernel(graph, node, pool);
    case OpType::kDense:
      return MakeDenseKernel(graph, node, pool);
    case OpType::kMaxPool:
    case OpType::kAvgPool:
    case OpType::kGlobalAvgPool:
      return MakePoolKernel(graph, node);
    case OpType::kPad:
      return MakePadKernel(graph, node);
    case OpType::kAdd:
    case OpType::kMul:
    case OpType::kSub:
    case OpType::kDiv:
    case OpType::kPow:
      return MakeElementwiseKernel(graph, node);
    case OpType::kTranspose:
      return MakeTransposeKernel(graph, node);
    case OpType::kReduceMean:
      return MakeReduceMeanKernel(graph, node);
    case OpType::kMatMul:
      return MakeMatMulKernel(graph, node);
    case OpType::kConcat:
      return MakeConcatKernel(graph, node);
    case OpType::kReshape:
    case OpType::kFlatten:
    case OpType::kDropout:
      return MakeReshapeKernel(graph, node);
    case OpType::kRelu:
    case OpType::kClip:
    case OpType::kSigmoid:
    case OpType::kTanh:
    case OpType::kSqrt:
    case OpType::kHardSigmoid:
    case OpType::kHardSwish:
      return MakeActivationKernel(graph, node);
    case OpType::kSoftmax:
      return MakeSoftmaxKernel(graph, node);
    case OpType::kBatchNorm:
      return MakeBatchNormKernel(graph, node);
    case OpType::kQuantize:
    case OpType::kDequantize:
      return MakeQuantizeKernel(graph, node);
    case OpType::kBinarize:
      return MakeBinarizeKernel(graph, node);
    case OpType::kLstm:
    case OpType::kGru:
    case OpType::kFastRnn:
    case OpType::kFastGrnn:
      return MakeRecurrentKernel(graph, node);
    case OpType::kStructuredDense:
      return MakeStructuredDenseKernel(graph, node);
  }
  throw Error(ErrorCode::kUnsupported, "node '" + node.name + "': no kernel for this op");
}

}  // namespace trit::runtime
