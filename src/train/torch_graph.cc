#include "train/torch_graph.h"

#include <cstring>

#include "core/error.h"
#include "core/op_params.h"

namespace trit::train {
namespace {

namespace F = torch::nn::functional;

[[noreturn]] void Unsupported(const Node& node, const std::string& what) {
  throw Error(ErrorCode::kUnsupported, "node '" + node.name + "' (" +
                                           std::string(OpTypeName(node.op)) + "): " + what +
                                           " cannot be trained yet");
}

torch::Tensor ToNchw(const torch::Tensor& x) { return x.permute({0, 3, 1, 2}); }
torch::Tensor ToNhwc(const torch::Tensor& x) { return x.permute({0, 2, 3, 1}).contiguous(); }

// Zero (or -inf) padding of an NCHW tensor by [top, left, bottom, right].
torch::Tensor PadSpatial(const torch::Tensor& x, const WindowParams& p, double value) {
  if (p.pad_top == 0 && p.pad_left == 0 && p.pad_bottom == 0 && p.pad_right == 0) return x;
  return torch::constant_pad_nd(x, {p.pad_left, p.pad_right, p.pad_top, p.pad_bottom}, value);
}

torch::Tensor Activate(const torch::Tensor& x, Activation a) {
  switch (a) {
    case Activation::kRelu:
      return torch::relu(x);
    case Activation::kRelu6:
      return torch::clamp(x, 0.0, 6.0);
    default:
      return x;
  }
}

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

torch::Tensor TorchGraph::RunNode(const Node& node, const std::vector<torch::Tensor>& in) {
  const torch::Tensor& x = in[0];
  switch (node.op) {
    case OpType::kConv2D: {
      const torch::Tensor& w = in[1];  // OIHW
      const WindowParams p = ParseConv2DParams(node.attrs, w.size(2), w.size(3));
      const std::vector<int64_t> stride = {p.stride_h, p.stride_w}, padding = {0, 0};
      const std::vector<int64_t> dilation = {p.dilation_h, p.dilation_w};
      const c10::optional<torch::Tensor> bias =
          node.inputs.size() == 3 ? c10::optional<torch::Tensor>(in[2]) : c10::nullopt;
      torch::Tensor y =
          torch::conv2d(PadSpatial(ToNchw(x), p, 0.0), w, bias, c10::IntArrayRef(stride),
                        c10::IntArrayRef(padding), c10::IntArrayRef(dilation), p.groups);
      return Activate(ToNhwc(y), p.activation);
    }
    case OpType::kDense: {
      const Activation a = ParseActivation(node.attrs.GetString("activation", "none"));
      return Activate(torch::linear(x, in[1], node.inputs.size() == 3 ? in[2] : torch::Tensor()),
                      a);
    }
    case OpType::kMaxPool: {
      const WindowParams p = ParsePoolParams(node.attrs);
      const torch::Tensor padded =
          PadSpatial(ToNchw(x), p, -std::numeric_limits<double>::infinity());
      return ToNhwc(torch::max_pool2d(padded, {p.kernel_h, p.kernel_w}, {p.stride_h, p.stride_w}));
    }
    case OpType::kAvgPool: {
      const WindowParams p = ParsePoolParams(node.attrs);
      // Sums over zero padding, divided by the window or by the in-bounds count.
      const torch::Tensor nchw = ToNchw(x);
      const double window = static_cast<double>(p.kernel_h * p.kernel_w);
      torch::Tensor sum = torch::avg_pool2d(PadSpatial(nchw, p, 0.0), {p.kernel_h, p.kernel_w},
                                            {p.stride_h, p.stride_w}) *
                          window;
      if (p.count_include_pad) return ToNhwc(sum / window);
      const torch::Tensor ones = torch::ones({1, 1, nchw.size(2), nchw.size(3)}, x.options());
      const torch::Tensor count =
          torch::avg_pool2d(PadSpatial(ones, p, 0.0), {p.kernel_h, p.kernel_w},
                            {p.stride_h, p.stride_w}) *
          window;
      return ToNhwc(sum / count);
    }
    case OpType::kGlobalAvgPool:
      return x.mean({1, 2}, /*keepdim=*/true);
    case OpType::kAdd:
      return in[0] + in[1];
    case OpType::kMul:
      return in[0] * in[1];
    case OpType::kConcat: {
      int64_t axis = node.attrs.GetInt("axis", -1);
      if (axis < 0) axis += x.dim();
      return torch::cat(in, axis);
    }
    case OpType::kReshape: {
      // Dimension 0 is the batch: the graph's static batch is replaced by the actual one.
      std::vector<int64_t> shape(graph_.value(node.outputs[0]).shape.begin(),
                                 graph_.value(node.outputs[0]).shape.end());
      shape[0] = x.size(0);
      return x.reshape(shape);
    }
    case OpType::kFlatten: {
      const int64_t axis = node.attrs.GetInt("axis", 1);
      if (axis != 1) Unsupported(node, "Flatten with axis other than 1");
      return x.flatten(1);
    }
    case OpType::kRelu:
      return torch::relu(x);
    case OpType::kClip:
      return torch::clamp(x, node.attrs.GetFloat("min", -std::numeric_limits<float>::infinity()),
                          node.attrs.GetFloat("max", std::numeric_limits<float>::infinity()));
    case OpType::kSigmoid:
      return torch::sigmoid(x);
    case OpType::kTanh:
      return torch::tanh(x);
    case OpType::kSoftmax:
      return torch::softmax(x, node.attrs.GetInt("axis", -1));
    case OpType::kBatchNorm: {
      // Channels last: LibTorch normalises dimension 1, so move the channels there.
      const torch::Tensor moved = x.movedim(-1, 1);
      torch::Tensor y = torch::batch_norm(moved, in[1], in[2], in[3], in[4], is_training(), 0.1,
                                          node.attrs.GetFloat("epsilon", 1e-5f), false);
      return y.movedim(1, -1);
    }
    case OpType::kPad: {
      const std::vector<int64_t> pads = node.attrs.GetInts("pads", {});
      const int64_t rank = x.dim();
      std::vector<int64_t> torch_pads;  // last dimension first: (begin, end) pairs
      for (int64_t d = rank - 1; d >= 0; --d) {
        torch_pads.push_back(pads[static_cast<size_t>(d)]);
        torch_pads.push_back(pads[static_cast<size_t>(d + rank)]);
      }
      return torch::constant_pad_nd(x, torch_pads, 0.0);
    }
    case OpType::kDropout:
      return torch::dropout(x, node.attrs.GetFloat("ratio", 0.5f), is_training());
    case OpType::kQuantize:
    case OpType::kDequantize:
      Unsupported(node, "quantization");
  }
  Unsupported(node, "this op");
}

torch::Tensor TorchGraph::forward(const torch::Tensor& input) {
  std::map<ValueId, torch::Tensor> values = tensors_;
  values[graph_.inputs()[0]] = input;
  for (const NodeId id : order_) {
    const Node& node = graph_.node(id);
    std::vector<torch::Tensor> inputs;
    inputs.reserve(node.inputs.size());
    for (const ValueId v : node.inputs) inputs.push_back(values.at(v));
    values[node.outputs[0]] = RunNode(node, inputs);
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
