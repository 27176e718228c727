#include "train/float_ops.h"

#include <limits>

#include "core/error.h"
#include "core/op_params.h"
#include "train/recurrent_ops.h"
#include "train/structured_ops.h"

namespace trit::train {
namespace {

namespace F = torch::nn::functional;

}  // namespace

[[noreturn]] void Unsupported(const Node& node, const std::string& what) {
  throw Error(ErrorCode::kUnsupported, "node '" + node.name + "' (" +
                                           std::string(OpTypeName(node.op)) + "): " + what +
                                           " cannot be trained yet");
}

torch::Tensor RunFloatOp(const Graph& graph, const Node& node, const std::vector<torch::Tensor>& in,
                         bool training) {
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
    case OpType::kSub:
      return in[0] - in[1];
    case OpType::kDiv:
      return in[0] / in[1];
    case OpType::kPow:
      return torch::pow(in[0], in[1]);
    case OpType::kSqrt:
      return torch::sqrt(x);
    case OpType::kMatMul:
      return torch::matmul(in[0], in[1]);
    case OpType::kHardSigmoid:
      return torch::clamp(
          node.attrs.GetFloat("alpha", 0.2f) * x + node.attrs.GetFloat("beta", 0.5f), 0.0, 1.0);
    case OpType::kHardSwish:
      return x * torch::clamp(x / 6.0 + 0.5, 0.0, 1.0);
    case OpType::kLstm:
    case OpType::kGru:
    case OpType::kFastRnn:
    case OpType::kFastGrnn:
      return RunRecurrentOp(graph, node, in);
    case OpType::kStructuredDense:
      return RunStructuredDenseOp(graph, node, in);
    case OpType::kTranspose:
      return x.permute(node.attrs.GetInts("perm", {}));
    case OpType::kReduceMean: {
      std::vector<int64_t> axes = node.attrs.GetInts("axes", {});
      if (axes.empty()) {
        for (int64_t d = 0; d < x.dim(); ++d) axes.push_back(d);
      }
      return x.mean(axes, node.attrs.GetInt("keepdims", 1) != 0);
    }
    case OpType::kConcat: {
      int64_t axis = node.attrs.GetInt("axis", -1);
      if (axis < 0) axis += x.dim();
      return torch::cat(in, axis);
    }
    case OpType::kReshape: {
      // Dimension 0 is the batch: the graph's static batch is replaced by the actual one.
      std::vector<int64_t> shape(graph.value(node.outputs[0]).shape.begin(),
                                 graph.value(node.outputs[0]).shape.end());
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
      torch::Tensor y = torch::batch_norm(moved, in[1], in[2], in[3], in[4], training, 0.1,
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
      return torch::dropout(x, node.attrs.GetFloat("ratio", 0.5f), training);
    case OpType::kBinarize: {
      // Forward: the sign (+1 at 0). Backward: the straight-through estimator of BinaryNet,
      // the gradient passed where |x| <= 1 (the derivative of clamp(x, -1, 1)).
      const torch::Tensor sign = (x >= 0).to(x.scalar_type()) * 2 - 1;
      const torch::Tensor clipped = torch::clamp(x, -1, 1);
      return clipped + (sign - clipped).detach();
    }
    case OpType::kQuantize:
    case OpType::kDequantize:
      Unsupported(node, "a quantization op in a float graph");
  }
  Unsupported(node, "this op");
}

}  // namespace trit::train
