// The converter core: graph inputs, the node loop, layout changes, constants and outputs.
#include "onnx/importer.h"

#include <algorithm>

#include "core/error.h"

namespace trit::onnx_import {

using onnx::TensorProto;

// ---- shared helpers -------------------------------------------------------------------------

int64_t NormalizeAxis(int64_t axis, int64_t rank, const NodeContext& node) {
  if (axis < -rank || axis >= rank) {
    node.Fail("axis " + std::to_string(axis) + " out of range for rank " + std::to_string(rank));
  }
  return axis < 0 ? axis + rank : axis;
}

HostTensor HostBinary(const HostTensor& a, const HostTensor& b,
                      const std::function<double(double, double)>& f) {
  const size_t rank = std::max(a.shape.size(), b.shape.size());
  Shape out_shape(rank);
  auto extent = [&](const Shape& s, size_t d) {
    return d < rank - s.size() ? int64_t{1} : s[d - (rank - s.size())];
  };
  for (size_t d = 0; d < rank; ++d) {
    const int64_t ea = extent(a.shape, d), eb = extent(b.shape, d);
    if (ea != eb && ea != 1 && eb != 1) {
      throw NodeUnsupported{"cannot broadcast " + ShapeToString(a.shape) + " with " +
                            ShapeToString(b.shape)};
    }
    out_shape[d] = ea == 1 ? eb : ea;
  }
  if (NumElements(out_shape) > (int64_t{1} << 28)) {
    throw NodeUnsupported{"a folded tensor that is too large"};
  }
  const bool is_float = a.IsFloat() || b.IsFloat();
  HostTensor out;
  out.elem_type = is_float ? (a.IsFloat() ? a.elem_type : b.elem_type) : a.elem_type;
  out.shape = out_shape;
  const int64_t count = NumElements(out_shape);
  std::vector<int64_t> index(rank, 0);
  for (int64_t i = 0; i < count; ++i) {
    int64_t ia = 0, ib = 0;
    for (size_t d = 0; d < rank; ++d) {
      if (d >= rank - a.shape.size()) {
        const int64_t e = extent(a.shape, d);
        ia = ia * e + (e == 1 ? 0 : index[d]);
      }
      if (d >= rank - b.shape.size()) {
        const int64_t e = extent(b.shape, d);
        ib = ib * e + (e == 1 ? 0 : index[d]);
      }
    }
    if (is_float) {
      out.floats.push_back(static_cast<float>(f(a.At(ia), b.At(ib))));
    } else {
      out.ints.push_back(static_cast<int64_t>(f(a.At(ia), b.At(ib))));
    }
    for (size_t d = rank; d-- > 0;) {
      if (++index[d] < out_shape[d]) break;
      index[d] = 0;
    }
  }
  return out;
}

// ---- NodeContext ----------------------------------------------------------------------------

int NodeContext::opset() const { return importer_.opset_; }

bool NodeContext::HasInput(int i) const {
  return i < node_.input_size() && !node_.input(i).empty();
}

bool NodeContext::IsConstant(int i) const {
  return HasInput(i) && importer_.Find(node_.input(i)).constant.has_value();
}

const HostTensor& NodeContext::Constant(int i, const std::string& what) const {
  if (!HasInput(i)) Fail("input '" + what + "' is missing");
  const auto& t = importer_.Find(node_.input(i));
  if (!t.constant) Fail("input '" + what + "' must be a constant");
  return *t.constant;
}

const Shape& NodeContext::OnnxShape(int i) const {
  if (!HasInput(i)) Fail("input " + std::to_string(i) + " is missing");
  const auto& t = importer_.Find(node_.input(i));
  return t.constant ? t.constant->shape : t.shape;
}

int32_t NodeContext::ElemType(int i) const {
  if (!HasInput(i)) Fail("input " + std::to_string(i) + " is missing");
  const auto& t = importer_.Find(node_.input(i));
  return t.constant ? t.constant->elem_type : t.elem_type;
}

bool NodeContext::IsNhwc(int i) const { return HasInput(i) && importer_.Find(node_.input(i)).nhwc; }

ValueId NodeContext::InOnnxLayout(int i) {
  if (!HasInput(i)) Fail("input " + std::to_string(i) + " is missing");
  return importer_.ToOnnx(importer_.Find(node_.input(i)), node_.input(i));
}

ValueId NodeContext::InNhwc(int i) {
  if (OnnxShape(i).size() != 4) {
    Fail("input '" + node_.input(i) + "' must have rank 4, has shape " +
         ShapeToString(OnnxShape(i)));
  }
  return importer_.ToNhwc(importer_.Find(node_.input(i)), node_.input(i));
}

ValueId NodeContext::InCurrentLayout(int i) { return IsNhwc(i) ? InNhwc(i) : InOnnxLayout(i); }

ValueId NodeContext::ConstantValue(const HostTensor& t, const std::string& suffix) {
  return importer_.MakeConstant(ToFloatHost(t), node_.output(0) + suffix);
}

ValueId NodeContext::ConstantNhwc(const HostTensor& t, const std::string& suffix) {
  if (t.shape.size() > 4) Fail("a constant of rank above 4 beside a rank-4 tensor");
  Shape shape(4 - t.shape.size(), 1);
  shape.insert(shape.end(), t.shape.begin(), t.shape.end());
  const HostTensor nhwc = TransposeHost(ReshapeHost(ToFloatHost(t), shape),
                                        {kToNhwc[0], kToNhwc[1], kToNhwc[2], kToNhwc[3]});
  return importer_.MakeConstant(nhwc, node_.output(0) + suffix);
}

namespace {
const onnx::AttributeProto* FindAttr(const onnx::NodeProto& node, const std::string& name) {
  for (const auto& a : node.attribute()) {
    if (a.name() == name) return &a;
  }
  return nullptr;
}
}  // namespace

bool NodeContext::HasAttr(const std::string& name) const { return FindAttr(node_, name); }

int64_t NodeContext::Int(const std::string& name, int64_t fallback) const {
  const auto* a = FindAttr(node_, name);
  if (!a) return fallback;
  if (a->type() != onnx::AttributeProto::INT) Fail("attribute '" + name + "' must be an int");
  return a->i();
}

float NodeContext::Float(const std::string& name, float fallback) const {
  const auto* a = FindAttr(node_, name);
  if (!a) return fallback;
  if (a->type() != onnx::AttributeProto::FLOAT) Fail("attribute '" + name + "' must be a float");
  return a->f();
}

std::string NodeContext::String(const std::string& name, const std::string& fallback) const {
  const auto* a = FindAttr(node_, name);
  if (!a) return fallback;
  if (a->type() != onnx::AttributeProto::STRING) Fail("attribute '" + name + "' must be a string");
  return a->s();
}

std::vector<int64_t> NodeContext::Ints(const std::string& name,
                                       std::vector<int64_t> fallback) const {
  const auto* a = FindAttr(node_, name);
  if (!a) return fallback;
  if (a->type() != onnx::AttributeProto::INTS) Fail("attribute '" + name + "' must be ints");
  return {a->ints().begin(), a->ints().end()};
}

std::vector<float> NodeContext::Floats(const std::string& name, std::vector<float> fallback) const {
  const auto* a = FindAttr(node_, name);
  if (!a) return fallback;
  if (a->type() != onnx::AttributeProto::FLOATS) Fail("attribute '" + name + "' must be floats");
  return {a->floats().begin(), a->floats().end()};
}

const onnx::TensorProto* NodeContext::TensorAttr(const std::string& name) const {
  const auto* a = FindAttr(node_, name);
  if (!a) return nullptr;
  if (a->type() != onnx::AttributeProto::TENSOR) Fail("attribute '" + name + "' must be a tensor");
  return &a->t();
}

int NodeContext::OutputCount() const {
  int count = node_.output_size();
  while (count > 0 && node_.output(count - 1).empty()) --count;
  return count;
}

bool NodeContext::OutputUsed(int i) const {
  if (i >= node_.output_size() || node_.output(i).empty()) return false;
  const auto it = importer_.reads_.find(node_.output(i));
  return it != importer_.reads_.end() && it->second > 0;
}

ValueId NodeContext::Emit(OpType op, const std::vector<ValueId>& inputs, Attributes attrs,
                          const std::string& suffix) {
  const std::string base = node_.output_size() > 0 ? node_.output(0) : node_.name();
  return importer_.EmitNode(op, base + suffix, inputs, std::move(attrs));
}

void NodeContext::SetOutput(int i, ValueId value, bool nhwc) {
  if (i >= node_.output_size() || node_.output(i).empty()) return;
  Importer::Tensor t;
  const Value& v = importer_.graph_.value(value);
  t.value = value;
  t.nhwc = nhwc;
  t.elem_type = TensorProto::FLOAT;
  t.shape = v.shape;
  if (nhwc) t.shape = {v.shape[0], v.shape[3], v.shape[1], v.shape[2]};
  (nhwc ? t.nhwc_layout : t.onnx_layout) = value;
  importer_.tensors_[node_.output(i)] = std::move(t);
}

void NodeContext::SetConstant(int i, HostTensor tensor) {
  if (i >= node_.output_size() || node_.output(i).empty()) return;
  Importer::Tensor t;
  t.elem_type = tensor.elem_type;
  t.shape = tensor.shape;
  t.constant = std::move(tensor);
  importer_.tensors_[node_.output(i)] = std::move(t);
}

void NodeContext::Forward(int output, int input) {
  if (output >= node_.output_size() || node_.output(output).empty()) return;
  importer_.tensors_[node_.output(output)] = importer_.Find(node_.input(input));
}

Graph& NodeContext::graph() { return importer_.graph_; }

const quant::ActivationParams* NodeContext::QuantOf(int i) const {
  if (!HasInput(i)) return nullptr;
  const auto& t = importer_.Find(node_.input(i));
  return t.quant ? &*t.quant : nullptr;
}

void NodeContext::SetQuantized(int output, ValueId float_view, bool nhwc,
                               const quant::ActivationParams& p, int32_t elem_type) {
  SetOutput(output, float_view, nhwc);
  auto& t = importer_.tensors_[node_.output(output)];
  t.quant = p;
  t.elem_type = elem_type;
  importer_.activation_params_[float_view] = p;
}

const WeightLevels* NodeContext::LevelsOf(int i) const {
  if (!HasInput(i)) return nullptr;
  const auto& t = importer_.Find(node_.input(i));
  return t.levels ? &*t.levels : nullptr;
}

void NodeContext::SetConstantLevels(int output, HostTensor dequantized, WeightLevels levels) {
  SetConstant(output, std::move(dequantized));
  importer_.tensors_[node_.output(output)].levels = std::move(levels);
}

void NodeContext::FixWeights(ValueId layer_output, quant::QuantizedWeights weights) {
  for (const Node& n : importer_.graph_.nodes()) {
    if (n.outputs[0] == layer_output) {
      importer_.plan_.fixed_weights[n.name] = std::move(weights);
      return;
    }
  }
}

void NodeContext::SetAccumulator(int output, ValueId value, bool nhwc) {
  SetOutput(output, value, nhwc);
  auto& t = importer_.tensors_[node_.output(output)];
  t.accumulator = true;
  t.elem_type = TensorProto::INT32;
}

bool NodeContext::IsAccumulator(int i) const {
  return HasInput(i) && importer_.Find(node_.input(i)).accumulator;
}

// ---- Importer -------------------------------------------------------------------------------

Importer::Importer(const onnx::ModelProto& model, const ImportOptions& options,
                   ImportReport& report)
    : model_(model), options_(options), report_(report) {
  for (const auto& op_set : model.opset_import()) {
    if (op_set.domain().empty() || op_set.domain() == "ai.onnx") {
      opset_ = static_cast<int>(op_set.version());
    }
  }
  report_.opset = opset_;
}

Importer::Tensor& Importer::Find(const std::string& name) {
  const auto it = tensors_.find(name);
  if (it == tensors_.end()) throw NodeUnsupported{"reads tensor '" + name + "' that nothing wrote"};
  return it->second;
}

std::string Importer::UniqueName(const std::string& base) {
  std::string name = base.empty() ? "node" : base;
  for (int i = 2; used_names_.count(name); ++i) name = base + "#" + std::to_string(i);
  used_names_.insert(name);
  return name;
}

ValueId Importer::EmitNode(OpType op, const std::string& name, const std::vector<ValueId>& inputs,
                           Attributes attrs) {
  const ValueId out = graph_.AddNode(op, UniqueName(name), inputs, std::move(attrs));
  try {
    graph_.InferShape(static_cast<NodeId>(graph_.nodes().size() - 1));
  } catch (const Error& e) {
    throw NodeUnsupported{e.what()};
  }
  return out;
}

ValueId Importer::MakeConstant(const HostTensor& t, const std::string& name) {
  return graph_.AddConstant(UniqueName(name), DType::kF32, t.shape, Buffer::FromVector(t.floats));
}

void Importer::KeepParams(ValueId from, ValueId to) {
  if (const auto it = activation_params_.find(from); it != activation_params_.end()) {
    activation_params_[to] = it->second;
  }
}

ValueId Importer::ToOnnx(Tensor& t, const std::string& name) {
  if (t.onnx_layout >= 0) return t.onnx_layout;
  if (t.constant) {
    t.onnx_layout = MakeConstant(ToFloatHost(*t.constant), name);
  } else {
    t.onnx_layout = EmitNode(OpType::kTranspose, name + "/nchw", {t.value},
                             {{"perm", std::vector<int64_t>(kNhwcAxisOf, kNhwcAxisOf + 4)}});
    KeepParams(t.value, t.onnx_layout);
  }
  return t.onnx_layout;
}

ValueId Importer::ToNhwc(Tensor& t, const std::string& name) {
  if (t.nhwc_layout >= 0) return t.nhwc_layout;
  if (t.constant) {
    t.nhwc_layout =
        MakeConstant(TransposeHost(ToFloatHost(*t.constant), {kToNhwc, kToNhwc + 4}), name);
  } else {
    t.nhwc_layout = EmitNode(OpType::kTranspose, name + "/nhwc", {t.value},
                             {{"perm", std::vector<int64_t>(kToNhwc, kToNhwc + 4)}});
    KeepParams(t.value, t.nhwc_layout);
  }
  return t.nhwc_layout;
}

void Importer::AddGraphInputs() {
  std::set<std::string> initializers;
  for (const auto& init : model_.graph().initializer()) {
    Tensor t;
    try {
      t.constant = FromProto(init);
    } catch (const Error& e) {
      if (e.code() != ErrorCode::kUnsupported) throw;
      report_.unsupported.push_back({"(initializer)", init.name(), e.what()});
      poisoned_.insert(init.name());
      continue;
    }
    t.elem_type = t.constant->elem_type;
    t.shape = t.constant->shape;
    tensors_[init.name()] = std::move(t);
    initializers.insert(init.name());
  }
  for (const auto& input : model_.graph().input()) {
    const std::string& name = input.name();
    if (initializers.count(name)) continue;  // an initializer listed as input (IR version 3)
    if (const auto frozen = options_.frozen_inputs.find(name);
        frozen != options_.frozen_inputs.end()) {
      Tensor t;
      t.constant = frozen->second;
      t.elem_type = frozen->second.elem_type;
      t.shape = frozen->second.shape;
      tensors_[name] = std::move(t);
      continue;
    }
    const auto& type = input.type();
    if (!type.has_tensor_type()) {
      throw Error(ErrorCode::kUnsupported, "graph input '" + name + "' is not a tensor");
    }
    const int32_t elem_type = type.tensor_type().elem_type();
    if (elem_type != TensorProto::FLOAT) {
      report_.unsupported.push_back(
          {"(graph input)", name, "type " + ElemTypeName(elem_type) + ": inputs must be float"});
      poisoned_.insert(name);
      continue;
    }
    Shape shape;
    if (const auto fixed = options_.input_shapes.find(name); fixed != options_.input_shapes.end()) {
      shape = fixed->second;
    } else {
      if (!type.tensor_type().has_shape()) {
        throw Error(ErrorCode::kInvalidArgument, "graph input '" + name +
                                                     "' has no shape: give one with --shape " +
                                                     name + ":d0,d1,...");
      }
      const auto& dims = type.tensor_type().shape().dim();
      for (int d = 0; d < dims.size(); ++d) {
        if (dims[d].has_dim_value() && dims[d].dim_value() > 0) {
          shape.push_back(dims[d].dim_value());
        } else if (d == 0) {
          shape.push_back(1);
          report_.notes.push_back(
              "graph input '" + name + "': dynamic batch dimension " +
              (dims[d].has_dim_param() ? "'" + dims[d].dim_param() + "' " : "") +
              "set to 1 (change it with --shape)");
        } else {
          throw Error(ErrorCode::kInvalidArgument,
                      "graph input '" + name + "' has a dynamic dimension " + std::to_string(d) +
                          (dims[d].has_dim_param() ? " ('" + dims[d].dim_param() + "')" : "") +
                          ": fix it with --shape " + name + ":d0,d1,...");
        }
      }
    }
    Tensor t;
    t.shape = shape;
    if (options_.nhwc_inputs && shape.size() == 4) {
      t.value =
          graph_.AddInput(UniqueName(name), DType::kF32, {shape[0], shape[2], shape[3], shape[1]});
      t.nhwc = true;
      t.nhwc_layout = t.value;
    } else {
      t.value = graph_.AddInput(UniqueName(name), DType::kF32, shape);
      t.onnx_layout = t.value;
    }
    tensors_[name] = std::move(t);
  }
  for (const auto& [name, shape] : options_.input_shapes) {
    const auto& inputs = model_.graph().input();
    if (std::none_of(inputs.begin(), inputs.end(),
                     [&](const auto& i) { return i.name() == name; })) {
      throw Error(ErrorCode::kInvalidArgument, "--shape names '" + name + "', not a graph input");
    }
  }
}

// Before opset 7, binary ops with broadcast=1 line B up with A from `axis` on. Trailing 1s on B
// turn that into NumPy's rule: returns the node reading the reshaped B.
onnx::NodeProto Importer::LegacyBroadcast(const onnx::NodeProto& original) {
  onnx::NodeProto node = original;
  static const std::set<std::string> kBinary = {"Add", "Sub", "Mul", "Div", "Pow"};
  NodeContext context(*this, original);
  if (opset_ >= 7 || !kBinary.count(node.op_type()) || context.Int("broadcast", 0) == 0 ||
      !context.HasAttr("axis") || node.input_size() != 2) {
    return node;
  }
  const auto rank_a = static_cast<int64_t>(context.OnnxShape(0).size());
  const int64_t axis = NormalizeAxis(context.Int("axis", 0), rank_a, context);
  Tensor b = Find(node.input(1));
  Shape shape = b.constant ? b.constant->shape : b.shape;
  if (static_cast<int64_t>(shape.size()) >= rank_a - axis) return node;
  while (static_cast<int64_t>(shape.size()) < rank_a - axis) shape.push_back(1);
  const std::string name = UniqueName(node.input(1) + "/broadcast");
  Tensor reshaped;
  reshaped.shape = shape;
  if (b.constant) {
    reshaped.constant = ReshapeHost(*b.constant, shape);
    reshaped.elem_type = b.constant->elem_type;
  } else {
    reshaped.value =
        EmitNode(OpType::kReshape, name, {ToOnnx(b, node.input(1))}, {{"shape", shape}});
    reshaped.onnx_layout = reshaped.value;
  }
  tensors_[name] = std::move(reshaped);
  node.set_input(1, name);
  return node;
}

// Shape ops and MaxPool on a quantized tensor give a quantized tensor with the same parameters.
void Importer::KeepQuantization(const onnx::NodeProto& node) {
  static const std::set<std::string> kKeeps = {"Reshape",   "Flatten",   "Squeeze",
                                               "Unsqueeze", "Transpose", "MaxPool"};
  if (!kKeeps.count(node.op_type()) || node.input_size() == 0 || node.output_size() == 0) return;
  const auto in = tensors_.find(node.input(0));
  const auto out = tensors_.find(node.output(0));
  if (in == tensors_.end() || out == tensors_.end() || !in->second.quant || out->second.constant) {
    return;
  }
  out->second.quant = in->second.quant;
  out->second.elem_type = in->second.elem_type;
  activation_params_[out->second.value] = *in->second.quant;
}

void Importer::ConvertNode(const onnx::NodeProto& original) {
  const onnx::NodeProto& node = original;
  const std::string op_type = node.domain().empty() || node.domain() == "ai.onnx"
                                  ? node.op_type()
                                  : node.domain() + ":" + node.op_type();
  ++report_.op_counts[op_type];
  const std::string label = !node.name().empty()     ? node.name()
                            : node.output_size() > 0 ? node.output(0)
                                                     : op_type;
  auto poison = [&] {
    for (const auto& out : node.output()) poisoned_.insert(out);
  };
  for (const auto& in : node.input()) {
    if (poisoned_.count(in)) return poison();  // its producer is already reported
  }
  const auto entry = Ops().find(op_type);
  try {
    if (entry == Ops().end()) throw NodeUnsupported{"no converter for this op"};
    const onnx::NodeProto rewritten = LegacyBroadcast(original);
    NodeContext context(*this, rewritten);
    if (entry->second.constant_only) {
      for (int i = 0; i < node.input_size(); ++i) {
        if (!node.input(i).empty() && !Find(node.input(i)).constant && node.op_type() != "Shape") {
          throw NodeUnsupported{"only with constant inputs (folded at import); input '" +
                                node.input(i) + "' is computed at run time"};
        }
      }
    }
    entry->second.handler(context);
    KeepQuantization(original);
    for (int i = 0; i < context.OutputCount(); ++i) {
      if (context.OutputUsed(i) && !tensors_.count(node.output(i))) {
        throw NodeUnsupported{"output " + std::to_string(i) + " ('" + node.output(i) +
                              "') is not supported"};
      }
    }
  } catch (const NodeUnsupported& problem) {
    report_.unsupported.push_back({op_type, label, problem.reason});
    poison();
  } catch (const Error& e) {
    report_.unsupported.push_back({op_type, label, e.what()});
    poison();
  } catch (const std::exception& e) {  // a malformed node (an index out of range, say)
    report_.unsupported.push_back({op_type, label, std::string("malformed: ") + e.what()});
    poison();
  }
}

void Importer::MarkOutputs() {
  for (const auto& output : model_.graph().output()) {
    const std::string& name = output.name();
    if (poisoned_.count(name)) continue;
    const auto it = tensors_.find(name);
    if (it == tensors_.end()) {
      throw Error(ErrorCode::kInvalidGraph, "graph output '" + name + "' is never written");
    }
    Tensor& t = it->second;
    if (t.constant) {
      report_.unsupported.push_back(
          {"(graph output)", name, "is a constant computed at import: nothing to run"});
      continue;
    }
    ValueId v = ToOnnx(t, name);
    const auto& outputs = graph_.outputs();
    const auto& inputs = graph_.inputs();
    if (std::find(outputs.begin(), outputs.end(), v) != outputs.end() ||
        std::find(inputs.begin(), inputs.end(), v) != inputs.end()) {
      // The same tensor twice, or an input passed through: an explicit copy keeps names apart.
      v = EmitNode(OpType::kDropout, name + "/copy", {v}, {});
    }
    // The output keeps its ONNX name; an internal value that had it gives it up.
    if (graph_.value(v).name != name) {
      for (Value& other : graph_.values()) {
        if (other.name == name) other.name = UniqueName(name + "/internal");
      }
      graph_.value(v).name = name;
    }
    graph_.MarkOutput(v);
  }
}

Graph Importer::Run() {
  if (opset_ < 6 || opset_ > 17) {
    throw Error(ErrorCode::kUnsupported,
                "opset " + std::to_string(opset_) + " is outside the supported range 6 to 17");
  }
  for (const auto& node : model_.graph().node()) {
    for (const auto& in : node.input()) ++reads_[in];
  }
  for (const auto& output : model_.graph().output()) ++reads_[output.name()];
  AddGraphInputs();
  for (const auto& node : model_.graph().node()) ConvertNode(node);
  MarkOutputs();
  // A Relu or Clip right before a QuantizeLinear is folded into the layer before it: the
  // layer's output then carries the parameters (their clamp is the Relu's).
  // Only where the Relu is the one reader of the layer's output: another reader must see the
  // negative values.
  std::vector<int> readers(graph_.values().size(), 0);
  for (const Node& n : graph_.nodes()) {
    for (const ValueId in : n.inputs) ++readers[static_cast<size_t>(in)];
  }
  for (const ValueId out : graph_.outputs()) ++readers[static_cast<size_t>(out)];
  for (const Node& n : graph_.nodes()) {
    if ((n.op == OpType::kRelu || n.op == OpType::kClip) &&
        activation_params_.count(n.outputs[0]) && !activation_params_.count(n.inputs[0]) &&
        readers[static_cast<size_t>(n.inputs[0])] == 1) {
      activation_params_[n.inputs[0]] = activation_params_[n.outputs[0]];
    }
  }
  for (const auto& [value, params] : activation_params_) {
    plan_.activations[graph_.value(value).name] = params;
  }
  plan_.default_weights.type = quant::WeightType::kF32;  // layers without QDQ weights stay f32
  return std::move(graph_);
}

}  // namespace trit::onnx_import
