#include "onnx/onnx_export.h"

#include <onnx/onnx_pb.h>

#include <array>
#include <cstring>
#include <limits>
#include <set>

#include "core/atomic_file.h"
#include "core/error.h"
#include "core/op_def.h"
#include "core/op_params.h"
#include "core/op_table.h"
#include "core/recurrent_layout.h"
#include "kernels/ref/quant_weights.h"
#include "kernels/ref/structured_matrix.h"
#include "kernels/ref/transpose.h"

namespace trit::onnx_export {
namespace {

using onnx::TensorProto;

constexpr int64_t kToNchw[4] = {0, 3, 1, 2};  // NCHW axis d is NHWC axis kToNchw[d]
constexpr int64_t kToNhwc[4] = {0, 2, 3, 1};
constexpr int64_t kNchwAxisOf[4] = {0, 2, 3, 1};  // where NHWC axis a sits in NCHW

class Exporter {
 public:
  explicit Exporter(const Graph& graph) : g_(graph), views_(graph.values().size()) {}

  onnx::ModelProto Run() {
    model_.set_ir_version(7);
    model_.set_producer_name("trit");
    auto* opset = model_.add_opset_import();
    opset->set_domain("");
    opset->set_version(14);
    onnx::GraphProto* graph = model_.mutable_graph();
    graph->set_name("trit");
    for (const ValueId in : g_.inputs()) AddGraphInput(in);
    for (const NodeId id : g_.TopologicalOrder()) ExportNode(g_.node(id));
    for (const ValueId out : g_.outputs()) AddGraphOutput(out);
    return std::move(model_);
  }

 private:
  // The float ONNX tensor standing for an IR value, and whether it holds a rank-4 NHWC value
  // as NCHW.
  struct View {
    std::string name;
    bool nchw = false;
    std::string as_is, as_nchw;  // layout changes made so far
  };

  [[noreturn]] void Fail(const Node& node, const std::string& what) const {
    throw Error(ErrorCode::kUnsupported, "node '" + node.name + "' (" +
                                             std::string(OpTypeName(node.op)) + "): " + what +
                                             " has no ONNX export");
  }

  std::string Unique(const std::string& base) {
    std::string name = base;
    for (int i = 2; !names_.insert(name).second; ++i) name = base + "#" + std::to_string(i);
    return name;
  }

  onnx::NodeProto* AddNode(const std::string& op, const std::vector<std::string>& inputs,
                           const std::string& output) {
    auto* node = model_.mutable_graph()->add_node();
    node->set_op_type(op);
    node->set_name(output);
    for (const auto& in : inputs) node->add_input(in);
    node->add_output(output);
    return node;
  }

  static void SetInts(onnx::NodeProto* node, const std::string& name,
                      const std::vector<int64_t>& values) {
    auto* a = node->add_attribute();
    a->set_name(name);
    a->set_type(onnx::AttributeProto::INTS);
    for (const int64_t v : values) a->add_ints(v);
  }
  static void SetInt(onnx::NodeProto* node, const std::string& name, int64_t value) {
    auto* a = node->add_attribute();
    a->set_name(name);
    a->set_type(onnx::AttributeProto::INT);
    a->set_i(value);
  }
  static void SetFloat(onnx::NodeProto* node, const std::string& name, float value) {
    auto* a = node->add_attribute();
    a->set_name(name);
    a->set_type(onnx::AttributeProto::FLOAT);
    a->set_f(value);
  }

  std::string Initializer(const std::string& base, int32_t type, const Shape& shape,
                          const void* data, size_t bytes) {
    const std::string name = Unique(base);
    auto* t = model_.mutable_graph()->add_initializer();
    t->set_name(name);
    t->set_data_type(type);
    for (const int64_t d : shape) t->add_dims(d);
    t->set_raw_data(data, bytes);
    return name;
  }
  std::string Floats(const std::string& base, const Shape& shape, const std::vector<float>& v) {
    return Initializer(base, TensorProto::FLOAT, shape, v.data(), v.size() * sizeof(float));
  }
  std::string Int64s(const std::string& base, const std::vector<int64_t>& v) {
    return Initializer(base, TensorProto::INT64, {static_cast<int64_t>(v.size())}, v.data(),
                       v.size() * sizeof(int64_t));
  }

  std::string Transpose(const std::string& in, const int64_t* perm, const std::string& out) {
    SetInts(AddNode("Transpose", {in}, out), "perm", {perm, perm + 4});
    return out;
  }

