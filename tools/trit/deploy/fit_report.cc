#include "deploy/fit_report.h"

#include <algorithm>
#include <cstring>
#include <iostream>
#include <memory>

#include "cli_format.h"
#include "core/dtype.h"
#include "core/error.h"
#include "core/op_type.h"
#include "micro/inspect.h"
#include "trit/trit_micro.h"

namespace trit::cli {
namespace {

constexpr uint64_t kAlignment = 16;

uint64_t AlignUp(uint64_t v) { return (v + kAlignment - 1) / kAlignment * kAlignment; }

// A 16-byte aligned heap block for the host-side load.
struct AlignedBlock {
  explicit AlignedBlock(size_t bytes) : storage(new uint8_t[bytes + kAlignment]) {}
  uint8_t* data() {
    const auto address = reinterpret_cast<uintptr_t>(storage.get());
    return storage.get() + (kAlignment - address % kAlignment) % kAlignment;
  }
  std::unique_ptr<uint8_t[]> storage;
};

// Per step, the bytes of the planned buffers live during it: the same lifetimes as the
// runtime's planner (inputs from the first step, each output from its node to its last
// reader, graph outputs to the end, aliases sharing their root, scratch at its node, a fused
// schedule's inner tensors absent and its nodes at its first node's step).
std::vector<uint64_t> LiveBytesPerStep(const Graph& graph, const trit_micro* m) {
  const auto steps = static_cast<int>(graph.nodes().size());
  const size_t tensors = graph.values().size();
  std::vector<int> first(tensors, -1), last(tensors, -1);
  for (const ValueId t : graph.inputs()) first[t] = last[t] = 0;
  for (int n = 0; n < steps; ++n) {
    const Node& node = graph.nodes()[static_cast<size_t>(n)];
    const int step = micro::NodeStep(m, n);  // fused nodes run with their schedule's first
    for (const ValueId t : node.outputs) {
      if (micro::AliasRoot(m, t) == t && micro::NodeOutputsPlanned(m, n)) {
        first[t] = last[t] = step;
      }
    }
    for (const ValueId t : node.inputs) {
      const int32_t root = micro::AliasRoot(m, t);
      if (first[root] >= 0) last[root] = std::max(last[root], step);
    }
  }
  for (const ValueId t : graph.outputs()) last[micro::AliasRoot(m, t)] = steps;
  std::vector<uint64_t> live(static_cast<size_t>(steps) + 1, 0);
  for (size_t t = 0; t < tensors; ++t) {
    if (first[t] < 0) continue;
    const Value& value = graph.values()[t];
    const uint64_t bytes = AlignUp(StorageBytes(value.dtype, NumElements(value.shape)));
    for (int s = first[t]; s <= last[t]; ++s) live[static_cast<size_t>(s)] += bytes;
  }
  for (int n = 0; n < steps; ++n)
    live[static_cast<size_t>(n)] += AlignUp(micro::NodeScratchBytes(m, n));
  return live;
}

std::string TopLayers(std::vector<LayerFit> layers, uint64_t LayerFit::*field, const char* what) {
  // The three largest, in the report's order of size.
  std::stable_sort(layers.begin(), layers.end(),
                   [&](const LayerFit& a, const LayerFit& b) { return a.*field > b.*field; });
  std::string text;
  for (size_t i = 0; i < std::min<size_t>(3, layers.size()); ++i) {
    if (layers[i].*field == 0) break;
    text += (i ? ", " : "") + layers[i].name + " (" + HumanBytes(layers[i].*field) + ")";
  }
  return text.empty() ? "" : std::string("; ") + what + ": " + text;
}

}  // namespace

FitReport AnalyzeFit(const Graph& graph, const std::vector<uint8_t>& plain_model,
                     const CortexMTarget& target, uint64_t flash_budget, uint64_t ram_budget,
                     uint64_t stack_bytes) {
  FitReport report;
  report.target = target;
  report.flash_budget = flash_budget;
  report.ram_budget = ram_budget;
  report.stack_bytes = stack_bytes;
  report.model_bytes = plain_model.size();
  // The runtime built for the host, in a generous arena, with the target's kernels chosen: it
  // reports the exact bytes it used, which are the device's (its records hold no pointers, and
  // each layer's scratch is the target kernel's).
  AlignedBlock model(plain_model.size());
  std::memcpy(model.data(), plain_model.data(), plain_model.size());
  const size_t capacity = std::max<size_t>(size_t{64} << 20, plain_model.size());
  AlignedBlock arena(capacity);
  trit_micro* m = nullptr;
  std::vector<const char*> kernels(graph.nodes().size(), "-");
  const trit_micro_status status = micro::LoadForLevel(
      model.data(), plain_model.size(), arena.data(), capacity, target.level, &m, kernels.data());
  if (status != TRIT_MICRO_OK) {
    throw Error(static_cast<ErrorCode>(status),
                std::string("the microcontroller runtime cannot run this model: ") +
                    trit_micro_last_error());
  }
  report.arena_bytes = trit_micro_arena_used(m);
  report.persistent_bytes = micro::PersistentBytes(m);
  const std::vector<uint64_t> live = LiveBytesPerStep(graph, m);
  for (size_t n = 0; n < graph.nodes().size(); ++n) {
    const Node& node = graph.nodes()[n];
    const NodeCost cost = ComputeNodeCost(graph, node);
    const Value& out = graph.value(node.outputs[0]);
    LayerFit layer;
    layer.name = node.name;
    layer.op = std::string(OpTypeName(node.op));
    layer.kernel = kernels[n];
    layer.output_shape = ShapeToString(out.shape);
    layer.output_type = std::string(DTypeName(out.dtype));
    layer.macs = cost.macs;
    layer.weight_bytes = static_cast<uint64_t>(cost.weight_bytes);
    layer.scratch_bytes = micro::NodeScratchBytes(m, static_cast<int>(n));
    layer.live_bytes = live[n];
    report.macs += cost.macs;
    report.layers.push_back(layer);
  }
  return report;
}

std::string FitReport::Problems() const {
  std::string text;
  if (flash_bytes() > flash_budget) {
    text += "flash: " + Thousands(static_cast<int64_t>(flash_bytes())) + " B needed, budget " +
            Thousands(static_cast<int64_t>(flash_budget)) + " B" +
            TopLayers(layers, &LayerFit::weight_bytes, "largest weights");
  }
  if (ram_bytes() > ram_budget) {
    text += std::string(text.empty() ? "" : "; ") +
            "SRAM: " + Thousands(static_cast<int64_t>(ram_bytes())) + " B needed, budget " +
            Thousands(static_cast<int64_t>(ram_budget)) + " B" +
            TopLayers(layers, &LayerFit::live_bytes, "largest live memory at");
  }
  return text;
}

void PrintFitReport(const FitReport& r, const std::string& model_name) {
  std::cout << model_name << " on " << r.target.name << " (budget: " << HumanBytes(r.flash_budget)
            << " flash, " << HumanBytes(r.ram_budget) << " SRAM)\n\n";
  std::vector<std::vector<std::string>> rows = {
      {"node", "op", "kernel", "output", "weights", "MACs", "scratch", "live"}};
  for (const LayerFit& l : r.layers) {
    rows.push_back({l.name, l.op, l.kernel, l.output_shape + " " + l.output_type,
                    l.weight_bytes ? Thousands(static_cast<int64_t>(l.weight_bytes)) : "-",
                    l.macs ? Thousands(l.macs) : "-",
                    l.scratch_bytes ? Thousands(static_cast<int64_t>(l.scratch_bytes)) : "-",
                    Thousands(static_cast<int64_t>(l.live_bytes))});
  }
  std::cout << Table(rows, {false, false, false, false, true, true, true, true}) << "\n";
  auto line = [](const std::string& label, const std::string& value) {
    std::cout << label << std::string(label.size() < 24 ? 24 - label.size() : 1, ' ') << value
              << "\n";
  };
  line("MACs", Thousands(r.macs));
  line("flash", HumanBytes(r.flash_bytes()) + " of " + HumanBytes(r.flash_budget) + ": model " +
                    Thousands(static_cast<int64_t>(r.model_bytes)) + " B, code " +
                    (r.code_measured ? Thousands(static_cast<int64_t>(r.code_bytes)) + " B"
                                     : "not measured (" + r.code_note + ")"));
  line("SRAM", HumanBytes(r.ram_bytes()) + " of " + HumanBytes(r.ram_budget) + ": arena " +
                   Thousands(static_cast<int64_t>(r.arena_bytes)) + " B (records and parameters " +
                   Thousands(static_cast<int64_t>(r.persistent_bytes)) + " B), other data " +
                   Thousands(static_cast<int64_t>(r.static_ram_bytes)) + " B, stack " +
                   Thousands(static_cast<int64_t>(r.stack_bytes)) + " B");
  line("fits", r.fits() ? "yes" : "no");
}

}  // namespace trit::cli
