// trit_to_tflite: writes an int8 .trit model as a TensorFlow Lite flatbuffer, for running the same
// model under TensorFlow Lite Micro (bench/mcu/tflm.sh). Host tool, not part of trit.
//
// Usage: trit_to_tflite [--same-padding] MODEL.trit OUT.tflite [OUT.plain.trit]
//   OUT.plain.trit: the same graph with plain encodings, the file trit deploy stores and the
//   microcontroller runtime reads.
//   --same-padding: convolutions whose pads TFLite cannot express but whose output has SAME's
//   size get SAME padding instead of a PAD node: the layout a model exported from TensorFlow has,
//   for measuring memory only (the padding is split differently, so the outputs differ).
// Prints "output_levels SCALE ZERO_POINT" when the graph's output is a Dequantize of int8 levels
// (so that the float outputs of both runtimes can be compared as int8 levels).
//
// Supported: Conv2D (groups 1, or depthwise with a depth multiplier), Dense, MaxPool, AvgPool,
// GlobalAvgPool, Add, Reshape, Flatten, Relu, Clip (0..6, 0..inf, -1..1, 0..1), Pad, Quantize and
// Dequantize, with int8 weights (per channel or per tensor) and int8 activations. Anything else is
// refused with a one-line error. TFLite knows only SAME and VALID padding: other explicit pads
// become a PAD node before a VALID convolution or pool (what TensorFlow's converter does for
// PyTorch-style padding).
#include <cmath>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <functional>
#include <map>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

#include "core/graph.h"
#include "format/model_file.h"
#include "schema_generated.h"  // flatc --cpp --gen-object-api of TFLite's schema.fbs

namespace {

using trit::DType;
using trit::Graph;
using trit::Node;
using trit::OpType;
using trit::Value;
using trit::ValueId;

[[noreturn]] void Refuse(const std::string& what) { throw std::runtime_error(what); }

tflite::TensorType TypeOf(DType dtype, const std::string& name) {
  switch (dtype) {
    case DType::kF32:
      return tflite::TensorType_FLOAT32;
    case DType::kI8:
      return tflite::TensorType_INT8;
    case DType::kI32:
      return tflite::TensorType_INT32;
    case DType::kU8:
      Refuse("tensor '" + name +
             "' is uint8: TFLite Micro needs int8 activations (trit compress --acts int8)");
    default:
      Refuse("tensor '" + name + "' has a type TFLite Micro cannot run here (int8 weights only)");
  }
}

tflite::ActivationFunctionType FusedActivation(const Node& node) {
  const std::string name = node.attrs.GetString("activation", "none");
  if (name == "none") return tflite::ActivationFunctionType_NONE;
  if (name == "relu") return tflite::ActivationFunctionType_RELU;
  if (name == "relu6") return tflite::ActivationFunctionType_RELU6;
  Refuse(trit::DescribeNode(node) + ": fused activation '" + name + "' not supported");
}

struct Padding {
  tflite::Padding padding;
  bool explicit_pad;  // needs a PAD node before (with `pads`) and VALID padding
};

// The TFLite padding that gives trit's explicit pads [top, left, bottom, right], or a PAD node.
Padding PaddingFor(const std::vector<int64_t>& pads, int64_t in_h, int64_t in_w, int64_t k_h,
                   int64_t k_w, int64_t s_h, int64_t s_w) {
  if (pads.size() != 4) Refuse("pads must have 4 entries");
  if (pads[0] == 0 && pads[1] == 0 && pads[2] == 0 && pads[3] == 0) {
    return {tflite::Padding_VALID, false};
  }
  // TensorFlow's SAME: output ceil(in / stride), the total padding split with the odd one after.
  auto same = [](int64_t in, int64_t k, int64_t s, int64_t& before, int64_t& after) {
    const int64_t out = (in + s - 1) / s;
    const int64_t total = std::max<int64_t>((out - 1) * s + k - in, 0);
    before = total / 2;
    after = total - before;
  };
  int64_t top, bottom, left, right;
  same(in_h, k_h, s_h, top, bottom);
  same(in_w, k_w, s_w, left, right);
  if (pads[0] == top && pads[2] == bottom && pads[1] == left && pads[3] == right) {
    return {tflite::Padding_SAME, false};
  }
  return {tflite::Padding_VALID, true};
}

class Converter {
 public:
  Converter(const Graph& graph, bool same_padding) : graph_(graph), same_padding_(same_padding) {
    model_.version = 3;
    model_.description = "converted from trit by bench/mcu/tflm/trit_to_tflite";
    model_.buffers.push_back(std::make_unique<tflite::BufferT>());  // buffer 0: empty
    model_.subgraphs.push_back(std::make_unique<tflite::SubGraphT>());
    sub_ = model_.subgraphs.back().get();
    sub_->name = "main";
  }

