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
Graph FoldTransposeIntoDense(const Graph& graph) {
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
    const std::vector<float> old = quant::FloatData(weights);
    std::vector<float> permuted(old.size());
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
    quant::SetFloatData(weights, permuted);
    flatten.inputs[0] = transpose.inputs[0];
    removed.insert(transpose_id);
  }
  return removed.empty() ? g : quant::Compact(g, removed);
}

Graph Convert(const std::string& path, const ImportOptions& options, ImportReport& report) {
  const onnx::ModelProto model = ReadModel(path, options);
  Importer importer(model, options, report);
  return importer.Run();
}

}  // namespace

Graph ImportModel(const std::string& path, const ImportOptions& options, ImportReport* report) {
  ImportReport local;
  ImportReport& r = report ? *report : local;
  Graph graph = Convert(path, options, r);
  if (!r.unsupported.empty()) throw Error(ErrorCode::kUnsupported, FormatUnsupported(r));
  graph.InferShapes();
  graph.Validate();
  // BatchNorm into Conv/Dense, Relu into the layer before it, unused nodes dropped.
  return FoldTransposeIntoDense(quant::FoldForInference(graph));
}

ImportReport CheckModel(const std::string& path, const ImportOptions& options) {
  ImportReport report;
  Convert(path, options, report);
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
