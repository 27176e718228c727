// trit bench model.trit: latency distribution and the per-op breakdown.
#include <algorithm>
#include <chrono>
#include <cstring>
#include <iostream>
#include <nlohmann/json.hpp>

#include "cli_format.h"
#include "commands.h"
#include "core/error.h"
#include "model_io.h"
#include "reference_kernels.h"

namespace trit::cli {
namespace {

nlohmann::json ReferenceJson(const std::vector<ReferenceKernelGroup>& groups,
                             const std::vector<double>& ms) {
  nlohmann::json listed = nlohmann::json::array();
  for (size_t r = 0; r < groups.size(); ++r) {
    listed.push_back({{"op", groups[r].op},
                      {"input_dtype", groups[r].dtype},
                      {"kernel", groups[r].kernel},
                      {"nodes", groups[r].nodes.size()},
                      {"mean_ms", ms[r]},
                      {"why", groups[r].why}});
  }
  return listed;
}

double Percentile(std::vector<double> sorted, double p) {
  if (sorted.empty()) return 0.0;
  const double rank = p * static_cast<double>(sorted.size() - 1);
  const size_t low = static_cast<size_t>(rank);
  const size_t high = std::min(low + 1, sorted.size() - 1);
  return sorted[low] + (sorted[high] - sorted[low]) * (rank - static_cast<double>(low));
}

}  // namespace

void AddBenchCommand(CLI::App& app) {
  struct Options {
    std::string model;
    int threads = 1, runs = 50, warmup = 5, top = 0;
    bool json = false;
  };
  auto options = std::make_shared<Options>();
  CLI::App* cmd = app.add_subcommand("bench", "Measure latency: median, p10, p90, per-op times");
  cmd->add_option("model", options->model, "The .trit file")->required();
  cmd->add_option("--threads", options->threads,
                  "Threads (the optimized Conv2D and Dense kernels split their work)")
      ->capture_default_str()
      ->check(CLI::Range(1, 1024));
  cmd->add_option("--runs", options->runs, "Timed runs")
      ->capture_default_str()
      ->check(CLI::Range(1, 1000000));
  cmd->add_option("--warmup", options->warmup, "Untimed runs first")
      ->capture_default_str()
      ->check(CLI::Range(0, 1000000));
  cmd->add_option("--top", options->top, "Show only the N slowest ops (0: all)")
      ->capture_default_str()
      ->check(CLI::Range(0, 1000000));
  cmd->add_flag("--json", options->json, "Machine-readable output");
  cmd->callback([options] {
    runtime::SessionOptions session_options;
    session_options.threads = options->threads;
    const auto session = runtime::Session::FromFile(options->model, session_options);
    FillInputs(*session, {}, 1);
    // A run may overwrite its inputs once their last reader is done (embedding.md), so each
    // run gets them again, as a caller sets them, outside the timing: a float input left
    // holding a run's int8 activations is full of NaNs and denormals, and Quantize slows 6x.
    std::vector<std::vector<uint8_t>> inputs(session->input_count());
    for (size_t i = 0; i < inputs.size(); ++i) {
      const auto* data = static_cast<const uint8_t*>(session->input_data(i));
      inputs[i].assign(data, data + session->input_bytes(i));
    }
    auto set_inputs = [&] {
      for (size_t i = 0; i < inputs.size(); ++i) {
        std::memcpy(session->input_data(i), inputs[i].data(), inputs[i].size());
      }
    };
    for (int i = 0; i < options->warmup; ++i) {
      set_inputs();
      session->Run();
    }
    session->ResetProfile();
    std::vector<double> ms;
    for (int i = 0; i < options->runs; ++i) {
      set_inputs();
      const auto start = std::chrono::steady_clock::now();
      session->Run();
      ms.push_back(
          std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start)
              .count());
    }
    std::vector<double> sorted = ms;
    std::sort(sorted.begin(), sorted.end());
    double mean = 0.0;
    for (const double t : ms) mean += t / static_cast<double>(ms.size());
    const double median = Percentile(sorted, 0.5), p10 = Percentile(sorted, 0.1),
                 p90 = Percentile(sorted, 0.9);

    struct OpTime {
      const runtime::NodeProfile* profile;
      double mean_ms;
    };
    std::vector<OpTime> ops;
    double op_total = 0.0;
    for (const auto& p : session->profile()) {
      const double t =
          p.runs ? static_cast<double>(p.total_ns) / 1e6 / static_cast<double>(p.runs) : 0.0;
      ops.push_back({&p, t});
      op_total += t;
    }
    std::sort(ops.begin(), ops.end(),
              [](const OpTime& a, const OpTime& b) { return a.mean_ms > b.mean_ms; });
    const Graph& g = session->graph();
    const std::string cpu = CpuModelName();
    // The time of the nodes that run a reference kernel, per group (ReferenceKernels' order).
    const std::vector<ReferenceKernelGroup> reference = ReferenceKernels(g, *session);
    std::vector<double> reference_ms(reference.size(), 0.0);
    for (size_t r = 0; r < reference.size(); ++r) {
      for (const OpTime& op : ops) {
        for (const NodeId id : reference[r].nodes) {
          if (op.profile->node == id) reference_ms[r] += op.mean_ms;
        }
      }
    }
    if (options->json) {
      nlohmann::json per_op = nlohmann::json::array();
      for (const OpTime& op : ops) {
        const Node& node = g.node(op.profile->node);
        nlohmann::json entry = {{"node", node.name},
                                {"op", OpTypeName(node.op)},
                                {"kernel", std::string(op.profile->kernel)},
                                {"mean_ms", op.mean_ms},
                                {"share", op_total > 0 ? op.mean_ms / op_total : 0.0}};
        const runtime::DataMovement m = session->data_movement(op.profile->node);
        if (m.steps > 0) {
          entry["data_movement"] = {{"steps", m.steps},
                                    {"weight_bytes", m.weight_bytes},
                                    {"step_by_step_weight_bytes", m.step_by_step_weight_bytes},
                                    {"activation_bytes", m.activation_bytes},
                                    {"working_set_bytes", m.working_set_bytes}};
        }
        per_op.push_back(entry);
      }
      std::cout << nlohmann::json{{"model", options->model},
                                  {"cpu", cpu},
                                  {"threads", options->threads},
                                  {"runs", options->runs},
                                  {"warmup", options->warmup},
                                  {"median_ms", median},
                                  {"p10_ms", p10},
                                  {"p90_ms", p90},
                                  {"mean_ms", mean},
                                  {"arena_bytes", session->arena_bytes()},
                                  {"ops", per_op},
                                  {"reference_kernels", ReferenceJson(reference, reference_ms)}}
                       .dump(2)
                << "\n";
      return;
    }
    std::cout << options->model << " on " << cpu << ", " << options->threads << " thread(s), "
              << options->runs << " runs after " << options->warmup << " warm-up\n";
    std::cout << "latency ms: median " << Fixed(median, 3) << "  p10 " << Fixed(p10, 3) << "  p90 "
              << Fixed(p90, 3) << "  mean " << Fixed(mean, 3) << "\n\n";
    std::vector<std::vector<std::string>> rows = {{"node", "op", "kernel", "mean ms", "share"}};
    for (const OpTime& op : ops) {
      if (options->top > 0 && rows.size() > static_cast<size_t>(options->top)) break;
      const Node& node = g.node(op.profile->node);
      rows.push_back({node.name, std::string(OpTypeName(node.op)), std::string(op.profile->kernel),
                      Fixed(op.mean_ms, 4),
                      Fixed(op_total > 0 ? 100.0 * op.mean_ms / op_total : 0.0, 1) + "%"});
    }
    std::cout << Table(rows, {false, false, false, true, true});
    if (!reference.empty()) {
      double total = 0;
      for (const double ms : reference_ms) total += ms;
      std::cout << "\nscalar reference kernels: " << Fixed(total, 4) << " ms ("
                << Fixed(op_total > 0 ? 100.0 * total / op_total : 0.0, 1) << "% of op time)\n";
      for (size_t r = 0; r < reference.size(); ++r) {
        std::cout << "  " << reference[r].op << " (" << reference[r].dtype << ") x"
                  << reference[r].nodes.size() << ", " << reference[r].kernel << ": "
                  << Fixed(reference_ms[r], 4) << " ms; " << reference[r].why << "\n";
      }
    }
    // Recurrent cells: the bytes their schedule moves per run (docs/recurrent.md).
    std::vector<std::vector<std::string>> moved = {{"node", "steps", "weights KiB", "per step",
                                                    "step by step", "activations KiB",
                                                    "working set KiB", "moved / working set"}};
    const auto kib = [](int64_t bytes) { return Fixed(static_cast<double>(bytes) / 1024.0, 1); };
    for (const auto& p : session->profile()) {
      const runtime::DataMovement m = session->data_movement(p.node);
      if (m.steps == 0) continue;
      moved.push_back({g.node(p.node).name, std::to_string(m.steps), kib(m.weight_bytes),
                       kib(m.weight_bytes / m.steps), kib(m.step_by_step_weight_bytes),
                       kib(m.activation_bytes), kib(m.working_set_bytes),
                       Fixed(static_cast<double>(m.weight_bytes + m.activation_bytes) /
                                 static_cast<double>(m.working_set_bytes),
                             1) +
                           "x"});
    }
    if (moved.size() > 1) {
      std::cout << "\ndata moved per run (W x for a block of steps; 'step by step': W streamed "
                   "every step)\n"
                << Table(moved, {false, true, true, true, true, true, true, true});
    }
  });
}

}  // namespace trit::cli