  // The float view of `v` in the IR's own axis order / as NCHW (rank 4).
  std::string AsIs(ValueId v) {
    View& view = Ensure(v);
    if (!view.nchw) return view.name;
    if (view.as_is.empty()) view.as_is = Transpose(view.name, kToNhwc, Unique(view.name + "/nhwc"));
    return view.as_is;
  }
  std::string Nchw(ValueId v) {
    View& view = Ensure(v);
    if (view.nchw) return view.name;
    if (view.as_nchw.empty()) {
      view.as_nchw = Transpose(view.name, kToNchw, Unique(view.name + "/nchw"));
    }
    return view.as_nchw;
  }
  View& Ensure(ValueId v) {
    View& view = views_[static_cast<size_t>(v)];
    if (!view.name.empty()) return view;
    const Value& value = g_.value(v);
    view.name = Floats(value.name, value.shape, ConstantFloats(value));
    return view;
  }
  // A constant's real values: an f32 one as stored; an 8-bit operand the quantizer made (of an
  // Add, Sub, Mul, Min or Max) dequantized, s * (q - z), so ONNX computes with exactly its levels.
  std::vector<float> ConstantFloats(const Value& value) {
    const bool eight_bit = IsQuantizedActivation(value.dtype) && value.quant.scale.size() == 1;
    if (!value.is_constant() || (value.dtype != DType::kF32 && !eight_bit)) {
      throw Error(ErrorCode::kInternal, "tensor '" + value.name + "' is read before it is written");
    }
    std::vector<float> data(static_cast<size_t>(NumElements(value.shape)));
    if (!eight_bit) {
      std::memcpy(data.data(), value.data->data(), data.size() * sizeof(float));
      return data;
    }
    const auto* bytes = static_cast<const uint8_t*>(value.data->data());
    for (size_t i = 0; i < data.size(); ++i) {
      const int32_t level = value.dtype == DType::kI8 ? static_cast<int8_t>(bytes[i]) : bytes[i];
      data[i] = value.quant.scale[0] * static_cast<float>(level - value.quant.zero_point[0]);
    }
    return data;
  }
  // A constant of a rank-4 op read as NCHW: 1s prepended, then permuted.
  std::string ConstantNchw(ValueId v) {
    const Value& value = g_.value(v);
    Shape shape(4 - value.shape.size(), 1);
    shape.insert(shape.end(), value.shape.begin(), value.shape.end());
    const Shape out = {shape[0], shape[3], shape[1], shape[2]};
    const std::vector<float> values = ConstantFloats(value);
    std::vector<float> data(values.size());
    ref::Transpose(values.data(), shape.data(), kToNchw, 4, sizeof(float), data.data());
    return Floats(value.name + "/nchw", out, data);
  }

  // Gives `v` its float view; a quantized value goes through QuantizeLinear/DequantizeLinear.
  void Define(ValueId v, const std::string& computed, bool nchw) {
    const Value& value = g_.value(v);
    View& view = views_[static_cast<size_t>(v)];
    view.nchw = nchw;
    if (!IsQuantizedActivation(value.dtype)) {
      view.name = computed;
      return;
    }
    const auto [scale, zero] = ScaleAndZero(value);
    const std::string q = Unique(value.name + "/q");
    AddNode("QuantizeLinear", {computed, scale, zero}, q);
    view.name = Unique(value.name + "/dq");
    AddNode("DequantizeLinear", {q, scale, zero}, view.name);
  }
  std::pair<std::string, std::string> ScaleAndZero(const Value& value) {
    const std::string scale = Floats(value.name + "/scale", {}, {value.quant.scale.at(0)});
    std::string zero;
    if (value.dtype == DType::kU8) {
      const auto z = static_cast<uint8_t>(value.quant.zero_point.at(0));
      zero = Initializer(value.name + "/zero_point", TensorProto::UINT8, {}, &z, 1);
    } else {
      const auto z = static_cast<int8_t>(value.quant.zero_point.at(0));
      zero = Initializer(value.name + "/zero_point", TensorProto::INT8, {}, &z, 1);
    }
    return {scale, zero};
  }

  // Weights of a Conv2D/Dense as a float tensor: plain, or int8 levels through DequantizeLinear
  // (per output channel, axis 0). `perm` reorders the axes (OHWI -> OIHW).
  std::string Weights(const Node& node, const std::vector<int64_t>& perm) {
    const Value& w = g_.value(node.inputs[1]);
    const int64_t channels = w.shape[0];
    const int64_t per_channel = NumElements(w.shape) / channels;
    std::vector<int8_t> levels;
    std::vector<float> floats;
    if (w.dtype == DType::kF32) {
      floats.resize(static_cast<size_t>(NumElements(w.shape)));
      std::memcpy(floats.data(), w.data->data(), floats.size() * sizeof(float));
    } else {
      if (w.dtype == DType::kBinary && !IsQuantizedActivation(g_.value(node.inputs[0]).dtype)) {
        Fail(node, "a binary layer");
      }
      ref::QuantWeights q;
      q.type = w.dtype;
      q.data = w.data->data();
      q.ternary_pos = w.quant.ternary_pos.data();
      q.ternary_neg = w.quant.ternary_neg.data();
      q.per_channel = w.quant.ternary_pos.size() > 1;
      levels.resize(static_cast<size_t>(NumElements(w.shape)));
      for (int64_t i = 0; i < NumElements(w.shape); ++i) {
        levels[static_cast<size_t>(i)] =
            static_cast<int8_t>(ref::WeightLevel(q, i, static_cast<int>(i / per_channel)));
      }
    }
    // Permute the axes.
    Shape shape(perm.size());
    for (size_t d = 0; d < perm.size(); ++d) shape[d] = w.shape[static_cast<size_t>(perm[d])];
    const int rank = static_cast<int>(w.shape.size());
    std::vector<float> pf(floats.size());
    std::vector<int8_t> pl(levels.size());
    if (!floats.empty()) {
      ref::Transpose(floats.data(), w.shape.data(), perm.data(), rank, sizeof(float), pf.data());
    }
    if (!levels.empty()) {
      ref::Transpose(levels.data(), w.shape.data(), perm.data(), rank, 1, pl.data());
    }
    if (w.dtype == DType::kF32) return Floats(w.name, shape, pf);
    const std::string data =
        Initializer(w.name + "/levels", TensorProto::INT8, shape, pl.data(), pl.size());
    std::vector<float> scales = w.quant.scale;
    if (scales.size() == 1) scales.assign(static_cast<size_t>(channels), scales[0]);
    const std::string scale = Floats(w.name + "/scale", {channels}, scales);
    const std::vector<int8_t> zeros(static_cast<size_t>(channels), 0);
    const std::string zero = Initializer(w.name + "/zero_point", TensorProto::INT8, {channels},
                                         zeros.data(), zeros.size());
    const std::string out = Unique(w.name);
    auto* dq = AddNode("DequantizeLinear", {data, scale, zero}, out);
    SetInt(dq, "axis", perm[0] == 0 ? 0 : 1);
    return out;
  }

