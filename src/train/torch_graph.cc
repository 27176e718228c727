#include "train/torch_graph.h"

#include <cstring>

#include "core/error.h"
#include "core/op_params.h"
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
    std::string name = "t" + std::to_string(v);
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

Graph TorchGraph::ExportGraph() const {
  Graph out = graph_;
  torch::NoGradGuard no_grad;
  for (const auto& [id, tensor] : tensors_) {
    torch::Tensor t = tensor.detach().to(torch::kCPU).contiguous();
    if (IsConvWeight(graph_, id)) t = t.permute({0, 2, 3, 1}).contiguous();  // back to OHWI
    std::vector<uint8_t> bytes(static_cast<size_t>(t.numel()) * sizeof(float));
    std::memcpy(bytes.data(), t.data_ptr<float>(), bytes.size());
    out.value(id).data = Buffer::Own(std::move(bytes));
  }
  return out;
}

}  // namespace trit::train
