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

namespace trit::onnx_import {

// Thrown by a handler: this node cannot be converted, for `reason`.
struct NodeUnsupported {
  std::string reason;
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
const OpTable& Ops();

class Importer {
 public:
  Importer(const onnx::ModelProto& model, const ImportOptions& options, ImportReport& report);
  // Converts every node, recording unsupported ones in the report. The graph is complete only
  // when the report lists none.
  Graph Run();

 private:
  friend class NodeContext;
  struct Tensor {
    std::optional<HostTensor> constant;
    ValueId value = -1;  // IR value when not constant
    bool nhwc = false;   // value holds the rank-4 tensor as NHWC
    int32_t elem_type = onnx::TensorProto::FLOAT;
    Shape shape;                                 // ONNX order
    ValueId onnx_layout = -1, nhwc_layout = -1;  // conversions emitted so far
  };

  void AddGraphInputs();
  void ConvertNode(const onnx::NodeProto& node);
  onnx::NodeProto LegacyBroadcast(const onnx::NodeProto& node);
  void MarkOutputs();
  Tensor& Find(const std::string& name);
  std::string UniqueName(const std::string& base);
  ValueId ToOnnx(Tensor& t, const std::string& name);
  ValueId ToNhwc(Tensor& t, const std::string& name);
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
};

// Shape helpers shared by the handlers.
int64_t NormalizeAxis(int64_t axis, int64_t rank, const NodeContext& node);
inline constexpr int64_t kToNhwc[4] = {0, 2, 3, 1};  // NHWC axis d holds ONNX axis kToNhwc[d]
// Where ONNX axis a sits in NHWC; also the perm that turns NHWC back into NCHW.
inline constexpr int64_t kNhwcAxisOf[4] = {0, 3, 1, 2};
HostTensor TransposeHost(const HostTensor& t, const std::vector<int64_t>& perm);
HostTensor ReshapeHost(HostTensor t, Shape shape);
HostTensor ToFloatHost(const HostTensor& t);
// Elementwise with NumPy broadcasting on known tensors: float when either is float.
HostTensor HostBinary(const HostTensor& a, const HostTensor& b,
                      const std::function<double(double, double)>& f);

}  // namespace trit::onnx_import