  std::vector<uint8_t> Convert() {
    for (ValueId id : graph_.inputs()) sub_->inputs.push_back(Tensor(id));
    for (trit::NodeId id : graph_.TopologicalOrder()) ConvertNode(graph_.node(id));
    for (ValueId id : graph_.outputs()) sub_->outputs.push_back(Tensor(id));
    flatbuffers::FlatBufferBuilder builder(1 << 20);
    tflite::FinishModelBuffer(builder, tflite::Model::Pack(builder, &model_));
    return {builder.GetBufferPointer(), builder.GetBufferPointer() + builder.GetSize()};
  }

 private:
  static std::unique_ptr<tflite::QuantizationParametersT> Quant(const trit::QuantParams& q,
                                                                int axis = -1) {
    if (q.empty()) return nullptr;
    auto out = std::make_unique<tflite::QuantizationParametersT>();
    out->scale = q.scale;
    out->zero_point.assign(q.zero_point.begin(), q.zero_point.end());
    if (out->zero_point.size() != out->scale.size()) out->zero_point.assign(q.scale.size(), 0);
    out->quantized_dimension = axis >= 0 ? axis : std::max(q.axis, 0);
    return out;
  }

  int AddBuffer(const uint8_t* data, size_t bytes) {
    auto buffer = std::make_unique<tflite::BufferT>();
    buffer->data.assign(data, data + bytes);
    model_.buffers.push_back(std::move(buffer));
    return static_cast<int>(model_.buffers.size() - 1);
  }

  int AddTensor(const std::string& name, tflite::TensorType type, const std::vector<int32_t>& shape,
                int buffer, std::unique_ptr<tflite::QuantizationParametersT> quant) {
    auto tensor = std::make_unique<tflite::TensorT>();
    tensor->name = name;
    tensor->type = type;
    tensor->shape = shape;
    tensor->buffer = static_cast<uint32_t>(buffer);
    tensor->quantization = std::move(quant);
    sub_->tensors.push_back(std::move(tensor));
    return static_cast<int>(sub_->tensors.size() - 1);
  }

  static std::vector<int32_t> Shape(const Value& v) {
    return std::vector<int32_t>(v.shape.begin(), v.shape.end());
  }

  // The tensor of a trit value (activations; constants used as they are stored).
  int Tensor(ValueId id) {
    auto found = tensors_.find(id);
    if (found != tensors_.end()) return found->second;
    const Value& v = graph_.value(id);
    int buffer = 0;
    if (v.is_constant()) buffer = AddBuffer(v.data->data(), v.data->size());
    const int index = AddTensor(v.name, TypeOf(v.dtype, v.name), Shape(v), buffer, Quant(v.quant));
    tensors_[id] = index;
    return index;
  }

  // A new activation tensor (between a PAD or requantization and its node).
  int Intermediate(const std::string& name, const Value& like, const std::vector<int32_t>& shape) {
    return AddTensor(name, TypeOf(like.dtype, like.name), shape, 0, Quant(like.quant));
  }

  int Int32Constant(const std::string& name, const std::vector<int32_t>& values,
                    const std::vector<int32_t>& shape) {
    const int buffer =
        AddBuffer(reinterpret_cast<const uint8_t*>(values.data()), values.size() * 4);
    return AddTensor(name, tflite::TensorType_INT32, shape, buffer, nullptr);
  }

