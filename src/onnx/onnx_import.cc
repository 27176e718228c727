// Reading an ONNX file, checking it, and the import pipeline around the converter.
#include "onnx/onnx_import.h"

#include <onnx/checker.h>
#include <onnx/shape_inference/implementation.h>

#include <fstream>
#include <set>
#include <sstream>

#include "core/error.h"
#include "onnx/importer.h"
#include "quant/fold.h"
#include "quant/graph_edit.h"

namespace trit::onnx_import {
namespace {

onnx::ModelProto ReadModel(const std::string& path, const ImportOptions& options) {
  std::ifstream file(path, std::ios::binary);
  if (!file) throw Error(ErrorCode::kIo, "cannot open '" + path + "'");
  std::stringstream bytes;
  bytes << file.rdbuf();
  const std::string data = bytes.str();
  onnx::ModelProto model;
  if (data.empty() || !model.ParseFromString(data) || !model.has_graph() ||
      model.ir_version() <= 0) {
    throw Error(ErrorCode::kFormat, "'" + path +
                                        "' is not a valid ONNX model (truncated or not "
                                        "an ONNX protobuf)");
  }
  try {
    onnx::checker::check_model(model);
  } catch (const std::exception& e) {
    std::string what = e.what();
    what = what.substr(0, what.find('\n'));
    throw Error(ErrorCode::kFormat, "'" + path + "' fails the ONNX checker: " + what);
  }
  // Fixed input shapes first, so that shape inference and folding see them.
  for (auto& input : *model.mutable_graph()->mutable_input()) {
    const auto it = options.input_shapes.find(input.name());
    if (it == options.input_shapes.end()) continue;
    auto* shape = input.mutable_type()->mutable_tensor_type()->mutable_shape();
    shape->clear_dim();
    for (const int64_t d : it->second) shape->add_dim()->set_dim_value(d);
  }
  try {
    onnx::shape_inference::InferShapes(model, onnx::OpSchemaRegistry::Instance(),
                                       onnx::ShapeInferenceOptions(false, 0, true));
  } catch (const std::exception& e) {
    std::string what = e.what();
    what = what.substr(0, what.find('\n'));
    throw Error(ErrorCode::kFormat, "'" + path + "' fails ONNX shape inference: " + what);
  }
  return model;
}

// A Transpose from NHWC back to NCHW whose only reader is a Flatten/Reshape to [N, C*H*W] whose
// only reader is a Dense: the Dense reads the NHWC bytes instead, its weight columns permuted.
Graph FoldTransposeIntoDense(const Graph& graph, quant::QuantPlan& plan) {
  Graph g = graph;
  const auto consumers = quant::Consumers(g);
  const auto producers = g.Producers();
  std::set<NodeId> removed;
  for (Node& dense : g.nodes()) {
    if (dense.op != OpType::kDense) continue;
    Value& weights = g.value(dense.inputs[1]);
    const NodeId flatten_id = producers[static_cast<size_t>(dense.inputs[0])];
    if (flatten_id < 0 || !weights.is_constant() || weights.dtype != DType::kF32) continue;
    Node& flatten = g.nodes()[static_cast<size_t>(flatten_id)];
    if (flatten.op != OpType::kReshape && flatten.op != OpType::kFlatten) continue;
    const NodeId transpose_id = producers[static_cast<size_t>(flatten.inputs[0])];
    if (transpose_id < 0) continue;
    const Node& transpose = g.node(transpose_id);
    const Shape& nhwc = g.value(transpose.inputs[0]).shape;
    const Shape& flat = g.value(flatten.outputs[0]).shape;
    if (transpose.op != OpType::kTranspose ||
        transpose.attrs.GetInts("perm", {}) != std::vector<int64_t>{0, 3, 1, 2} ||
        flat.size() != 2 || nhwc.size() != 4 || flat[0] != nhwc[0] ||
        !quant::HasSingleConsumer(g, consumers, flatten.inputs[0]) ||
        !quant::HasSingleConsumer(g, consumers, dense.inputs[0]) ||
        consumers[static_cast<size_t>(dense.inputs[1])].size() != 1) {
      continue;
    }
    const int64_t h = nhwc[1], w = nhwc[2], c = nhwc[3], k = h * w * c;
    // Column (y, x, ch) of the new weights is column (ch, y, x) of the old.
    auto permute = [&](const auto& old) {
      auto permuted = old;
      for (size_t o = 0; o < old.size() / static_cast<size_t>(k); ++o) {
        for (int64_t y = 0; y < h; ++y) {
          for (int64_t x = 0; x < w; ++x) {
            for (int64_t ch = 0; ch < c; ++ch) {
              permuted[o * k + static_cast<size_t>((y * w + x) * c + ch)] =
                  old[o * k + static_cast<size_t>((ch * h + y) * w + x)];
            }
          }
        }
      }
      return permuted;
    };
    quant::SetFloatData(weights, permute(quant::FloatData(weights)));
    if (const auto fixed = plan.fixed_weights.find(dense.name); fixed != plan.fixed_weights.end()) {
      fixed->second.levels = permute(fixed->second.levels);
    }
    flatten.inputs[0] = transpose.inputs[0];
    removed.insert(transpose_id);
  }
  return removed.empty() ? g : quant::Compact(g, removed);
}

Graph Convert(const std::string& path, const ImportOptions& options, ImportReport& report,
              quant::QuantPlan* plan) {
  const onnx::ModelProto model = ReadModel(path, options);
  Importer importer(model, options, report);
  Graph graph = importer.Run();
  if (plan) *plan = importer.plan();
  return graph;
}

// QDQ models: the float graph and the plan from the Q/DQ nodes become native int8 layers.
Graph Quantize(const Graph& folded, quant::QuantPlan plan) {
  // A layer with int8 weights whose input or output has no QuantizeLinear runs in float, as
  // it does in ONNX Runtime.
  for (auto it = plan.fixed_weights.begin(); it != plan.fixed_weights.end();) {
    bool quantized_io = false;
    for (const Node& node : folded.nodes()) {
      if (node.name != it->first) continue;
      quantized_io = plan.activations.count(folded.value(node.inputs[0]).name) &&
                     plan.activations.count(folded.value(node.outputs[0]).name);
    }
    it = quantized_io ? std::next(it) : plan.fixed_weights.erase(it);
  }
  if (plan.fixed_weights.empty()) return folded;
  Graph quantized;
  try {
    quantized = quant::QuantizeGraph(folded, plan);
  } catch (const Error& e) {
    throw Error(e.code(), std::string("quantized ONNX model: ") + e.what());
  }
  // The outputs keep their ONNX names (the quantizer names its Dequantize outputs after them).
  for (size_t i = 0; i < quantized.outputs().size(); ++i) {
    const std::string& name = folded.value(folded.outputs()[i]).name;
    Value& out = quantized.value(quantized.outputs()[i]);
    if (out.name == name) continue;
    for (Value& other : quantized.values()) {
      if (other.name == name) other.name = name + "/quantized";
    }
    out.name = name;
  }
  quantized.Validate();
  return quantized;
}

}  // namespace

Graph ImportModel(const std::string& path, const ImportOptions& options, ImportReport* report) {
  ImportReport local;
  ImportReport& r = report ? *report : local;
  quant::QuantPlan plan;
  Graph graph = Convert(path, options, r, &plan);
  if (!r.unsupported.empty()) throw Error(ErrorCode::kUnsupported, FormatUnsupported(r));
  graph.InferShapes();
  graph.Validate();
  // BatchNorm into Conv/Dense, Relu into the layer before it, unused nodes dropped.
  quant::FoldReport folds;
  Graph folded = quant::FoldForInference(graph, &folds);
  std::string summary = quant::FoldSummary(folds);  // what the import's `note:` lines show
  if (!summary.empty() && summary.back() == '\n') summary.pop_back();
  r.notes.push_back(summary);
  for (const auto& [layer, bn] : folds.batch_norms) {
    if (plan.fixed_weights.count(layer)) {
      throw Error(ErrorCode::kUnsupported,
                  "node '" + layer + "': a BatchNormalization after a layer with int8 weights");
    }
  }
  folded = FoldTransposeIntoDense(folded, plan);
  return Quantize(folded, std::move(plan));
}

ImportReport CheckModel(const std::string& path, const ImportOptions& options) {
  ImportReport report;
  Convert(path, options, report, nullptr);
  return report;
}

std::string FormatUnsupported(const ImportReport& report) {
  // Grouped by op type, in order of first appearance.
  std::vector<std::string> order;
  std::map<std::string, std::vector<const UnsupportedNode*>> by_op;
  for (const auto& u : report.unsupported) {
    if (!by_op.count(u.op_type)) order.push_back(u.op_type);
    by_op[u.op_type].push_back(&u);
  }
  std::string line = std::to_string(report.unsupported.size()) + " unsupported node" +
                     (report.unsupported.size() == 1 ? "" : "s") + ":";
  for (size_t i = 0; i < order.size(); ++i) {
    const auto& nodes = by_op[order[i]];
    line += (i ? "; " : " ") + order[i] + " x" + std::to_string(nodes.size()) + " (" +
            (nodes.size() > 1 ? "first " : "") + "'" + nodes[0]->node + "': " + nodes[0]->reason +
            ")";
  }
  return line;
}

std::vector<OpSupport> SupportedOps() {
  std::vector<OpSupport> ops;
  for (const auto& [name, entry] : Ops())
    ops.push_back({name, entry.constant_only, entry.conditions});
  return ops;
}

}  // namespace trit::onnx_import