  // The bias: float, or int32 levels at scale s_x * s_w[c] through DequantizeLinear.
  std::string Bias(const Node& node) {
    const Value& b = g_.value(node.inputs[2]);
    if (b.dtype == DType::kF32) return Ensure(node.inputs[2]).name;
    const Value& x = g_.value(node.inputs[0]);
    const Value& w = g_.value(node.inputs[1]);
    const int64_t channels = b.shape[0];
    std::vector<float> scales(static_cast<size_t>(channels));
    for (int64_t c = 0; c < channels; ++c) {
      scales[static_cast<size_t>(c)] =
          x.quant.scale.at(0) *
          w.quant.scale[w.quant.scale.size() == 1 ? 0 : static_cast<size_t>(c)];
    }
    const std::string data = Initializer(b.name + "/levels", TensorProto::INT32, {channels},
                                         b.data->data(), b.data->size());
    const std::string scale = Floats(b.name + "/scale", {channels}, scales);
    const std::vector<int32_t> zeros(static_cast<size_t>(channels), 0);
    const std::string zero = Initializer(b.name + "/zero_point", TensorProto::INT32, {channels},
                                         zeros.data(), zeros.size() * sizeof(int32_t));
    const std::string out = Unique(b.name);
    SetInt(AddNode("DequantizeLinear", {data, scale, zero}, out), "axis", 0);
    return out;
  }

  // A Conv2D, Dense, Add or BatchNorm with a fused ReLU / ReLU6: a Relu or Clip node after it.
  static bool HasActivation(const Node& node) {
    return ParseActivation(node.attrs.GetString("activation", "none")) != Activation::kNone;
  }
  std::string Activate(const Node& node, std::string y, const std::string& name) {
    const Activation a = ParseActivation(node.attrs.GetString("activation", "none"));
    if (a == Activation::kNone) return y;
    if (a == Activation::kRelu) {
      AddNode("Relu", {y}, name);
      return name;
    }
    AddNode("Clip", {y, Floats(name + "/min", {}, {0.0f}), Floats(name + "/max", {}, {6.0f})},
            name);
    return name;
  }

  // Whether a rank-4 graph input holds NHWC data. An input that every reader transposes with
  // perm [0, 2, 3, 1] is already in NCHW (an imported ONNX model): it stays as it is.
  bool InputIsNhwc(ValueId in) const {
    if (g_.value(in).shape.size() != 4) return false;
    bool any = false;
    for (const Node& n : g_.nodes()) {
      for (const ValueId i : n.inputs) {
        if (i != in) continue;
        any = true;
        if (n.op != OpType::kTranspose ||
            n.attrs.GetInts("perm", {}) != std::vector<int64_t>(kToNhwc, kToNhwc + 4)) {
          return true;
        }
      }
    }
    return !any;
  }
  // Likewise an output that a Transpose with perm [0, 3, 1, 2] wrote is already NCHW.
  bool OutputIsNhwc(ValueId out) const {
    if (g_.value(out).shape.size() != 4) return false;
    for (const Node& n : g_.nodes()) {
      if (n.outputs[0] == out) {
        return !(n.op == OpType::kTranspose &&
                 n.attrs.GetInts("perm", {}) == std::vector<int64_t>(kToNchw, kToNchw + 4));
      }
    }
    return true;
  }

  void AddGraphInput(ValueId in) {
    const Value& v = g_.value(in);
    if (v.dtype != DType::kF32) {
      throw Error(ErrorCode::kUnsupported, "input '" + v.name + "' is not f32: no ONNX export");
    }
    const bool nchw = InputIsNhwc(in);
    auto* input = model_.mutable_graph()->add_input();
    input->set_name(Unique(v.name));
    auto* type = input->mutable_type()->mutable_tensor_type();
    type->set_elem_type(TensorProto::FLOAT);
    Shape shape = v.shape;
    if (nchw) shape = {v.shape[0], v.shape[3], v.shape[1], v.shape[2]};
    for (const int64_t d : shape) type->mutable_shape()->add_dim()->set_dim_value(d);
    views_[static_cast<size_t>(in)].name = v.name;
    views_[static_cast<size_t>(in)].nchw = nchw;
  }

  void AddGraphOutput(ValueId out) {
    const Value& v = g_.value(out);
    const bool nchw = OutputIsNhwc(out);
    std::string name = nchw ? Nchw(out) : AsIs(out);
    if (v.dtype != DType::kF32) {
      throw Error(ErrorCode::kUnsupported, "output '" + v.name + "' is not f32: no ONNX export");
    }
    // The ONNX output keeps the IR name.
    if (name != v.name) {
      const std::string final_name =
          names_.count(v.name) ? Unique(v.name + "/output") : Unique(v.name);
      AddNode("Identity", {name}, final_name);
      name = final_name;
    }
    auto* output = model_.mutable_graph()->add_output();
    output->set_name(name);
    auto* type = output->mutable_type()->mutable_tensor_type();
    type->set_elem_type(TensorProto::FLOAT);
    Shape shape = v.shape;
    if (nchw) shape = {v.shape[0], v.shape[3], v.shape[1], v.shape[2]};
    for (const int64_t d : shape) type->mutable_shape()->add_dim()->set_dim_value(d);
  }

  bool Rank4(ValueId v) const { return g_.value(v).shape.size() == 4; }

  std::string Permute(const std::string& in, const std::vector<int64_t>& perm,
                      const std::string& out) {
    SetInts(AddNode("Transpose", {in}, out), "perm", perm);
    return out;
  }

