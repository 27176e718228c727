#include "train/torch_graph.h"

#include <algorithm>
#include <cmath>
#include <cstring>

#include "core/error.h"
#include "core/op_params.h"
#include "core/recurrent_layout.h"
#include "train/float_ops.h"

namespace trit::train {
namespace {

namespace F = torch::nn::functional;

// Conv weights live in LibTorch as OIHW; the IR stores OHWI.
bool IsConvWeight(const Graph& g, ValueId id) {
  for (const Node& node : g.nodes()) {
    if (node.op == OpType::kConv2D && node.inputs.size() > 1 && node.inputs[1] == id) return true;
  }
  return false;
}

bool IsBatchNormStatistic(const Graph& g, ValueId id) {
  for (const Node& node : g.nodes()) {
    if (node.op == OpType::kBatchNorm && (node.inputs[3] == id || node.inputs[4] == id))
      return true;
  }
  return false;
}

}  // namespace

TorchGraph::TorchGraph(const Graph& graph) : graph_(graph) {
  graph_.InferShapes();
  graph_.Validate();
  if (graph_.inputs().size() != 1 || graph_.outputs().empty()) {
    throw Error(ErrorCode::kUnsupported, "training needs a graph with one input");
  }
  order_ = graph_.TopologicalOrder();
  for (const NodeId id : order_) {
    const Node& node = graph_.node(id);
    for (const ValueId v : node.inputs) {
      if (graph_.value(v).dtype != DType::kF32) Unsupported(node, "a quantized tensor");
    }
  }
  for (size_t v = 0; v < graph_.values().size(); ++v) {
    const Value& value = graph_.values()[v];
    if (!value.is_constant()) continue;
    std::vector<int64_t> shape(value.shape.begin(), value.shape.end());
    torch::Tensor t =
        torch::from_blob(const_cast<uint8_t*>(value.data->data()), shape, torch::kFloat32).clone();
    const ValueId id = static_cast<ValueId>(v);
    if (IsConvWeight(graph_, id)) t = t.permute({0, 3, 1, 2}).contiguous();
    // Parameter and buffer names may not contain '.', which the IR's names do.
    std::string name = std::string("t") + std::to_string(v);
    tensors_[id] =
        IsBatchNormStatistic(graph_, id) ? register_buffer(name, t) : register_parameter(name, t);
  }
}

torch::Tensor TorchGraph::forward(const torch::Tensor& input) {
  std::map<ValueId, torch::Tensor> values = tensors_;
  values[graph_.inputs()[0]] = input;
  for (const NodeId id : order_) {
    const Node& node = graph_.node(id);
    std::vector<torch::Tensor> inputs;
    inputs.reserve(node.inputs.size());
    for (const ValueId v : node.inputs) inputs.push_back(values.at(v));
    values[node.outputs[0]] = RunFloatOp(graph_, node, inputs, is_training());
  }
  return values.at(graph_.outputs()[0]);
}

void TorchGraph::PruneRecurrent(double sparsity) {
  if (!(sparsity > 0.0 && sparsity < 1.0)) {
    throw Error(ErrorCode::kInvalidArgument, "the sparsity must be in (0, 1)");
  }
  for (const Node& node : graph_.nodes()) {
    if (!IsRecurrentOp(node.op)) continue;
    for (const RecurrentDirectionSlots& d : ParseRecurrentLayout(graph_, node).directions) {
      for (const StructuredSlot* slot : {&d.w, &d.u}) {
        if (slot->structure == MatrixStructure::kDense) pruned_.push_back(node.inputs[slot->first]);
      }
    }
  }
  if (pruned_.empty()) {
    throw Error(ErrorCode::kInvalidArgument,
                "pruning in fp32 training applies to the dense W and U of recurrent cells; the "
                "model has none (use --quant TYPE to prune Conv2D/Dense)");
  }
  sparsity_ = sparsity;
}

void TorchGraph::PruneTensor(torch::Tensor& t, double sparsity) {
  const auto count = static_cast<int64_t>(sparsity * static_cast<double>(t.numel()));
  if (count <= 0) return;
  torch::NoGradGuard no_grad;
  const torch::Tensor smallest = std::get<1>(t.detach().abs().flatten().topk(count, 0, false));
  t.view(-1).index_fill_(0, smallest, 0.0);
}

void TorchGraph::BeginStep(double progress) {
  if (pruned_.empty()) return;
  const double t = std::clamp(progress / 0.6, 0.0, 1.0);
  const double target = sparsity_ * (1.0 - std::pow(1.0 - t, 3.0));
  for (const ValueId id : pruned_) PruneTensor(tensors_.at(id), target);
}

Graph TorchGraph::ExportGraph() const {
  Graph out = graph_;
  torch::NoGradGuard no_grad;
  for (const auto& [id, tensor] : tensors_) {
    torch::Tensor t = tensor.detach().to(torch::kCPU).contiguous().clone();
    if (std::find(pruned_.begin(), pruned_.end(), id) != pruned_.end()) PruneTensor(t, sparsity_);
    if (IsConvWeight(graph_, id)) t = t.permute({0, 2, 3, 1}).contiguous();  // back to OHWI
    std::vector<uint8_t> bytes(static_cast<size_t>(t.numel()) * sizeof(float));
    std::memcpy(bytes.data(), t.data_ptr<float>(), bytes.size());
    out.value(id).data = Buffer::Own(std::move(bytes));
  }
  return out;
}

}  // namespace trit::train
