// LSTM, GRU and RNN. The weights must be constants: each direction's W, R and biases become the
// IR cell's constant inputs (gate order kept: ONNX's is the IR's). The IR cell reads x as
// [N, T, I] and writes one output (Y, Y_h, or an LSTM's Y_c), so a node with several of them read
// becomes one cell per output on the same constants; layout=0 tensors are transposed around
// them.
#include <string>
#include <vector>

#include "core/recurrent_layout.h"
#include "onnx/importer.h"

namespace trit::onnx_import {
namespace {

// Rows [first, first + count) of direction d of a constant [D, rows, ...], as its own tensor.
HostTensor Slice(const HostTensor& t, int64_t d, int64_t first, int64_t count, Shape shape) {
  const HostTensor f = ToFloatHost(t);
  const int64_t per_direction = f.size() / f.shape[0];
  const int64_t row = per_direction / f.shape[1];
  const auto begin =
      f.floats.begin() + static_cast<std::ptrdiff_t>(d * per_direction + first * row);
  return HostTensor::Float(
      std::move(shape),
      std::vector<float>(begin, begin + static_cast<std::ptrdiff_t>(count * row)));
}

void CheckActivations(NodeContext& node, OpType op, int64_t directions, Attributes& attrs) {
  if (node.HasAttr("clip")) node.Fail("attribute 'clip'");
  if (node.HasAttr("activation_alpha") || node.HasAttr("activation_beta")) {
    node.Fail("activation_alpha/activation_beta");
  }
  if (node.Int("input_forget", 0) != 0) node.Fail("input_forget=1");
  const std::vector<std::string> defaults =
      op == OpType::kLstm  ? std::vector<std::string>{"Sigmoid", "Tanh", "Tanh"}
      : op == OpType::kGru ? std::vector<std::string>{"Sigmoid", "Tanh"}
                           : std::vector<std::string>{"Tanh"};
  const onnx::NodeProto& proto = node.proto();
  std::vector<std::string> given;
  for (const auto& a : proto.attribute()) {
    if (a.name() != "activations") continue;
    for (const auto& s : a.strings()) given.push_back(s);
  }
  if (given.empty()) return;
  if (given.size() != defaults.size() * static_cast<size_t>(directions)) {
    node.Fail("activations: " + std::to_string(given.size()) + " names for " +
              std::to_string(directions) + " direction(s)");
  }
  if (op == OpType::kFastRnn) {
    for (const std::string& name : given) {
      if (name != given[0]) node.Fail("different activations per direction");
    }
    if (given[0] == "Relu" || given[0] == "Sigmoid" || given[0] == "Tanh") {
      std::string lower = given[0];
      for (char& ch : lower) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
      attrs.Set("activation", lower);
      return;
    }
    node.Fail("activation " + given[0]);
  }
  for (size_t i = 0; i < given.size(); ++i) {
    if (given[i] != defaults[i % defaults.size()]) node.Fail("activation " + given[i]);
  }
}

void Recurrent(NodeContext& node, OpType op) {
  for (const int i : {1, 2, 3, 7}) {
    if (node.HasInput(i) && !node.IsConstant(i)) {
      node.Fail(std::string(i == 1   ? "W"
                            : i == 2 ? "R"
                            : i == 3 ? "B"
                                     : "P") +
                " computed at run time (recurrent weights must be constants)");
    }
  }
  if (!node.HasInput(0) || !node.HasInput(1) || !node.HasInput(2)) node.Fail("missing inputs");
  if (!node.IsConstant(0) && node.ElemType(0) != onnx::TensorProto::FLOAT) {
    node.Fail("input type " + ElemTypeName(node.ElemType(0)));
  }
  const bool batch_first = node.Int("layout", 0) != 0;
  const std::string direction = node.String("direction", "forward");
  const int64_t directions = direction == "bidirectional" ? 2 : 1;
  const int64_t hidden = node.Int("hidden_size", 0);
  const Shape& x_shape = node.OnnxShape(0);
  if (x_shape.size() != 3) node.Fail("X must have rank 3");
  const int64_t steps = x_shape[batch_first ? 1 : 0], batch = x_shape[batch_first ? 0 : 1];
  const int64_t gates = op == OpType::kLstm ? 4 : op == OpType::kGru ? 3 : 1;
  const int64_t rows = gates * hidden, input = x_shape[2];
  const HostTensor& w = node.Constant(1, "W");
  const HostTensor& r = node.Constant(2, "R");
  if (hidden < 1 || w.shape != Shape{directions, rows, input} ||
      r.shape != Shape{directions, rows, hidden}) {
    node.Fail("W " + ShapeToString(w.shape) + " and R " + ShapeToString(r.shape) +
              " do not match hidden_size " + std::to_string(hidden) + ", input " +
              ShapeToString(x_shape) + " and direction " + direction);
  }
  Attributes attrs = {{"hidden_size", hidden}, {"direction", direction}};
  CheckActivations(node, op, directions, attrs);
  if (op == OpType::kGru) attrs.Set("linear_before_reset", node.Int("linear_before_reset", 0));
  if (node.HasInput(4)) {
    if (!node.IsConstant(4)) node.Fail("sequence_lens computed at run time");
    const HostTensor& lens = node.Constant(4, "sequence_lens");
    for (int64_t i = 0; i < lens.size(); ++i) {
      if (lens.IntAt(i) != steps) node.Fail("sequence_lens shorter than the sequence");
    }
  }
  std::vector<ValueId> inputs;
  ValueId x = node.InOnnxLayout(0);
  if (!batch_first) {
    x = node.Emit(OpType::kTranspose, {x}, {{"perm", std::vector<int64_t>{1, 0, 2}}}, "/x_ntc");
  }
  inputs.push_back(x);
  const bool peepholes = op == OpType::kLstm && node.HasInput(7);
  if (peepholes) attrs.Set("peepholes", int64_t{1});
  if (peepholes && node.Constant(7, "P").shape != Shape{directions, 3 * hidden}) {
    node.Fail("P must have shape [" + std::to_string(directions) + "," +
              std::to_string(3 * hidden) + "]");
  }
  if (node.HasInput(3) && node.Constant(3, "B").shape != Shape{directions, 2 * rows}) {
    node.Fail("B must have shape [" + std::to_string(directions) + "," + std::to_string(2 * rows) +
              "]");
  }
  for (int64_t d = 0; d < directions; ++d) {
    const std::string dir = "/d" + std::to_string(d);
    inputs.push_back(node.ConstantValue(Slice(w, d, 0, rows, {rows, input}), dir + "/w"));
    inputs.push_back(node.ConstantValue(Slice(r, d, 0, rows, {rows, hidden}), dir + "/r"));
    for (int64_t half = 0; half < 2; ++half) {
      const HostTensor bias =
          node.HasInput(3)
              ? Slice(ReshapeHost(node.Constant(3, "B"), {directions, 2 * rows}), d, half * rows,
                      rows, {rows})
              : HostTensor::Float({rows}, std::vector<float>(static_cast<size_t>(rows), 0.0f));
      inputs.push_back(node.ConstantValue(bias, dir + (half == 0 ? "/wb" : "/rb")));
    }
    if (peepholes) {
      inputs.push_back(node.ConstantValue(
          Slice(node.Constant(7, "P"), d, 0, 3 * hidden, {3 * hidden}), dir + "/p"));
    }
    if (op == OpType::kFastRnn) {  // the plain RNN: alpha 1, beta 0
      inputs.push_back(node.ConstantValue(HostTensor::Float({1}, {1.0f}), dir + "/alpha"));
      inputs.push_back(node.ConstantValue(HostTensor::Float({1}, {0.0f}), dir + "/beta"));
    }
  }
  // Initial states: ONNX [D, N, H] (layout 1: [N, D, H]) -> [N, D*H].
  const bool has_h = node.HasInput(5), has_c = op == OpType::kLstm && node.HasInput(6);
  if (has_h || has_c) {
    attrs.Set("initial_state", int64_t{1});
    for (const int i : op == OpType::kLstm ? std::vector<int>{5, 6} : std::vector<int>{5}) {
      const std::string name = i == 5 ? "/h0" : "/c0";
      const Shape state =
          batch_first ? Shape{batch, directions, hidden} : Shape{directions, batch, hidden};
      if (!node.HasInput(i)) {
        inputs.push_back(node.ConstantValue(
            HostTensor::Float({batch, directions * hidden},
                              std::vector<float>(static_cast<size_t>(batch * directions * hidden))),
            name));
        continue;
      }
      if (node.OnnxShape(i) != state) {
        node.Fail(std::string(i == 5 ? "initial_h" : "initial_c") + " must have shape " +
                  ShapeToString(state));
      }
      if (node.IsConstant(i)) {
        HostTensor t = ToFloatHost(node.Constant(i, name));
        if (!batch_first) t = TransposeHost(t, {1, 0, 2});
        inputs.push_back(node.ConstantValue(ReshapeHost(t, {batch, directions * hidden}), name));
        continue;
      }
      ValueId v = node.InOnnxLayout(i);
      if (!batch_first) {
        v = node.Emit(OpType::kTranspose, {v}, {{"perm", std::vector<int64_t>{1, 0, 2}}},
                      name + "_nd");
      }
      inputs.push_back(
          node.Emit(OpType::kReshape, {v}, {{"shape", Shape{batch, directions * hidden}}}, name));
    }
  }
  // Each output used is a cell node of its own (IR nodes have one output); Y_c only exists for
  // LSTM.
  const bool several = node.OutputUsed(0) + node.OutputUsed(1) + node.OutputUsed(2) > 1;
  if (node.OutputUsed(0)) {
    Attributes a = attrs;
    a.Set("output_sequence", int64_t{1});
    const ValueId y = node.Emit(op, inputs, a, "/sequence");
    // [N, T, D*H] -> [N, T, D, H]; layout 0: [T, D, N, H].
    ValueId out =
        node.Emit(OpType::kReshape, {y}, {{"shape", Shape{batch, steps, directions, hidden}}},
                  batch_first ? "" : "/y_ntdh");
    if (!batch_first) {
      out = node.Emit(OpType::kTranspose, {out}, {{"perm", std::vector<int64_t>{1, 2, 0, 3}}});
    }
    node.SetOutput(0, out);
  }
  // Y_h and Y_c: the last hidden or cell state [N, D*H] as [D, N, H] (layout 0) or [N, D, H].
  const auto last_state = [&](int output, bool cell_state) {
    Attributes a = attrs;
    a.Set("output_sequence", int64_t{0});
    if (cell_state) a.Set("output_cell_state", int64_t{1});
    const ValueId y = node.Emit(op, inputs, a,
                                !several     ? "/cell"
                                : cell_state ? "/last_c"
                                             : "/last");
    const std::string suffix = !several ? "" : cell_state ? "/y_c" : "/y_h";
    ValueId out = node.Emit(OpType::kReshape, {y}, {{"shape", Shape{batch, directions, hidden}}},
                            batch_first ? suffix : suffix + "/ndh");
    if (!batch_first) {
      out = node.Emit(OpType::kTranspose, {out}, {{"perm", std::vector<int64_t>{1, 0, 2}}}, suffix);
    }
    node.SetOutput(output, out);
  };
  if (node.OutputUsed(1)) last_state(1, false);
  if (node.OutputUsed(2)) last_state(2, true);
}

}  // namespace

void AddRecurrentOps(OpTable& table) {
  const std::string conditions =
      "constant W, R, B, P; default activations (RNN: Tanh, Relu or Sigmoid); no clip, "
      "input_forget; sequence_lens equal to the sequence length; Y, Y_h and Y_c each run the "
      "cell once";
  table["LSTM"] = {[](NodeContext& n) { Recurrent(n, OpType::kLstm); }, false, conditions};
  table["GRU"] = {[](NodeContext& n) { Recurrent(n, OpType::kGru); }, false, conditions};
  table["RNN"] = {[](NodeContext& n) { Recurrent(n, OpType::kFastRnn); }, false,
                  conditions + " (runs as FastRNN with alpha 1, beta 0)"};
}

}  // namespace trit::onnx_import