  void AddOp(tflite::BuiltinOperator op, std::vector<int32_t> inputs, std::vector<int32_t> outputs,
             tflite::BuiltinOptionsUnion options = {}) {
    auto code = opcodes_.find(op);
    if (code == opcodes_.end()) {
      auto entry = std::make_unique<tflite::OperatorCodeT>();
      entry->builtin_code = op;
      entry->deprecated_builtin_code = static_cast<int8_t>(std::min<int>(op, 127));
      entry->version = 1;
      model_.operator_codes.push_back(std::move(entry));
      code = opcodes_.emplace(op, static_cast<int>(model_.operator_codes.size() - 1)).first;
    }
    auto node = std::make_unique<tflite::OperatorT>();
    node->opcode_index = static_cast<uint32_t>(code->second);
    node->inputs = std::move(inputs);
    node->outputs = std::move(outputs);
    node->builtin_options = std::move(options);
    sub_->operators.push_back(std::move(node));
  }

  // A PAD node giving `x` the explicit pads [top, left, bottom, right]; returns the padded tensor.
  int PadInput(const Node& node, ValueId x, const std::vector<int64_t>& pads) {
    const Value& v = graph_.value(x);
    std::vector<int32_t> shape = Shape(v);
    shape[1] += static_cast<int32_t>(pads[0] + pads[2]);
    shape[2] += static_cast<int32_t>(pads[1] + pads[3]);
    const int padded = Intermediate(node.name + "/pad", v, shape);
    const std::vector<int32_t> paddings = {0,
                                           0,
                                           static_cast<int32_t>(pads[0]),
                                           static_cast<int32_t>(pads[2]),
                                           static_cast<int32_t>(pads[1]),
                                           static_cast<int32_t>(pads[3]),
                                           0,
                                           0};
    AddOp(tflite::BuiltinOperator_PAD,
          {Tensor(x), Int32Constant(node.name + "/paddings", paddings, {4, 2})}, {padded});
    return padded;
  }

  const Value& Input(const Node& node, size_t i) {
    if (node.inputs.size() <= i) Refuse(trit::DescribeNode(node) + ": missing input");
    return graph_.value(node.inputs[i]);
  }

  void NeedInt8(const Node& node, const Value& v) {
    if (v.dtype != DType::kI8) {
      Refuse(trit::DescribeNode(node) + ": '" + v.name + "' is " +
             (v.dtype == DType::kU8 ? "uint8 (use trit compress --acts int8)" : "not int8") +
             "; only int8 weights and activations are converted");
    }
  }

