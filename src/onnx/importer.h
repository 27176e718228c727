// The converter's working state, shared by the op handlers (ops_*.cc). Each ONNX tensor is
// tracked as a constant known at import time, or as an IR value in ONNX axis order or, for
// rank-4 tensors made by the spatial ops, in NHWC. Layout changes are emitted on demand.
#pragma once

#include <onnx/onnx_pb.h>

#include <functional>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <unordered_map>
#include <vector>

#include "core/graph.h"
#include "onnx/host_tensor.h"
#include "onnx/onnx_import.h"
#include "quant/quantize_graph.h"

namespace trit::onnx_import {

// Thrown by a handler: this node cannot be converted, for `reason`.
struct NodeUnsupported {
  std::string reason;
};

// Integer weights a DequantizeLinear of a constant stood for: kept so that the layer reading
// them runs on exactly these levels (int8, symmetric).
struct WeightLevels {
  std::vector<int8_t> levels;  // ONNX order
  std::vector<float> scales;   // one, or one per index of `axis`
  int64_t axis = -1;
};

class Importer;

// One ONNX node being converted: its inputs, attributes, and ways to emit IR for it.
class NodeContext {
 public:
  NodeContext(Importer& importer, const onnx::NodeProto& node) : importer_(importer), node_(node) {}

  const onnx::NodeProto& proto() const { return node_; }
  int opset() const;
  [[noreturn]] void Fail(const std::string& reason) const { throw NodeUnsupported{reason}; }

  // Inputs. An input given as "" (optional, skipped) is absent.
  bool HasInput(int i) const;
  bool IsConstant(int i) const;
  const HostTensor& Constant(int i, const std::string& what) const;  // Fail when not constant
  const Shape& OnnxShape(int i) const;
  int32_t ElemType(int i) const;
  bool IsNhwc(int i) const;
  ValueId InOnnxLayout(int i);     // constants become f32 IR constants
  ValueId InNhwc(int i);           // rank 4 only
  ValueId InCurrentLayout(int i);  // as it is: NHWC when IsNhwc(i)
  // A constant as an IR f32 constant broadcast to rank 4 and permuted to NHWC.
  ValueId ConstantNhwc(const HostTensor& t, const std::string& suffix);
  ValueId ConstantValue(const HostTensor& t, const std::string& suffix);  // ONNX order

  // Attributes (absent -> fallback).
  bool HasAttr(const std::string& name) const;
  int64_t Int(const std::string& name, int64_t fallback) const;
  float Float(const std::string& name, float fallback) const;
  std::string String(const std::string& name, const std::string& fallback) const;
  std::vector<int64_t> Ints(const std::string& name, std::vector<int64_t> fallback) const;
  std::vector<float> Floats(const std::string& name, std::vector<float> fallback) const;
  const onnx::TensorProto* TensorAttr(const std::string& name) const;

  // Outputs.
  int OutputCount() const;  // outputs named (optional trailing ones may be "")
  bool OutputUsed(int i) const;
  ValueId Emit(OpType op, const std::vector<ValueId>& inputs, Attributes attrs = {},
               const std::string& suffix = "");
  void SetOutput(int i, ValueId value, bool nhwc = false);
  void SetConstant(int i, HostTensor tensor);
  void Forward(int output, int input);  // Identity: the output is the input
  Graph& graph();

  // Quantization (QDQ models). A quantized activation is held as its float view: the IR value
  // of the real tensor, with the parameters it is quantized with.
  const quant::ActivationParams* QuantOf(int i) const;  // of a non-constant i8/u8 input
  void SetQuantized(int output, ValueId float_view, bool nhwc, const quant::ActivationParams& p,
                    int32_t elem_type);
  const WeightLevels* LevelsOf(int i) const;  // of a constant input, if it had levels
  void SetConstantLevels(int output, HostTensor dequantized, WeightLevels levels);
  // The layer that wrote `layer_output` runs on these weights (rows = output channels).
  void FixWeights(ValueId layer_output, quant::QuantizedWeights weights);
  // Marks output `i` (a float IR value) as an int32 accumulator held in float.
  void SetAccumulator(int output, ValueId value, bool nhwc);
  bool IsAccumulator(int i) const;

