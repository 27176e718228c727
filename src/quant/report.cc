#include "quant/report.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <map>

#include "core/op_def.h"
#include "core/op_dtype_checks.h"
#include "core/structured_layout.h"
#include "format/model_file.h"
#include "format/tensor_encoding.h"
#include "quant/activation_probe.h"
#include "quant/weight_quantizer.h"

namespace trit::quant {
namespace {

uint64_t StoredBytes(const Value& v, format::Encoding* encoding = nullptr) {
  uint64_t bytes = 0;
  const format::Encoding e =
      format::SmallestEncoding(v.dtype, NumElements(v.shape), v.data->bytes(), &bytes);
  if (encoding) *encoding = e;
  return bytes;
}

// Why `node` of a quantized graph runs on floats: its op's rule, else what its input is.
std::string WhyFloat(const Graph& g, const Node& node, const std::vector<NodeId>& producers) {
  if (node.op == OpType::kDiv && !DividesByOneConstant(g, node)) {
    return "no 8-bit form of a Div by a tensor (only by one constant)";
  }
  switch (GetOpDef(node.op).quant) {
    case QuantRule::kStaysFloat:
      return "no 8-bit form of this op";
    case QuantRule::kStructuredWeights:
      return "recurrent and structured layers keep float activations";
    case QuantRule::kQuantizedWeights:
      return "fp32 weights (the compression plan)";
    default:
      break;
  }
  for (const ValueId v : node.inputs) {
    const Value& input = g.value(v);
    if (input.is_constant() || input.dtype != DType::kF32) continue;
    const NodeId p = producers[static_cast<size_t>(v)];
    if (p < 0) return "it reads the float graph input";
    const Node& producer = g.node(p);
    return "its input is float, from " + std::string(OpTypeName(producer.op)) + " '" +
           producer.name + "'";
  }
  return "no calibrated range for its output";
}

// The nodes of a quantized graph (one with an 8-bit activation) that run on floats, other than
// the Quantize and Dequantize at its float borders; none for a float graph.
std::vector<FloatNode> FloatNodes(const Graph& g) {
  const bool quantized = std::any_of(g.values().begin(), g.values().end(), [](const Value& v) {
    return !v.is_constant() && (v.dtype == DType::kI8 || v.dtype == DType::kU8);
  });
  std::vector<FloatNode> nodes;
  if (!quantized) return nodes;
  const std::vector<NodeId> producers = g.Producers();
  for (const NodeId id : g.TopologicalOrder()) {
    const Node& node = g.node(id);
    if (node.op == OpType::kQuantize || node.op == OpType::kDequantize) continue;
    if (g.value(node.outputs[0]).dtype != DType::kF32) continue;
    nodes.push_back({node.name, std::string(OpTypeName(node.op)), WhyFloat(g, node, producers)});
  }
  return nodes;
}

}  // namespace

CompressionReport BuildReport(const Graph& reference, const Graph& compressed,
                              uint64_t fp32_file_bytes, const float* samples, int64_t count) {
  CompressionReport report;
  report.fp32_file_bytes = fp32_file_bytes;
  report.file_bytes = format::SerializeModel(compressed).size();
  report.compression =
      static_cast<double>(fp32_file_bytes) / static_cast<double>(report.file_bytes);
  report.samples = count;
  report.float_nodes = FloatNodes(compressed);

  std::map<std::string, NodeId> reference_nodes;
  for (size_t n = 0; n < reference.nodes().size(); ++n) {
    reference_nodes[reference.nodes()[n].name] = static_cast<NodeId>(n);
  }
  std::map<std::string, size_t> layer_of_output;  // output tensor name -> report row
  for (const NodeId id : compressed.TopologicalOrder()) {
    const Node& node = compressed.node(id);
    const std::vector<StructuredSlot> slots = StructuredSlotsOf(compressed, node);
    if (!slots.empty()) {
      // Every constant input counts (W and U parts, biases, cell scalars); the weight type and
      // SQNR are the structured matrices'.
      LayerReport row;
      row.node = node.name;
      row.op = std::string(OpTypeName(node.op));
      row.encoding = "dense";
      std::vector<float> values, fp32_values;
      const auto ref = reference_nodes.find(node.name);
      for (size_t i = 1; i < node.inputs.size(); ++i) {
        const Value& v = compressed.value(node.inputs[i]);
        if (!v.is_constant()) continue;
        row.bytes += StoredBytes(v);
        if (ref != reference_nodes.end()) {
          row.fp32_bytes += 4 * static_cast<uint64_t>(NumElements(v.shape));
        }
      }
      for (const StructuredSlot& slot : slots) {
        for (size_t i = slot.first; i < slot.first + slot.count; ++i) {
          const Value& v = compressed.value(node.inputs[i]);
          row.weight_type = std::string(DTypeName(v.dtype));
          const std::vector<float> part = WeightValues(v);
          values.insert(values.end(), part.begin(), part.end());
          if (ref == reference_nodes.end()) continue;
          const Node& fp32 = reference.node(ref->second);
          const std::vector<float> original = WeightValues(reference.value(fp32.inputs[i]));
          fp32_values.insert(fp32_values.end(), original.begin(), original.end());
        }
      }
      row.weights = static_cast<int64_t>(values.size());
      for (const float v : values) row.zeros += v == 0.0f;
      row.macs = ComputeNodeCost(compressed, node).macs;
      row.weight_sqnr = fp32_values.size() == values.size()
                            ? Sqnr(fp32_values, values)
                            : std::numeric_limits<double>::quiet_NaN();
      row.activation_sqnr = std::numeric_limits<double>::quiet_NaN();
      if (ref != reference_nodes.end()) {
        layer_of_output[reference.value(reference.node(ref->second).outputs[0]).name] =
            report.layers.size();
      }
      report.layers.push_back(row);
      continue;
    }
    if (node.op != OpType::kConv2D && node.op != OpType::kDense) continue;
    LayerReport row;
    row.node = node.name;
    row.op = std::string(OpTypeName(node.op));
    const Value& w = compressed.value(node.inputs[1]);
    row.weight_type = std::string(DTypeName(w.dtype));
    format::Encoding encoding;
    row.bytes = StoredBytes(w, &encoding);
    row.encoding = format::EncodingName(encoding);
    if (node.inputs.size() == 3) row.bytes += StoredBytes(compressed.value(node.inputs[2]));
    const std::vector<float> values = WeightValues(w);
    row.weights = static_cast<int64_t>(values.size());
    for (const float v : values) row.zeros += v == 0.0f;
    row.macs = ComputeNodeCost(compressed, node).macs;
    row.weight_sqnr = std::numeric_limits<double>::quiet_NaN();
    row.activation_sqnr = std::numeric_limits<double>::quiet_NaN();
    const auto ref = reference_nodes.find(node.name);
    if (ref != reference_nodes.end()) {
      const Node& fp32 = reference.node(ref->second);
      row.fp32_bytes =
          4 * static_cast<uint64_t>(NumElements(reference.value(fp32.inputs[1]).shape));
      if (fp32.inputs.size() == 3) {
        row.fp32_bytes +=
            4 * static_cast<uint64_t>(NumElements(reference.value(fp32.inputs[2]).shape));
      }
      const std::vector<float> fp32_values = WeightValues(reference.value(fp32.inputs[1]));
      if (fp32_values.size() == values.size()) row.weight_sqnr = Sqnr(fp32_values, values);
      layer_of_output[reference.value(fp32.outputs[0]).name] = report.layers.size();
    }
    report.layers.push_back(row);
  }
  if (count <= 0) return report;

  // Activation SQNR: both models on the same samples, each layer output compared by name.
  ActivationProbe fp32_probe(reference), compressed_probe(compressed);
  std::vector<std::pair<size_t, size_t>> pairs;  // (fp32 index, compressed index)
  std::vector<size_t> rows;
  for (size_t i = 0; i < fp32_probe.names().size(); ++i) {
    const auto layer = layer_of_output.find(fp32_probe.names()[i]);
    if (layer == layer_of_output.end()) continue;
    for (size_t j = 0; j < compressed_probe.names().size(); ++j) {
      if (compressed_probe.names()[j] == fp32_probe.names()[i]) {
        pairs.emplace_back(i, j);
        rows.push_back(layer->second);
      }
    }
  }
  std::vector<double> signal(pairs.size(), 0.0), noise(pairs.size(), 0.0);
  std::vector<bool> same_shape(pairs.size(), true);  // false: e.g. channels pruned in one only
  std::vector<float> a, b;
  for (int64_t s = 0; s < count; ++s) {
    const float* input = samples + static_cast<size_t>(s) * fp32_probe.input_elements();
    fp32_probe.Run(input);
    compressed_probe.Run(input);
    for (size_t k = 0; k < pairs.size(); ++k) {
      fp32_probe.RealValues(pairs[k].first, a);
      compressed_probe.RealValues(pairs[k].second, b);
      if (a.size() != b.size()) {
        same_shape[k] = false;
        continue;
      }
      for (size_t e = 0; e < a.size(); ++e) {
        signal[k] += static_cast<double>(a[e]) * a[e];
        noise[k] += (static_cast<double>(a[e]) - b[e]) * (static_cast<double>(a[e]) - b[e]);
      }
    }
  }
  for (size_t k = 0; k < pairs.size(); ++k) {
    if (!same_shape[k]) continue;
    report.layers[rows[k]].activation_sqnr = noise[k] == 0
                                                 ? std::numeric_limits<double>::infinity()
                                                 : 10.0 * std::log10(signal[k] / noise[k]);
  }
  return report;
}

}  // namespace trit::quant