  // The dense matrix of an f32 structured slot: ONNX takes dense matrices.
  std::vector<float> Materialized(const Node& node, const StructuredSlot& slot) {
    ref::StructuredMatrixF32 m{
        static_cast<ref::StructureKind>(slot.structure), slot.rows, slot.cols, {}, slot.blocks};
    for (size_t i = slot.first; i < slot.first + slot.count; ++i) {
      const Value& v = g_.value(node.inputs[i]);
      m.parts.push_back({v.shape[0], v.shape.size() == 2 ? v.shape[1] : 1, v.data->as<float>()});
    }
    return ref::MaterializeStructured(m);
  }

  // StructuredDense as MatMul with the materialized W^T, Add of the bias, and the activation.
  std::string StructuredDense(const Node& node, const std::string& name) {
    const StructuredDenseLayout layout = ParseStructuredDenseLayout(g_, node);
    for (const ValueId in : node.inputs) {
      if (g_.value(in).dtype != DType::kF32) Fail(node, "int8 structured weights");
    }
    const std::vector<float> w = Materialized(node, layout.w);
    const int64_t rows = layout.w.rows, cols = layout.w.cols;
    std::vector<float> w_t(w.size());
    for (int64_t r = 0; r < rows; ++r) {
      for (int64_t c = 0; c < cols; ++c) w_t[static_cast<size_t>(c * rows + r)] = w[r * cols + c];
    }
    const std::string product = Unique(name + "/matmul");
    AddNode("MatMul", {AsIs(node.inputs[0]), Floats(name + "/W_t", {cols, rows}, w_t)}, product);
    const std::string biased = Unique(name + "/biased");
    AddNode("Add", {product, Ensure(node.inputs[layout.bias]).name}, biased);
    return Activate(node, biased, name);
  }

  // A recurrent cell as ONNX LSTM / GRU / RNN (layout 0, with transposes to and from the cell's
  // batch-first tensors). Structured W and U are materialized: ONNX takes dense matrices.
  std::string Recurrent(const Node& node, const char* op, const std::string& name) {
    const RecurrentLayout layout = ParseRecurrentLayout(g_, node);
    if (node.op == OpType::kFastGrnn) Fail(node, "FastGRNN");
    const auto scalar = [&](size_t i) { return g_.value(node.inputs[i]).data->as<float>()[0]; };
    for (const RecurrentDirectionSlots& d : layout.directions) {
      if (node.op == OpType::kFastRnn &&
          (scalar(*d.scalar_a) != 1.0f || scalar(*d.scalar_b) != 0.0f)) {
        Fail(node, "FastRNN with alpha other than 1 or beta other than 0");
      }
    }
    for (const ValueId in : node.inputs) {
      if (g_.value(in).dtype != DType::kF32) Fail(node, "a quantized recurrent cell");
    }
    const auto directions = static_cast<int64_t>(layout.directions.size());
    const int64_t h = layout.hidden, rows = layout.gates * h, n = layout.batch;
    std::vector<float> w, r, b, p;
    const auto matrix = [&](const StructuredSlot& slot, std::vector<float>& to) {
      const std::vector<float> dense = Materialized(node, slot);
      to.insert(to.end(), dense.begin(), dense.end());
    };
    const auto append = [&](size_t i, std::vector<float>& to) {
      const Value& v = g_.value(node.inputs[i]);
      to.insert(to.end(), v.data->as<float>(), v.data->as<float>() + NumElements(v.shape));
    };
    for (const RecurrentDirectionSlots& d : layout.directions) {
      matrix(d.w, w);
      matrix(d.u, r);
      append(d.bias_w, b);
      if (d.bias_u_folded) {
        b.insert(b.end(), static_cast<size_t>(rows), 0.0f);  // the pair folded into bias_w
      } else {
        append(d.bias_u, b);
      }
      if (d.peephole) append(*d.peephole, p);
    }
    std::vector<std::string> inputs = {
        Permute(AsIs(node.inputs[0]), {1, 0, 2}, Unique(name + "/x_tni")),
        Floats(name + "/W", {directions, rows, layout.input_size}, w),
        Floats(name + "/R", {directions, rows, h}, r),
        Floats(name + "/B", {directions, 2 * rows}, b), ""};
    const auto state = [&](size_t i, const std::string& what) {
      const std::string ndh = Unique(name + "/" + what + "_ndh");
      AddNode("Reshape", {AsIs(node.inputs[i]), Int64s(ndh + "/shape", {n, directions, h})}, ndh);
      return Permute(ndh, {1, 0, 2}, Unique(name + "/" + what));
    };
    inputs.push_back(layout.initial_h ? state(*layout.initial_h, "initial_h") : "");
    if (node.op == OpType::kLstm) {
      inputs.push_back(layout.initial_c ? state(*layout.initial_c, "initial_c") : "");
      if (layout.peepholes) inputs.push_back(Floats(name + "/P", {directions, 3 * h}, p));
    }
    while (!inputs.empty() && inputs.back().empty()) inputs.pop_back();
    auto* cell = model_.mutable_graph()->add_node();
    cell->set_op_type(op);
    cell->set_name(Unique(name + "/" + op));
    for (const auto& in : inputs) cell->add_input(in);
    const std::string result = Unique(name + (layout.output_sequence     ? "/Y"
                                              : layout.output_cell_state ? "/Y_c"
                                                                         : "/Y_h"));
    if (!layout.output_sequence) cell->add_output("");
    if (layout.output_cell_state) cell->add_output("");
    cell->add_output(result);
    SetInt(cell, "hidden_size", h);
    auto* direction = cell->add_attribute();
    direction->set_name("direction");
    direction->set_type(onnx::AttributeProto::STRING);
    direction->set_s(directions == 2 ? "bidirectional" : layout.reverse ? "reverse" : "forward");
    if (node.op == OpType::kGru) SetInt(cell, "linear_before_reset", layout.linear_before_reset);
    if (node.op == OpType::kFastRnn) {
      auto* activations = cell->add_attribute();
      activations->set_name("activations");
      activations->set_type(onnx::AttributeProto::STRINGS);
      const char* f = layout.activation == CellActivation::kTanh      ? "Tanh"
                      : layout.activation == CellActivation::kSigmoid ? "Sigmoid"
                                                                      : "Relu";
      for (int64_t d = 0; d < directions; ++d) activations->add_strings(f);
    }
    // Y [T, D, N, H] -> [N, T, D*H]; Y_h or Y_c [D, N, H] -> [N, D*H].
    const std::string batch_first = layout.output_sequence
                                        ? Permute(result, {2, 0, 1, 3}, Unique(name + "/y_ntdh"))
                                        : Permute(result, {1, 0, 2}, Unique(name + "/y_ndh"));
    const Shape shape = g_.value(node.outputs[0]).shape;
    AddNode("Reshape", {batch_first, Int64s(name + "/shape", shape)}, name);
    return name;
  }