  void ConvertConv(const Node& node) {
    const Value& x = Input(node, 0);
    const Value& w = Input(node, 1);
    const Value& y = graph_.value(node.outputs[0]);
    NeedInt8(node, x);
    NeedInt8(node, w);
    NeedInt8(node, y);
    if (!w.is_constant()) Refuse(trit::DescribeNode(node) + ": weights are not a constant");
    const int64_t cout = w.shape[0], kh = w.shape[1], kw = w.shape[2], cin_per_group = w.shape[3];
    const int64_t cin = x.shape[3];
    const int64_t groups = node.attrs.GetInt("groups", 1);
    const std::vector<int64_t> strides = node.attrs.GetInts("strides", {1, 1});
    const std::vector<int64_t> dilations = node.attrs.GetInts("dilations", {1, 1});
    const std::vector<int64_t> pads = node.attrs.GetInts("pads", {0, 0, 0, 0});
    const bool depthwise = groups > 1;
    if (depthwise && !(groups == cin && cin_per_group == 1 && cout % cin == 0)) {
      Refuse(trit::DescribeNode(node) + ": grouped convolution that is not depthwise");
    }
    if (w.quant.scale.size() != 1 && static_cast<int64_t>(w.quant.scale.size()) != cout) {
      Refuse(trit::DescribeNode(node) + ": weight scales neither per tensor nor per channel");
    }
    Padding padding = PaddingFor(pads, x.shape[1], x.shape[2], dilations[0] * (kh - 1) + 1,
                                 dilations[1] * (kw - 1) + 1, strides[0], strides[1]);
    if (padding.explicit_pad && same_padding_ &&
        y.shape[1] == (x.shape[1] + strides[0] - 1) / strides[0] &&
        y.shape[2] == (x.shape[2] + strides[1] - 1) / strides[1]) {
      padding = {tflite::Padding_SAME, false};
    }
    const int input =
        padding.explicit_pad ? PadInput(node, node.inputs[0], pads) : Tensor(node.inputs[0]);

    // Weights: OHWI as they are for CONV_2D; [1, KH, KW, Cout] for DEPTHWISE_CONV_2D.
    int weights;
    if (!depthwise) {
      weights = Tensor(node.inputs[1]);
    } else {
      std::vector<uint8_t> bytes(static_cast<size_t>(cout * kh * kw));
      const uint8_t* src = w.data->data();
      for (int64_t o = 0; o < cout; ++o) {
        for (int64_t t = 0; t < kh * kw; ++t)
          bytes[static_cast<size_t>(t * cout + o)] = src[o * kh * kw + t];
      }
      weights = AddTensor(
          w.name, tflite::TensorType_INT8,
          {1, static_cast<int32_t>(kh), static_cast<int32_t>(kw), static_cast<int32_t>(cout)},
          AddBuffer(bytes.data(), bytes.size()), Quant(w.quant, 3));
    }
    // Bias: int32 levels of scale in_scale * w_scale[c] (zero when the node has none).
    std::vector<float> bias_scale(static_cast<size_t>(cout));
    for (int64_t o = 0; o < cout; ++o) {
      bias_scale[static_cast<size_t>(o)] =
          x.quant.scale[0] * w.quant.scale[w.quant.scale.size() == 1 ? 0 : static_cast<size_t>(o)];
    }
    std::vector<int32_t> bias_levels(static_cast<size_t>(cout), 0);
    if (node.inputs.size() > 2 && node.inputs[2] >= 0) {
      const Value& b = graph_.value(node.inputs[2]);
      if (b.dtype != DType::kI32 || !b.is_constant() || b.data->size() != bias_levels.size() * 4) {
        Refuse(trit::DescribeNode(node) + ": bias is not int32 levels");
      }
      std::memcpy(bias_levels.data(), b.data->data(), b.data->size());
    }
    auto bias_quant = std::make_unique<tflite::QuantizationParametersT>();
    bias_quant->scale = bias_scale;
    bias_quant->zero_point.assign(bias_scale.size(), 0);
    const int bias = AddTensor(
        node.name + "/bias", tflite::TensorType_INT32, {static_cast<int32_t>(cout)},
        AddBuffer(reinterpret_cast<const uint8_t*>(bias_levels.data()), bias_levels.size() * 4),
        std::move(bias_quant));

    tflite::BuiltinOptionsUnion options;
    if (!depthwise) {
      tflite::Conv2DOptionsT o;
      o.padding = padding.padding;
      o.stride_h = static_cast<int32_t>(strides[0]);
      o.stride_w = static_cast<int32_t>(strides[1]);
      o.dilation_h_factor = static_cast<int32_t>(dilations[0]);
      o.dilation_w_factor = static_cast<int32_t>(dilations[1]);
      o.fused_activation_function = FusedActivation(node);
      options.Set(std::move(o));
    } else {
      tflite::DepthwiseConv2DOptionsT o;
      o.padding = padding.padding;
      o.stride_h = static_cast<int32_t>(strides[0]);
      o.stride_w = static_cast<int32_t>(strides[1]);
      o.dilation_h_factor = static_cast<int32_t>(dilations[0]);
      o.dilation_w_factor = static_cast<int32_t>(dilations[1]);
      o.depth_multiplier = static_cast<int32_t>(cout / cin);
      o.fused_activation_function = FusedActivation(node);
      options.Set(std::move(o));
    }
    AddOp(depthwise ? tflite::BuiltinOperator_DEPTHWISE_CONV_2D : tflite::BuiltinOperator_CONV_2D,
          {input, weights, bias}, {Tensor(node.outputs[0])}, std::move(options));
  }

