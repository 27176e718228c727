// trit info model.trit: the layer table and the totals.
#include <cmath>
#include <iostream>
#include <nlohmann/json.hpp>

#include "cli_format.h"
#include "commands.h"
#include "core/bitpack.h"
#include "format/model_file.h"
#include "reference_kernels.h"
#include "runtime/session.h"

namespace trit::cli {
namespace {

// Fraction of zero weights among a node's constant inputs of rank >= 2 (its weights).
double Sparsity(const Value& weights) {
  const int64_t count = NumElements(weights.shape);
  if (count == 0) return 0.0;
  int64_t zeros = 0;
  if (weights.dtype == DType::kF32) {
    const float* w = weights.data->as<float>();
    for (int64_t i = 0; i < count; ++i) zeros += w[i] == 0.0f;
  } else if (weights.dtype == DType::kI32) {
    const int32_t* w = weights.data->as<int32_t>();
    for (int64_t i = 0; i < count; ++i) zeros += w[i] == 0;
  } else {
    for (int64_t i = 0; i < count; ++i) {
      zeros += PackedLevel(weights.dtype, weights.data->data(), i) == 0;
    }
  }
  return static_cast<double>(zeros) / static_cast<double>(count);
}

const Value* WeightsOf(const Graph& g, const Node& node) {
  for (const ValueId in : node.inputs) {
    const Value& v = g.value(in);
    if (v.is_constant() && v.shape.size() >= 2) return &v;
  }
  return nullptr;
}

}  // namespace

void AddInfoCommand(CLI::App& app) {
  struct Options {
    std::string model;
    bool json = false;
  };
  auto options = std::make_shared<Options>();
  CLI::App* cmd = app.add_subcommand("info", "Show a model's layers, sizes, MACs and kernels");
  cmd->add_option("model", options->model, "The .trit file")->required();
  cmd->add_flag("--json", options->json, "Machine-readable output");
  cmd->callback([options] {
    const auto session = runtime::Session::FromFile(options->model);
    // The session frees the weights its kernels packed; the sparsity column reads them here.
    const format::ModelFile file = format::ReadModelFile(options->model);
    const Graph& g = file.graph;

    nlohmann::json layers = nlohmann::json::array();
    std::vector<std::vector<std::string>> rows = {{"node", "op", "input", "output", "weights",
                                                   "encoding", "bytes", "sparsity", "MACs",
                                                   "kernel"}};
    int64_t total_parameters = 0, total_macs = 0, total_weight_bytes = 0;
    for (const NodeId id : g.TopologicalOrder()) {
      const Node& node = g.node(id);
      const NodeCost cost = ComputeNodeCost(g, node);
      total_parameters += cost.parameters;
      total_macs += cost.macs;
      total_weight_bytes += cost.weight_bytes;
      std::string inputs;
      nlohmann::json input_shapes = nlohmann::json::array();
      for (const ValueId in : node.inputs) {
        if (g.value(in).is_constant()) continue;
        if (!inputs.empty()) inputs += ' ';
        inputs += ShapeToString(g.value(in).shape);
        input_shapes.push_back(g.value(in).shape);
      }
      const Value& out = g.value(node.outputs[0]);
      const Value* weights = WeightsOf(g, node);
      std::string weight_type = "-", encoding = "-", sparsity = "-";
      double sparsity_value = 0.0;
      if (weights) {
        const ValueId wid = static_cast<ValueId>(weights - g.values().data());
        weight_type = std::string(DTypeName(weights->dtype));
        encoding = format::EncodingName(file.storage[static_cast<size_t>(wid)].encoding);
        sparsity_value = Sparsity(*weights);
        sparsity = Fixed(100.0 * sparsity_value, 1) + "%";
      }
      const std::string kernel(session->kernel_name(id));
      rows.push_back({node.name, std::string(OpTypeName(node.op)), inputs,
                      ShapeToString(out.shape) + " " + std::string(DTypeName(out.dtype)),
                      weight_type, encoding, cost.weight_bytes ? Thousands(cost.weight_bytes) : "-",
                      sparsity, cost.macs ? Thousands(cost.macs) : "-", kernel});
      nlohmann::json layer = {{"name", node.name},
                              {"op", OpTypeName(node.op)},
                              {"inputs", input_shapes},
                              {"output", out.shape},
                              {"output_dtype", DTypeName(out.dtype)},
                              {"parameters", cost.parameters},
                              {"weight_bytes", cost.weight_bytes},
                              {"macs", cost.macs},
                              {"kernel", kernel}};
      if (weights) {
        layer["weight_dtype"] = weight_type;
        layer["encoding"] = encoding;
        layer["sparsity"] = sparsity_value;
      }
      layers.push_back(layer);
    }
    const std::vector<ReferenceKernelGroup> reference = ReferenceKernels(g, *session);
    const int64_t fp32_bytes = 4 * total_parameters;
    const double compression =
        file.file_bytes ? static_cast<double>(fp32_bytes) / static_cast<double>(file.file_bytes)
                        : 0;
    if (options->json) {
      nlohmann::json report = {{"model", options->model},
                               {"format_version", file.format_version},
                               {"producer", file.producer},
                               {"layers", layers},
                               {"totals",
                                {{"nodes", g.nodes().size()},
                                 {"parameters", total_parameters},
                                 {"weight_bytes", total_weight_bytes},
                                 {"file_bytes", file.file_bytes},
                                 {"fp32_bytes", fp32_bytes},
                                 {"compression", compression},
                                 {"macs", total_macs},
                                 {"arena_bytes", session->arena_bytes()}}}};
      nlohmann::json listed = nlohmann::json::array();
      for (const ReferenceKernelGroup& r : reference) {
        listed.push_back({{"op", r.op},
                          {"input_dtype", r.dtype},
                          {"kernel", r.kernel},
                          {"nodes", r.nodes.size()},
                          {"why", r.why}});
      }
      report["reference_kernels"] = listed;
      std::cout << report.dump(2) << "\n";
      return;
    }
    std::cout << options->model << " (format " << file.format_version << ", " << file.producer
              << ")\n\n";
    std::cout << Table(rows, {false, false, false, false, false, false, true, true, true, false});
    std::cout << "\n"
              << Table({{"parameters", Thousands(total_parameters)},
                        {"MACs", Thousands(total_macs)},
                        {"file bytes", Thousands(static_cast<int64_t>(file.file_bytes)) + " (" +
                                           HumanBytes(file.file_bytes) + ")"},
                        {"fp32-equivalent bytes",
                         Thousands(fp32_bytes) + " (" +
                             HumanBytes(static_cast<uint64_t>(fp32_bytes)) + ")"},
                        {"compression", Fixed(compression, 2) + "x"},
                        {"arena bytes", Thousands(static_cast<int64_t>(session->arena_bytes())) +
                                            " (" + HumanBytes(session->arena_bytes()) + ")"}},
                       {false, false});
    if (!reference.empty()) {
      size_t count = 0;
      for (const ReferenceKernelGroup& r : reference) count += r.nodes.size();
      std::cout << "\n" << count << " node(s) run a scalar reference kernel:\n";
      for (const ReferenceKernelGroup& r : reference) {
        std::cout << "  " << r.op << " (" << r.dtype << ") x" << r.nodes.size() << ", " << r.kernel
                  << ": " << r.why << " (first: '" << g.node(r.nodes[0]).name << "')\n";
      }
    }
  });
}

}  // namespace trit::cli