  void ExportNode(const Node& node) {
    for (const ValueId in : node.inputs) {
      if (g_.value(in).dtype == DType::kBinary && !g_.value(in).is_constant()) {
        Fail(node, "a binary activation");
      }
    }
    if (!IsKnownOpType(node.op)) Fail(node, "this op");
    const ExportRow& row = kExportTable[static_cast<size_t>(node.op)];
    (this->*row.export_node)(node, row.onnx_op, Unique(g_.value(node.outputs[0]).name));
  }

  // One exporter per op (kExportTable): each writes the ONNX nodes computing `node` and defines
  // its output's view; `onnx_op` is the row's ONNX op and `name` the output's unique ONNX name.
  using ExportFunction = void (Exporter::*)(const Node& node, const char* onnx_op,
                                            const std::string& name);
  struct ExportRow {
    OpType op;
    const char* onnx_op;  // the ONNX op it becomes ("" where none does)
    ExportFunction export_node;
  };
  static const std::array<ExportRow, kNumOpTypes> kExportTable;

  // The input read as NCHW where it is held so, else as it is.
  std::string InItsLayout(ValueId v) {
    return views_[static_cast<size_t>(v)].nchw ? Nchw(v) : AsIs(v);
  }

  void ExportConv2D(const Node& node, const char* onnx_op, const std::string& name) {
    const WindowParams p = ParseConv2DParams(node.attrs, g_.value(node.inputs[1]).shape[1],
                                             g_.value(node.inputs[1]).shape[2]);
    std::vector<std::string> inputs = {Nchw(node.inputs[0]), Weights(node, {0, 3, 1, 2})};
    if (node.inputs.size() == 3) inputs.push_back(Bias(node));
    const bool act = p.activation != Activation::kNone;
    auto* conv = AddNode(onnx_op, inputs, act ? Unique(name + "/conv") : name);
    SetInts(conv, "kernel_shape", {p.kernel_h, p.kernel_w});
    SetInts(conv, "strides", {p.stride_h, p.stride_w});
    SetInts(conv, "dilations", {p.dilation_h, p.dilation_w});
    SetInts(conv, "pads", {p.pad_top, p.pad_left, p.pad_bottom, p.pad_right});
    SetInt(conv, "group", p.groups);
    Define(node.outputs[0], Activate(node, conv->output(0), name), true);
  }

  // Gemm for a 2-D input; MatMul and Add for any other rank.
  void ExportDense(const Node& node, const char* onnx_op, const std::string& name) {
    const ValueId out = node.outputs[0];
    const Value& x = g_.value(node.inputs[0]);
    if (x.shape.size() != 2) {
      std::vector<std::string> inputs = {AsIs(node.inputs[0]), Weights(node, {1, 0})};
      std::string yv = Unique(name + "/matmul");
      AddNode("MatMul", inputs, yv);
      if (node.inputs.size() == 3) {
        const std::string sum = Unique(name + "/biased");
        AddNode("Add", {yv, Bias(node)}, sum);
        yv = sum;
      }
      return Define(out, Activate(node, yv, name), false);
    }
    std::vector<std::string> inputs = {AsIs(node.inputs[0]), Weights(node, {0, 1})};
    if (node.inputs.size() == 3) inputs.push_back(Bias(node));
    const Activation a = ParseActivation(node.attrs.GetString("activation", "none"));
    auto* gemm = AddNode(onnx_op, inputs, a != Activation::kNone ? Unique(name + "/gemm") : name);
    SetInt(gemm, "transB", 1);
    Define(out, Activate(node, gemm->output(0), name), false);
  }

  void ExportPool(const Node& node, const char* onnx_op, const std::string& name) {
    const WindowParams p = ParsePoolParams(node.attrs);
    auto* pool = AddNode(onnx_op, {Nchw(node.inputs[0])}, name);
    SetInts(pool, "kernel_shape", {p.kernel_h, p.kernel_w});
    SetInts(pool, "strides", {p.stride_h, p.stride_w});
    SetInts(pool, "pads", {p.pad_top, p.pad_left, p.pad_bottom, p.pad_right});
    if (node.op == OpType::kAvgPool) SetInt(pool, "count_include_pad", p.count_include_pad);
    Define(node.outputs[0], name, true);
  }

  void ExportGlobalAvgPool(const Node& node, const char* onnx_op, const std::string& name) {
    AddNode(onnx_op, {Nchw(node.inputs[0])}, name);
    Define(node.outputs[0], name, true);
  }