  void ConvertDense(const Node& node) {
    const Value& x = Input(node, 0);
    const Value& w = Input(node, 1);
    const Value& y = graph_.value(node.outputs[0]);
    NeedInt8(node, x);
    NeedInt8(node, w);
    NeedInt8(node, y);
    if (!w.is_constant() || w.shape.size() != 2) {
      Refuse(trit::DescribeNode(node) + ": weights are not a 2-D constant");
    }
    const int64_t cout = w.shape[0];
    std::vector<float> bias_scale(static_cast<size_t>(cout));
    for (int64_t o = 0; o < cout; ++o) {
      bias_scale[static_cast<size_t>(o)] =
          x.quant.scale[0] * w.quant.scale[w.quant.scale.size() == 1 ? 0 : static_cast<size_t>(o)];
    }
    std::vector<int32_t> bias_levels(static_cast<size_t>(cout), 0);
    if (node.inputs.size() > 2 && node.inputs[2] >= 0) {
      const Value& b = graph_.value(node.inputs[2]);
      if (b.dtype != DType::kI32 || !b.is_constant() || b.data->size() != bias_levels.size() * 4) {
        Refuse(trit::DescribeNode(node) + ": bias is not int32 levels");
      }
      std::memcpy(bias_levels.data(), b.data->data(), b.data->size());
    }
    auto bias_quant = std::make_unique<tflite::QuantizationParametersT>();
    bias_quant->scale = bias_scale;
    bias_quant->zero_point.assign(bias_scale.size(), 0);
    const int bias = AddTensor(
        node.name + "/bias", tflite::TensorType_INT32, {static_cast<int32_t>(cout)},
        AddBuffer(reinterpret_cast<const uint8_t*>(bias_levels.data()), bias_levels.size() * 4),
        std::move(bias_quant));
    tflite::FullyConnectedOptionsT o;
    o.fused_activation_function = FusedActivation(node);
    o.keep_num_dims = x.shape.size() > 2;
    tflite::BuiltinOptionsUnion options;
    options.Set(std::move(o));
    AddOp(tflite::BuiltinOperator_FULLY_CONNECTED,
          {Tensor(node.inputs[0]), Tensor(node.inputs[1]), bias}, {Tensor(node.outputs[0])},
          std::move(options));
  }

  // The node's output tensor, or (when the output's quantization differs from the input's, which
  // TFLite's pools do not allow) an intermediate with the input's, requantized by a QUANTIZE.
  void WithInputQuant(const Node& node, const std::function<void(int)>& emit) {
    const Value& x = Input(node, 0);
    const Value& y = graph_.value(node.outputs[0]);
    if (x.quant.scale == y.quant.scale && x.quant.zero_point == y.quant.zero_point) {
      emit(Tensor(node.outputs[0]));
      return;
    }
    const int tmp = Intermediate(node.name + "/same_quant", x, Shape(y));
    emit(tmp);
    AddOp(tflite::BuiltinOperator_QUANTIZE, {tmp}, {Tensor(node.outputs[0])});
  }

  void ConvertPool(const Node& node) {
    const Value& x = Input(node, 0);
    NeedInt8(node, x);
    NeedInt8(node, graph_.value(node.outputs[0]));
    const bool max = node.op == OpType::kMaxPool;
    const std::vector<int64_t> kernel = node.attrs.GetInts("kernel", {});
    const std::vector<int64_t> strides = node.attrs.GetInts("strides", kernel);
    const std::vector<int64_t> pads = node.attrs.GetInts("pads", {0, 0, 0, 0});
    if (kernel.size() != 2) Refuse(trit::DescribeNode(node) + ": kernel must have 2 entries");
    const Padding padding =
        PaddingFor(pads, x.shape[1], x.shape[2], kernel[0], kernel[1], strides[0], strides[1]);
    if (padding.explicit_pad) {
      // A PAD with the zero point would take part in the max or the average.
      Refuse(trit::DescribeNode(node) + ": pads that are neither SAME nor VALID");
    }
    if (!max && padding.padding == tflite::Padding_SAME &&
        node.attrs.GetInt("count_include_pad", 0) != 0) {
      Refuse(trit::DescribeNode(node) + ": count_include_pad with padding");
    }
    WithInputQuant(node, [&](int out) {
      tflite::Pool2DOptionsT o;
      o.padding = padding.padding;
      o.stride_h = static_cast<int32_t>(strides[0]);
      o.stride_w = static_cast<int32_t>(strides[1]);
      o.filter_height = static_cast<int32_t>(kernel[0]);
      o.filter_width = static_cast<int32_t>(kernel[1]);
      tflite::BuiltinOptionsUnion options;
      options.Set(std::move(o));
      AddOp(max ? tflite::BuiltinOperator_MAX_POOL_2D : tflite::BuiltinOperator_AVERAGE_POOL_2D,
            {Tensor(node.inputs[0])}, {out}, std::move(options));
    });
  }

