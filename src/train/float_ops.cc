#include "train/float_ops.h"

#include <array>
#include <limits>

#include "core/error.h"
#include "core/op_def.h"
#include "core/op_params.h"
#include "core/op_table.h"
#include "train/recurrent_ops.h"
#include "train/structured_ops.h"

namespace trit::train {
namespace {

// One node's forward pass: the graph, the node, its input tensors in order, and the mode.
struct FloatOpCall {
  const Graph& graph;
  const Node& node;
  const std::vector<torch::Tensor>& in;
  bool training;

  const torch::Tensor& x() const { return in[0]; }
  const Attributes& attrs() const { return node.attrs; }
};

using FloatOpFunction = torch::Tensor (*)(const FloatOpCall& call);

// LayerNorm over the dimensions from `axis` on, scale and bias reshaped to them.
torch::Tensor RunLayerNorm(const FloatOpCall& call) {
  const int64_t rank = call.x().dim();
  int64_t axis = call.attrs().GetInt("axis", -1);
  if (axis < 0) axis += rank;
  const std::vector<int64_t> shape(call.x().sizes().begin() + axis, call.x().sizes().end());
  const c10::optional<torch::Tensor> bias =
      call.in.size() == 3 ? c10::optional<torch::Tensor>(call.in[2].reshape(shape)) : c10::nullopt;
  return torch::layer_norm(call.x(), shape, call.in[1].reshape(shape), bias,
                           call.attrs().GetFloat("epsilon", 1e-5f));
}

// The ReLU / ReLU6 fused into a Dense, Add or BatchNorm.
Activation FusedActivation(const FloatOpCall& call) {
  return ParseActivation(call.attrs().GetString("activation", "none"));
}

torch::Tensor RunConv2D(const FloatOpCall& call) {
  const torch::Tensor& w = call.in[1];  // OIHW
  const WindowParams p = ParseConv2DParams(call.attrs(), w.size(2), w.size(3));
  const std::vector<int64_t> stride = {p.stride_h, p.stride_w}, padding = {0, 0};
  const std::vector<int64_t> dilation = {p.dilation_h, p.dilation_w};
  const c10::optional<torch::Tensor> bias =
      call.node.inputs.size() == 3 ? c10::optional<torch::Tensor>(call.in[2]) : c10::nullopt;
  torch::Tensor y =
      torch::conv2d(PadSpatial(ToNchw(call.x()), p, 0.0), w, bias, c10::IntArrayRef(stride),
                    c10::IntArrayRef(padding), c10::IntArrayRef(dilation), p.groups);
  return Activate(ToNhwc(y), p.activation);
}

torch::Tensor RunDense(const FloatOpCall& call) {
  const torch::Tensor bias = call.node.inputs.size() == 3 ? call.in[2] : torch::Tensor();
  return Activate(torch::linear(call.x(), call.in[1], bias), FusedActivation(call));
}

torch::Tensor RunMaxPool(const FloatOpCall& call) {
  const WindowParams p = ParsePoolParams(call.attrs());
  const torch::Tensor padded =
      PadSpatial(ToNchw(call.x()), p, -std::numeric_limits<double>::infinity());
  return ToNhwc(torch::max_pool2d(padded, {p.kernel_h, p.kernel_w}, {p.stride_h, p.stride_w}));
}

torch::Tensor RunAvgPool(const FloatOpCall& call) {
  const WindowParams p = ParsePoolParams(call.attrs());
  // Sums over zero padding, divided by the window or by the in-bounds count.
  const torch::Tensor nchw = ToNchw(call.x());
  const double window = static_cast<double>(p.kernel_h * p.kernel_w);
  torch::Tensor sum = torch::avg_pool2d(PadSpatial(nchw, p, 0.0), {p.kernel_h, p.kernel_w},
                                        {p.stride_h, p.stride_w}) *
                      window;
  if (p.count_include_pad) return ToNhwc(sum / window);
  const torch::Tensor ones = torch::ones({1, 1, nchw.size(2), nchw.size(3)}, call.x().options());
  const torch::Tensor count = torch::avg_pool2d(PadSpatial(ones, p, 0.0), {p.kernel_h, p.kernel_w},
                                                {p.stride_h, p.stride_w}) *
                              window;
  return ToNhwc(sum / count);
}

torch::Tensor RunReduceMean(const FloatOpCall& call) {
  std::vector<int64_t> axes = call.attrs().GetInts("axes", {});
  if (axes.empty()) {
    for (int64_t d = 0; d < call.x().dim(); ++d) axes.push_back(d);
  }
  return call.x().mean(axes, call.attrs().GetInt("keepdims", 1) != 0);
}

torch::Tensor RunConcat(const FloatOpCall& call) {
  int64_t axis = call.attrs().GetInt("axis", -1);
  if (axis < 0) axis += call.x().dim();
  return torch::cat(call.in, axis);
}

torch::Tensor RunReshape(const FloatOpCall& call) {
  // Dimension 0 is the batch: the graph's static batch is replaced by the actual one.
  const Shape& target = call.graph.value(call.node.outputs[0]).shape;
  std::vector<int64_t> shape(target.begin(), target.end());
  shape[0] = call.x().size(0);
  return call.x().reshape(shape);
}

torch::Tensor RunFlatten(const FloatOpCall& call) {
  if (call.attrs().GetInt("axis", 1) != 1) Unsupported(call.node, "Flatten with axis other than 1");
  return call.x().flatten(1);
}

torch::Tensor RunClip(const FloatOpCall& call) {
  return torch::clamp(call.x(),
                      call.attrs().GetFloat("min", -std::numeric_limits<float>::infinity()),
                      call.attrs().GetFloat("max", std::numeric_limits<float>::infinity()));
}

torch::Tensor RunBatchNorm(const FloatOpCall& call) {
  // Channels last: LibTorch normalises dimension 1, so move the channels there.
  const torch::Tensor moved = call.x().movedim(-1, 1);
  const torch::Tensor y =
      torch::batch_norm(moved, call.in[1], call.in[2], call.in[3], call.in[4], call.training, 0.1,
                        call.attrs().GetFloat("epsilon", 1e-5f), false);
  return Activate(y.movedim(1, -1), FusedActivation(call));
}

torch::Tensor RunPad(const FloatOpCall& call) {
  const std::vector<int64_t> pads = call.attrs().GetInts("pads", {});
  const int64_t rank = call.x().dim();
  std::vector<int64_t> torch_pads;  // last dimension first: (begin, end) pairs
  for (int64_t d = rank - 1; d >= 0; --d) {
    torch_pads.push_back(pads[static_cast<size_t>(d)]);
    torch_pads.push_back(pads[static_cast<size_t>(d + rank)]);
  }
  return torch::constant_pad_nd(call.x(), torch_pads, 0.0);
}

torch::Tensor RunBinarize(const FloatOpCall& call) {
  // Forward: the sign (+1 at 0). Backward: the straight-through estimator of BinaryNet,
  // the gradient passed where |x| <= 1 (the derivative of clamp(x, -1, 1)).
  const torch::Tensor& x = call.x();
  const torch::Tensor sign = (x >= 0).to(x.scalar_type()) * 2 - 1;
  const torch::Tensor clipped = torch::clamp(x, -1, 1);
  return clipped + (sign - clipped).detach();
}

torch::Tensor RunQuantizationOp(const FloatOpCall& call) {
  Unsupported(call.node, "a quantization op in a float graph");
}

struct FloatOpRow {
  OpType op;
  FloatOpFunction run;
};

constexpr std::array<FloatOpRow, kNumOpTypes> kFloatOps = IndexByOp<FloatOpRow>({
    {OpType::kConv2D, RunConv2D},
    {OpType::kDense, RunDense},
    {OpType::kMaxPool, RunMaxPool},
    {OpType::kAvgPool, RunAvgPool},
    {OpType::kGlobalAvgPool,
     [](const FloatOpCall& c) {
       return c.x().mean({1, 2}, true);
     }},
    {OpType::kAdd,
     [](const FloatOpCall& c) { return Activate(c.in[0] + c.in[1], FusedActivation(c)); }},
    {OpType::kMul, [](const FloatOpCall& c) { return c.in[0] * c.in[1]; }},
    {OpType::kMin, [](const FloatOpCall& c) { return torch::minimum(c.in[0], c.in[1]); }},
    {OpType::kMax, [](const FloatOpCall& c) { return torch::maximum(c.in[0], c.in[1]); }},
    {OpType::kConcat, RunConcat},
    {OpType::kReshape, RunReshape},
    {OpType::kFlatten, RunFlatten},
    {OpType::kRelu, [](const FloatOpCall& c) { return torch::relu(c.x()); }},
    {OpType::kClip, RunClip},
    {OpType::kSigmoid, [](const FloatOpCall& c) { return torch::sigmoid(c.x()); }},
    {OpType::kTanh, [](const FloatOpCall& c) { return torch::tanh(c.x()); }},
    {OpType::kSoftmax,
     [](const FloatOpCall& c) { return torch::softmax(c.x(), c.attrs().GetInt("axis", -1)); }},
    {OpType::kBatchNorm, RunBatchNorm},
    {OpType::kQuantize, RunQuantizationOp},
    {OpType::kDequantize, RunQuantizationOp},
    {OpType::kPad, RunPad},
    {OpType::kDropout,
     [](const FloatOpCall& c) {
       return torch::dropout(c.x(), c.attrs().GetFloat("ratio", 0.5f), c.training);
     }},
    {OpType::kBinarize, RunBinarize},
    {OpType::kSub, [](const FloatOpCall& c) { return c.in[0] - c.in[1]; }},
    {OpType::kDiv, [](const FloatOpCall& c) { return c.in[0] / c.in[1]; }},
    {OpType::kPow, [](const FloatOpCall& c) { return torch::pow(c.in[0], c.in[1]); }},
    {OpType::kSqrt, [](const FloatOpCall& c) { return torch::sqrt(c.x()); }},
    {OpType::kReduceMean, RunReduceMean},
    {OpType::kTranspose,
     [](const FloatOpCall& c) { return c.x().permute(c.attrs().GetInts("perm", {})); }},
    {OpType::kMatMul, [](const FloatOpCall& c) { return torch::matmul(c.in[0], c.in[1]); }},
    {OpType::kHardSigmoid,
     [](const FloatOpCall& c) {
       const Attributes& a = c.attrs();
       return torch::clamp(a.GetFloat("alpha", 0.2f) * c.x() + a.GetFloat("beta", 0.5f), 0.0, 1.0);
     }},
    {OpType::kHardSwish,
     [](const FloatOpCall& c) { return c.x() * torch::clamp(c.x() / 6.0 + 0.5, 0.0, 1.0); }},
    {OpType::kLstm, [](const FloatOpCall& c) { return RunRecurrentOp(c.graph, c.node, c.in); }},
    {OpType::kGru, [](const FloatOpCall& c) { return RunRecurrentOp(c.graph, c.node, c.in); }},
    {OpType::kFastRnn, [](const FloatOpCall& c) { return RunRecurrentOp(c.graph, c.node, c.in); }},
    {OpType::kFastGrnn, [](const FloatOpCall& c) { return RunRecurrentOp(c.graph, c.node, c.in); }},
    {OpType::kStructuredDense,
     [](const FloatOpCall& c) { return RunStructuredDenseOp(c.graph, c.node, c.in); }},
    {OpType::kSilu, [](const FloatOpCall& c) { return torch::silu(c.x()); }},
    {OpType::kErf, [](const FloatOpCall& c) { return torch::erf(c.x()); }},
    {OpType::kExp, [](const FloatOpCall& c) { return torch::exp(c.x()); }},
    {OpType::kSoftplus, [](const FloatOpCall& c) { return torch::softplus(c.x()); }},
    {OpType::kMish, [](const FloatOpCall& c) { return torch::mish(c.x()); }},
    {OpType::kGelu,
     [](const FloatOpCall& c) {
       return torch::gelu(c.x(), c.attrs().GetString("approximate", "none"));
     }},
    {OpType::kLayerNorm, RunLayerNorm},
});

}  // namespace

[[noreturn]] void Unsupported(const Node& node, const std::string& what) {
  throw Error(ErrorCode::kUnsupported, "node '" + node.name + "' (" +
                                           std::string(OpTypeName(node.op)) + "): " + what +
                                           " cannot be trained yet");
}

torch::Tensor RunFloatOp(const Graph& graph, const Node& node, const std::vector<torch::Tensor>& in,
                         bool training) {
  if (!IsKnownOpType(node.op)) Unsupported(node, "this op");
  return kFloatOps[static_cast<size_t>(node.op)].run(FloatOpCall{graph, node, in, training});
}

}  // namespace trit::train