  void ExportBatchNorm(const Node& node, const char* onnx_op, const std::string& name) {
    const bool rank4 = Rank4(node.inputs[0]);
    if (!rank4 && g_.value(node.inputs[0]).shape.size() != 2)
      Fail(node, "a rank other than 2 or 4");
    std::vector<std::string> inputs = {rank4 ? Nchw(node.inputs[0]) : AsIs(node.inputs[0])};
    for (size_t i = 1; i < 5; ++i) inputs.push_back(Ensure(node.inputs[i]).name);
    auto* bn = AddNode(onnx_op, inputs, HasActivation(node) ? Unique(name + "/bn") : name);
    SetFloat(bn, "epsilon", node.attrs.GetFloat("epsilon", 1e-5f));
    Define(node.outputs[0], Activate(node, bn->output(0), name), rank4);
  }

  // Add, Mul, Sub, Div, Pow: in NCHW where a rank-4 operand is held so.
  void ExportBroadcasting(const Node& node, const char* onnx_op, const std::string& name) {
    const bool nchw = g_.value(node.outputs[0]).shape.size() == 4 &&
                      (views_[static_cast<size_t>(node.inputs[0])].nchw ||
                       views_[static_cast<size_t>(node.inputs[1])].nchw);
    std::vector<std::string> inputs;
    for (const ValueId in : node.inputs) {
      const Value& v = g_.value(in);
      if (!nchw) {
        inputs.push_back(AsIs(in));
      } else if (v.is_constant()) {
        inputs.push_back(ConstantNchw(in));
      } else if (v.shape.size() == 4) {
        inputs.push_back(Nchw(in));
      } else {
        Fail(node, "a computed operand of rank below 4 beside a rank-4 one");
      }
    }
    auto* op = AddNode(onnx_op, inputs, HasActivation(node) ? Unique(name + "/sum") : name);
    Define(node.outputs[0], Activate(node, op->output(0), name), nchw);
  }

  void ExportConcat(const Node& node, const char* onnx_op, const std::string& name) {
    const auto rank = static_cast<int64_t>(g_.value(node.outputs[0]).shape.size());
    int64_t axis = node.attrs.GetInt("axis", -1);
    if (axis < 0) axis += rank;
    bool nchw = rank == 4;
    for (const ValueId in : node.inputs) nchw = nchw && !g_.value(in).is_constant();
    std::vector<std::string> inputs;
    for (const ValueId in : node.inputs) inputs.push_back(nchw ? Nchw(in) : AsIs(in));
    SetInt(AddNode(onnx_op, inputs, name), "axis", nchw ? kNchwAxisOf[axis] : axis);
    Define(node.outputs[0], name, nchw);
  }

  // Reshape, Flatten: a Reshape to the output's shape.
  void ExportReshape(const Node& node, const char* onnx_op, const std::string& name) {
    const Shape& shape = g_.value(node.outputs[0]).shape;
    AddNode(onnx_op, {AsIs(node.inputs[0]), Int64s(name + "/shape", shape)}, name);
    Define(node.outputs[0], name, false);
  }

  // Dropout (Identity), MatMul: in the IR's own axis order.
  void ExportInIrLayout(const Node& node, const char* onnx_op, const std::string& name) {
    std::vector<std::string> inputs;
    for (const ValueId in : node.inputs) inputs.push_back(AsIs(in));
    AddNode(onnx_op, inputs, name);
    Define(node.outputs[0], name, false);
  }

  void ExportTranspose(const Node& node, const char* onnx_op, const std::string& name) {
    SetInts(AddNode(onnx_op, {AsIs(node.inputs[0])}, name), "perm", node.attrs.GetInts("perm", {}));
    Define(node.outputs[0], name, false);
  }

  void ExportReduceMean(const Node& node, const char* onnx_op, const std::string& name) {
    auto* r = AddNode(onnx_op, {AsIs(node.inputs[0])}, name);
    const std::vector<int64_t> axes = node.attrs.GetInts("axes", {});
    if (!axes.empty()) SetInts(r, "axes", axes);
    SetInt(r, "keepdims", node.attrs.GetInt("keepdims", 1));
    Define(node.outputs[0], name, false);
  }

  // Relu, Sigmoid, Tanh, Sqrt, HardSwish: elementwise, in the input's layout.
  void ExportElementwise(const Node& node, const char* onnx_op, const std::string& name) {
    const bool nchw = views_[static_cast<size_t>(node.inputs[0])].nchw;
    AddNode(onnx_op, {InItsLayout(node.inputs[0])}, name);
    Define(node.outputs[0], name, nchw);
  }

  // Silu: Sigmoid and Mul, as exporters write it (the ONNX opsets trit writes have no Silu).
  void ExportSilu(const Node& node, const char*, const std::string& name) {
    const bool nchw = views_[static_cast<size_t>(node.inputs[0])].nchw;
    const std::string x = InItsLayout(node.inputs[0]);
    AddNode("Sigmoid", {x}, name + "/sigmoid");
    AddNode("Mul", {x, name + "/sigmoid"}, name);
    Define(node.outputs[0], name, nchw);
  }

  // Gelu: spelled out as PyTorch writes it for the opsets trit writes (Gelu is opset 20), which
  // the import's fold pass makes one Gelu again: x (1 + erf(x / sqrt 2)) * 0.5, or with
  // tanh(sqrt(2 / pi) (x + 0.044715 x^3)) in place of the erf.
  void ExportGelu(const Node& node, const char*, const std::string& name) {
    const bool nchw = views_[static_cast<size_t>(node.inputs[0])].nchw;
    const std::string x = InItsLayout(node.inputs[0]);
    const auto scalar = [&](const std::string& suffix, float v) {
      return Floats(name + suffix, {}, {v});
    };
    if (ParseGeluApproximation(node.attrs.GetString("approximate", "none")) ==
        GeluApproximation::kTanh) {
      AddNode("Mul", {x, x}, name + "/square");
      AddNode("Mul", {name + "/square", x}, name + "/cube");
      AddNode("Mul", {name + "/cube", scalar("/kappa", 0.044715f)}, name + "/cubic");
      AddNode("Add", {x, name + "/cubic"}, name + "/inner");
      AddNode("Mul", {name + "/inner", scalar("/beta", 0.7978845608028654f)}, name + "/u");
      AddNode("Tanh", {name + "/u"}, name + "/gate");
    } else {
      AddNode("Div", {x, scalar("/sqrt2", 1.4142135623730951f)}, name + "/scaled");
      AddNode("Erf", {name + "/scaled"}, name + "/gate");
    }
    AddNode("Add", {name + "/gate", scalar("/one", 1.0f)}, name + "/one_plus");
    AddNode("Mul", {x, name + "/one_plus"}, name + "/product");
    AddNode("Mul", {name + "/product", scalar("/half", 0.5f)}, name);
    Define(node.outputs[0], name, nchw);
  }