  void ConvertGlobalAvgPool(const Node& node) {
    const Value& x = Input(node, 0);
    const Value& y = graph_.value(node.outputs[0]);
    NeedInt8(node, x);
    NeedInt8(node, y);
    if (x.quant.scale == y.quant.scale && x.quant.zero_point == y.quant.zero_point) {
      tflite::Pool2DOptionsT o;
      o.padding = tflite::Padding_VALID;
      o.stride_h = o.stride_w = 1;
      o.filter_height = static_cast<int32_t>(x.shape[1]);
      o.filter_width = static_cast<int32_t>(x.shape[2]);
      tflite::BuiltinOptionsUnion options;
      options.Set(std::move(o));
      AddOp(tflite::BuiltinOperator_AVERAGE_POOL_2D, {Tensor(node.inputs[0])},
            {Tensor(node.outputs[0])}, std::move(options));
      return;
    }
    tflite::ReducerOptionsT o;  // MEAN requantizes
    o.keep_dims = true;
    tflite::BuiltinOptionsUnion options;
    options.Set(std::move(o));
    AddOp(tflite::BuiltinOperator_MEAN,
          {Tensor(node.inputs[0]), Int32Constant(node.name + "/axes", {1, 2}, {2})},
          {Tensor(node.outputs[0])}, std::move(options));
  }

  void ConvertNode(const Node& node) {
    switch (node.op) {
      case OpType::kConv2D:
        return ConvertConv(node);
      case OpType::kDense:
        return ConvertDense(node);
      case OpType::kMaxPool:
      case OpType::kAvgPool:
        return ConvertPool(node);
      case OpType::kGlobalAvgPool:
        return ConvertGlobalAvgPool(node);
      case OpType::kAdd: {
        NeedInt8(node, Input(node, 0));
        NeedInt8(node, Input(node, 1));
        tflite::AddOptionsT o;
        o.fused_activation_function = FusedActivation(node);  // a residual Add + ReLU
        tflite::BuiltinOptionsUnion options;
        options.Set(std::move(o));
        AddOp(tflite::BuiltinOperator_ADD, {Tensor(node.inputs[0]), Tensor(node.inputs[1])},
              {Tensor(node.outputs[0])}, std::move(options));
        return;
      }
      case OpType::kReshape:
      case OpType::kFlatten: {
        const std::vector<int32_t> shape = Shape(graph_.value(node.outputs[0]));
        tflite::ReshapeOptionsT o;
        o.new_shape = shape;
        tflite::BuiltinOptionsUnion options;
        options.Set(std::move(o));
        AddOp(tflite::BuiltinOperator_RESHAPE,
              {Tensor(node.inputs[0]),
               Int32Constant(node.name + "/shape", shape, {static_cast<int32_t>(shape.size())})},
              {Tensor(node.outputs[0])}, std::move(options));
        return;
      }
      case OpType::kRelu:
        NeedInt8(node, Input(node, 0));
        AddOp(tflite::BuiltinOperator_RELU, {Tensor(node.inputs[0])}, {Tensor(node.outputs[0])});
        return;
      case OpType::kClip: {
        NeedInt8(node, Input(node, 0));
        const float lo = node.attrs.GetFloat("min", -INFINITY);
        const float hi = node.attrs.GetFloat("max", INFINITY);
        tflite::BuiltinOperator op;
        if (lo == 0 && hi == 6) {
          op = tflite::BuiltinOperator_RELU6;
        } else if (lo == 0 && std::isinf(hi) && hi > 0) {
          op = tflite::BuiltinOperator_RELU;
        } else if (lo == -1 && hi == 1) {
          op = tflite::BuiltinOperator_RELU_N1_TO_1;
        } else if (lo == 0 && hi == 1) {
          op = tflite::BuiltinOperator_RELU_0_TO_1;
        } else {
          Refuse(trit::DescribeNode(node) +
                 ": Clip bounds other than ReLU, ReLU6, [-1, 1], [0, 1]");
        }
        AddOp(op, {Tensor(node.inputs[0])}, {Tensor(node.outputs[0])});
        return;
      }
      case OpType::kPad: {
        NeedInt8(node, Input(node, 0));
        const std::vector<int64_t> pads = node.attrs.GetInts("pads", {});
        const size_t rank = Input(node, 0).shape.size();
        if (pads.size() != 2 * rank)
          Refuse(trit::DescribeNode(node) + ": pads do not match the rank");
        std::vector<int32_t> paddings;
        for (size_t d = 0; d < rank; ++d) {
          paddings.push_back(static_cast<int32_t>(pads[d]));
          paddings.push_back(static_cast<int32_t>(pads[rank + d]));
        }
        AddOp(tflite::BuiltinOperator_PAD,
              {Tensor(node.inputs[0]),
               Int32Constant(node.name + "/paddings", paddings, {static_cast<int32_t>(rank), 2})},
              {Tensor(node.outputs[0])});
        return;
      }
      case OpType::kQuantize: {
        const Value& x = Input(node, 0);
        if (x.dtype != DType::kF32 && x.dtype != DType::kI8) {
          Refuse(trit::DescribeNode(node) + ": input neither f32 nor int8");
        }
        NeedInt8(node, graph_.value(node.outputs[0]));
        AddOp(tflite::BuiltinOperator_QUANTIZE, {Tensor(node.inputs[0])},
              {Tensor(node.outputs[0])});
        return;
      }
      case OpType::kDequantize:
        NeedInt8(node, Input(node, 0));
        AddOp(tflite::BuiltinOperator_DEQUANTIZE, {Tensor(node.inputs[0])},
              {Tensor(node.outputs[0])});
        return;
      default:
        Refuse(trit::DescribeNode(node) + " has no TFLite Micro counterpart in this converter");
    }
  }