 private:
  Importer& importer_;
  const onnx::NodeProto& node_;
};

using OpHandler = std::function<void(NodeContext&)>;
struct OpEntry {
  OpHandler handler;
  bool constant_only = false;  // folded only: fails unless every input is known
  std::string conditions;
};
using OpTable = std::map<std::string, OpEntry>;

// Each ops_*.cc file adds its handlers.
void AddSpatialOps(OpTable& table);    // Conv, pools, BatchNormalization, Pad
void AddPointwiseOps(OpTable& table);  // activations, binary arithmetic
void AddTensorOps(OpTable& table);     // Reshape, Flatten, Transpose, Concat, Softmax, ...
void AddLinearOps(OpTable& table);     // Gemm, MatMul
void AddConstantOps(OpTable& table);   // Shape, Gather, Slice, Cast, Constant, ...
void AddQuantizedOps(OpTable& table);  // QuantizeLinear, DequantizeLinear, QLinear*, *Integer
void AddRecurrentOps(OpTable& table);  // LSTM, GRU, RNN
const OpTable& Ops();

class Importer {
 public:
  Importer(const onnx::ModelProto& model, const ImportOptions& options, ImportReport& report);
  // Converts every node, recording unsupported ones in the report. The graph is complete only
  // when the report lists none.
  Graph Run();
  // What the QDQ nodes said: parameters per activation and the fixed weights per layer, by the
  // names of the graph Run() returned. Empty for a float model.
  const quant::QuantPlan& plan() const { return plan_; }

 private:
  friend class NodeContext;
  struct Tensor {
    std::optional<HostTensor> constant;
    ValueId value = -1;  // IR value when not constant
    bool nhwc = false;   // value holds the rank-4 tensor as NHWC
    int32_t elem_type = onnx::TensorProto::FLOAT;
    Shape shape;                                   // ONNX order
    ValueId onnx_layout = -1, nhwc_layout = -1;    // conversions emitted so far
    std::optional<quant::ActivationParams> quant;  // an i8/u8 tensor: `value` is its float view
    std::optional<WeightLevels> levels;            // a constant that DequantizeLinear made
    bool accumulator = false;  // an int32 accumulator (ConvInteger) held as float
  };

  void AddGraphInputs();
  void ConvertNode(const onnx::NodeProto& node);
  onnx::NodeProto LegacyBroadcast(const onnx::NodeProto& node);
  void KeepQuantization(const onnx::NodeProto& node);
  void MarkOutputs();
  Tensor& Find(const std::string& name);
  std::string UniqueName(const std::string& base);
  ValueId ToOnnx(Tensor& t, const std::string& name);
  ValueId ToNhwc(Tensor& t, const std::string& name);
  void KeepParams(ValueId from, ValueId to);  // a layout change of a quantized value
  ValueId EmitNode(OpType op, const std::string& name, const std::vector<ValueId>& inputs,
                   Attributes attrs);
  ValueId MakeConstant(const HostTensor& t, const std::string& name);

  const onnx::ModelProto& model_;
  const ImportOptions& options_;
  ImportReport& report_;
  int opset_ = 0;
  Graph graph_;
  std::unordered_map<std::string, Tensor> tensors_;
  std::set<std::string> poisoned_;  // outputs of unsupported nodes: their readers are skipped
  std::set<std::string> used_names_;
  std::unordered_map<std::string, int> reads_;  // how many nodes and outputs read each tensor
  std::map<ValueId, quant::ActivationParams> activation_params_;
  quant::QuantPlan plan_;
};

// Layers shared by the float and the quantized converters. `levels` (weights that were int8
// in the model) become the layer's fixed weights.
// Conv of input 0 (rank 4) with weights [M, C/group, kH, kW], window attributes of `node`.
// `input` (NHWC) replaces input 0 when given.
ValueId EmitConv(NodeContext& node, const HostTensor& weights, const WeightLevels* levels,
                 const HostTensor* bias, ValueId input = -1);
// x [.., K] (ONNX order) times B [K, N] (or B^T given as [N, K] when `transposed`), + bias [N].
ValueId EmitDense(NodeContext& node, ValueId x, const Shape& x_shape, const HostTensor& b,
                  bool transposed, float alpha, const WeightLevels* levels, const HostTensor* bias,
                  const std::string& suffix);
// The fixed weights of a layer: `levels` of a tensor of `shape`, axes permuted by `perm`, the
// scales along the axis that becomes axis 0. Fails unless they are per tensor or on that axis.
quant::QuantizedWeights FixedWeights(const NodeContext& node, const WeightLevels& levels,
                                     const Shape& shape, const std::vector<int64_t>& perm);

// Shape helpers shared by the handlers.
int64_t NormalizeAxis(int64_t axis, int64_t rank, const NodeContext& node);
inline constexpr int64_t kToNhwc[4] = {0, 2, 3, 1};  // NHWC axis d holds ONNX axis kToNhwc[d]
// Where ONNX axis a sits in NHWC; also the perm that turns NHWC back into NCHW.
inline constexpr int64_t kNhwcAxisOf[4] = {0, 3, 1, 2};
// Elementwise with NumPy broadcasting on known tensors: float when either is float.
HostTensor HostBinary(const HostTensor& a, const HostTensor& b,
                      const std::function<double(double, double)>& f);

}  // namespace trit::onnx_import