  // Mish: spelled out as PyTorch writes it below opset 18 (Softplus, Tanh, Mul); the import's fold
  // pass makes one Mish of it.
  void ExportMish(const Node& node, const char*, const std::string& name) {
    const bool nchw = views_[static_cast<size_t>(node.inputs[0])].nchw;
    const std::string x = InItsLayout(node.inputs[0]);
    AddNode("Softplus", {x}, name + "/softplus");
    AddNode("Tanh", {name + "/softplus"}, name + "/gate");
    AddNode("Mul", {x, name + "/gate"}, name);
    Define(node.outputs[0], name, nchw);
  }

  // LayerNorm: spelled out as PyTorch writes it below opset 17 (ReduceMean, Sub, Pow, ReduceMean,
  // Add, Sqrt, Div, Mul, Add), in the IR layout; the import's fold pass makes one LayerNorm of it.
  void ExportLayerNorm(const Node& node, const char*, const std::string& name) {
    const Shape& shape = g_.value(node.inputs[0]).shape;
    const auto rank = static_cast<int64_t>(shape.size());
    int64_t axis = node.attrs.GetInt("axis", -1);
    if (axis < 0) axis += rank;
    std::vector<int64_t> axes;
    for (int64_t d = axis; d < rank; ++d) axes.push_back(d);
    const Shape row(shape.begin() + axis, shape.end());
    const std::string x = AsIs(node.inputs[0]);
    const auto mean = [&](const std::string& in, const std::string& out) {
      auto* r = AddNode("ReduceMean", {in}, out);
      SetInts(r, "axes", axes);
      SetInt(r, "keepdims", 1);
    };
    mean(x, name + "/mean");
    AddNode("Sub", {x, name + "/mean"}, name + "/centered");
    AddNode("Pow", {name + "/centered", Floats(name + "/two", {}, {2.0f})}, name + "/squared");
    mean(name + "/squared", name + "/variance");
    AddNode("Add",
            {name + "/variance",
             Floats(name + "/epsilon", {}, {node.attrs.GetFloat("epsilon", 1e-5f)})},
            name + "/shifted");
    AddNode("Sqrt", {name + "/shifted"}, name + "/deviation");
    AddNode("Div", {name + "/centered", name + "/deviation"}, name + "/normalized");
    const auto values = [&](size_t i) {
      const Value& v = g_.value(node.inputs[i]);
      return std::vector<float>(v.data->as<float>(), v.data->as<float>() + NumElements(v.shape));
    };
    const bool bias = node.inputs.size() == 3;
    AddNode("Mul", {name + "/normalized", Floats(name + "/scale", row, values(1))},
            bias ? name + "/scaled" : name);
    if (bias) AddNode("Add", {name + "/scaled", Floats(name + "/bias", row, values(2))}, name);
    Define(node.outputs[0], name, false);
  }

  void ExportHardSigmoid(const Node& node, const char* onnx_op, const std::string& name) {
    const bool nchw = views_[static_cast<size_t>(node.inputs[0])].nchw;
    auto* h = AddNode(onnx_op, {InItsLayout(node.inputs[0])}, name);
    SetFloat(h, "alpha", node.attrs.GetFloat("alpha", 0.2f));
    SetFloat(h, "beta", node.attrs.GetFloat("beta", 0.5f));
    Define(node.outputs[0], name, nchw);
  }

  void ExportClip(const Node& node, const char* onnx_op, const std::string& name) {
    const bool nchw = views_[static_cast<size_t>(node.inputs[0])].nchw;
    const float inf = std::numeric_limits<float>::infinity();
    AddNode(
        onnx_op,
        {InItsLayout(node.inputs[0]), Floats(name + "/min", {}, {node.attrs.GetFloat("min", -inf)}),
         Floats(name + "/max", {}, {node.attrs.GetFloat("max", inf)})},
        name);
    Define(node.outputs[0], name, nchw);
  }

  void ExportSoftmax(const Node& node, const char* onnx_op, const std::string& name) {
    const bool nchw = views_[static_cast<size_t>(node.inputs[0])].nchw;
    const auto rank = static_cast<int64_t>(g_.value(node.outputs[0]).shape.size());
    int64_t axis = node.attrs.GetInt("axis", -1);
    if (axis < 0) axis += rank;
    SetInt(AddNode(onnx_op, {InItsLayout(node.inputs[0])}, name), "axis",
           nchw ? kNchwAxisOf[axis] : axis);
    Define(node.outputs[0], name, nchw);
  }

  void ExportPad(const Node& node, const char* onnx_op, const std::string& name) {
    const bool nchw = views_[static_cast<size_t>(node.inputs[0])].nchw;
    std::vector<int64_t> pads = node.attrs.GetInts("pads", {});
    if (nchw) {
      std::vector<int64_t> permuted(8);
      for (int d = 0; d < 4; ++d) {
        permuted[static_cast<size_t>(d)] = pads[static_cast<size_t>(kToNchw[d])];
        permuted[static_cast<size_t>(d + 4)] = pads[static_cast<size_t>(kToNchw[d] + 4)];
      }
      pads = permuted;
    }
    AddNode(onnx_op, {InItsLayout(node.inputs[0]), Int64s(name + "/pads", pads)}, name);
    Define(node.outputs[0], name, nchw);
  }