  const Graph& graph_;
  const bool same_padding_;
  tflite::ModelT model_;
  tflite::SubGraphT* sub_ = nullptr;
  std::map<ValueId, int> tensors_;
  std::map<tflite::BuiltinOperator, int> opcodes_;
};

}  // namespace

int main(int argc, char** argv) {
  const bool same_padding = argc > 1 && std::strcmp(argv[1], "--same-padding") == 0;
  if (same_padding) {
    --argc;
    ++argv;
  }
  if (argc != 3 && argc != 4) {
    std::fprintf(stderr,
                 "usage: trit_to_tflite [--same-padding] MODEL.trit OUT.tflite [OUT.plain.trit]\n");
    return 2;
  }
  try {
    const trit::format::ModelFile file = trit::format::ReadModelFile(argv[1]);
    const Graph& graph = file.graph;
    if (graph.inputs().size() != 1 || graph.outputs().size() != 1) {
      Refuse("needs one input and one output");
    }
    const std::vector<uint8_t> bytes = Converter(graph, same_padding).Convert();
    std::ofstream out(argv[2], std::ios::binary);
    out.write(reinterpret_cast<const char*>(bytes.data()),
              static_cast<std::streamsize>(bytes.size()));
    if (!out) Refuse(std::string("cannot write ") + argv[2]);
    if (argc == 4) {
      trit::format::WriteOptions options;
      options.plain_encodings = true;
      trit::format::WriteModelFile(graph, argv[3], options);
    }
    // The int8 levels behind a dequantized output.
    const ValueId output = graph.outputs()[0];
    for (const Node& node : graph.nodes()) {
      if (node.op == OpType::kDequantize && node.outputs[0] == output) {
        const Value& levels = graph.value(node.inputs[0]);
        std::printf("output_levels %.9g %d\n", levels.quant.scale[0], levels.quant.zero_point[0]);
      }
    }
  } catch (const std::exception& e) {
    std::fprintf(stderr, "trit_to_tflite: %s: %s\n", argv[1], e.what());
    return 1;
  }
  return 0;
}