  void ExportRecurrent(const Node& node, const char* onnx_op, const std::string& name) {
    Define(node.outputs[0], Recurrent(node, onnx_op, name), false);
  }

  void ExportStructuredDense(const Node& node, const char* onnx_op, const std::string& name) {
    Define(node.outputs[0], StructuredDense(node, name), false);
  }

  // Quantize: the float input, quantized by Define through QuantizeLinear/DequantizeLinear.
  void ExportQuantize(const Node& node, const char* onnx_op, const std::string& name) {
    const bool nchw = views_[static_cast<size_t>(node.inputs[0])].nchw;
    Define(node.outputs[0], InItsLayout(node.inputs[0]), nchw);
  }

  // Dequantize: the float view of a quantized value is already dequantized.
  void ExportDequantize(const Node& node, const char* onnx_op, const std::string& name) {
    views_[static_cast<size_t>(node.outputs[0])] = views_[static_cast<size_t>(node.inputs[0])];
  }

  void ExportNothing(const Node& node, const char* onnx_op, const std::string& name) {
    Fail(node, std::string(OpTypeName(node.op)));
  }

  const Graph& g_;
  onnx::ModelProto model_;
  std::vector<View> views_;
  std::set<std::string> names_;
};

const std::array<Exporter::ExportRow, kNumOpTypes> Exporter::kExportTable =
    IndexByOp<Exporter::ExportRow>({
        {OpType::kConv2D, "Conv", &Exporter::ExportConv2D},
        {OpType::kDense, "Gemm", &Exporter::ExportDense},
        {OpType::kMaxPool, "MaxPool", &Exporter::ExportPool},
        {OpType::kAvgPool, "AveragePool", &Exporter::ExportPool},
        {OpType::kGlobalAvgPool, "GlobalAveragePool", &Exporter::ExportGlobalAvgPool},
        {OpType::kAdd, "Add", &Exporter::ExportBroadcasting},
        {OpType::kMul, "Mul", &Exporter::ExportBroadcasting},
        {OpType::kMin, "Min", &Exporter::ExportBroadcasting},
        {OpType::kMax, "Max", &Exporter::ExportBroadcasting},
        {OpType::kConcat, "Concat", &Exporter::ExportConcat},
        {OpType::kReshape, "Reshape", &Exporter::ExportReshape},
        {OpType::kFlatten, "Reshape", &Exporter::ExportReshape},
        {OpType::kRelu, "Relu", &Exporter::ExportElementwise},
        {OpType::kClip, "Clip", &Exporter::ExportClip},
        {OpType::kSigmoid, "Sigmoid", &Exporter::ExportElementwise},
        {OpType::kTanh, "Tanh", &Exporter::ExportElementwise},
        {OpType::kSoftmax, "Softmax", &Exporter::ExportSoftmax},
        {OpType::kBatchNorm, "BatchNormalization", &Exporter::ExportBatchNorm},
        {OpType::kQuantize, "QuantizeLinear", &Exporter::ExportQuantize},
        {OpType::kDequantize, "", &Exporter::ExportDequantize},
        {OpType::kPad, "Pad", &Exporter::ExportPad},
        {OpType::kDropout, "Identity", &Exporter::ExportInIrLayout},
        {OpType::kBinarize, "", &Exporter::ExportNothing},
        {OpType::kSub, "Sub", &Exporter::ExportBroadcasting},
        {OpType::kDiv, "Div", &Exporter::ExportBroadcasting},
        {OpType::kPow, "Pow", &Exporter::ExportBroadcasting},
        {OpType::kSqrt, "Sqrt", &Exporter::ExportElementwise},
        {OpType::kReduceMean, "ReduceMean", &Exporter::ExportReduceMean},
        {OpType::kTranspose, "Transpose", &Exporter::ExportTranspose},
        {OpType::kMatMul, "MatMul", &Exporter::ExportInIrLayout},
        {OpType::kHardSigmoid, "HardSigmoid", &Exporter::ExportHardSigmoid},
        {OpType::kHardSwish, "HardSwish", &Exporter::ExportElementwise},
        {OpType::kLstm, "LSTM", &Exporter::ExportRecurrent},
        {OpType::kGru, "GRU", &Exporter::ExportRecurrent},
        {OpType::kFastRnn, "RNN", &Exporter::ExportRecurrent},
        {OpType::kFastGrnn, "", &Exporter::ExportRecurrent},  // fails: ONNX has no FastGRNN
        {OpType::kStructuredDense, "MatMul", &Exporter::ExportStructuredDense},
        {OpType::kSilu, "", &Exporter::ExportSilu},
        {OpType::kErf, "Erf", &Exporter::ExportElementwise},
        {OpType::kExp, "Exp", &Exporter::ExportElementwise},
        {OpType::kSoftplus, "Softplus", &Exporter::ExportElementwise},
        {OpType::kGelu, "", &Exporter::ExportGelu},
        {OpType::kMish, "", &Exporter::ExportMish},
        {OpType::kLayerNorm, "", &Exporter::ExportLayerNorm},
    });

}  // namespace

onnx::ModelProto ToOnnx(const Graph& graph) { return Exporter(graph).Run(); }

void ExportModel(const Graph& graph, const std::string& path) {
  const std::string bytes = ToOnnx(graph).SerializeAsString();
  WriteFileAtomically(path, bytes.data(), bytes.size());
}

}  // namespace trit::onnx_export
