// trit eval model.trit --data FORMAT:PATH: accuracy and confusion matrix by our runtime; with
// --compare fp32.trit, both models side by side and the error of each layer's output.
#include <filesystem>
#include <iostream>
#include <nlohmann/json.hpp>
#include <thread>

#include "cli_format.h"
#include "commands.h"
#include "compression_report.h"
#include "data/batcher.h"
#include "data/dataset.h"
#include "evaluate.h"
#include "format/model_file.h"
#include "quant/fold.h"
#include "quant/report.h"

namespace trit::cli {
namespace {

// The first `count` test samples, fitted to the model input.
std::vector<float> FirstSamples(const data::Dataset& test, const Graph& graph, int64_t count) {
  const Shape& input = graph.value(graph.inputs()[0]).shape;
  data::BatchOptions options;
  options.batch_size = std::min<int64_t>(count, test.count());
  options.input_shape = Shape(input.begin() + 1, input.end());
  data::Batcher batcher(test, options);
  std::vector<float> images;
  std::vector<int32_t> labels;
  batcher.Next(images, labels);
  return images;
}

std::string Percent(double fraction) { return Fixed(100.0 * fraction, 2) + "%"; }

std::string ConfusionTable(const Evaluation& e) {
  std::vector<std::vector<std::string>> rows = {{""}};
  for (int32_t c = 0; c < e.num_classes; ++c) rows[0].push_back(std::to_string(c));
  for (int32_t r = 0; r < e.num_classes; ++r) {
    rows.push_back({std::to_string(r)});
    for (const int64_t n : e.confusion[static_cast<size_t>(r)])
      rows.back().push_back(std::to_string(n));
  }
  return Table(rows, std::vector<bool>(static_cast<size_t>(e.num_classes) + 1, true));
}

struct Comparison {
  Evaluation reference;
  double agreement = 0;  // fraction of samples where both predict the same class
  quant::CompressionReport layers;
};

Comparison Compare(const format::ModelFile& model, const format::ModelFile& reference,
                   const Evaluation& model_eval, const data::Dataset& test, int threads,
                   int64_t limit, int64_t layer_samples) {
  Comparison c;
  c.reference = Evaluate(reference.graph, test, threads, limit);
  int64_t same = 0;
  for (size_t i = 0; i < model_eval.predictions.size(); ++i) {
    same += model_eval.predictions[i] == c.reference.predictions[i];
  }
  c.agreement = static_cast<double>(same) / static_cast<double>(model_eval.samples);
  // Layer outputs are matched by name against the folded reference: the graph every quantizer
  // starts from.
  const Graph folded = quant::FoldForInference(reference.graph);
  const std::vector<float> samples = FirstSamples(test, folded, layer_samples);
  const int64_t count =
      static_cast<int64_t>(samples.size()) / NumElements(folded.value(folded.inputs()[0]).shape);
  c.layers = quant::BuildReport(folded, model.graph, reference.file_bytes, samples.data(), count);
  return c;
}

}  // namespace

void AddEvalCommand(CLI::App& app) {
  struct Options {
    std::string model, data, compare;
    int threads = static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
    int64_t limit = 0;
    int64_t layer_samples = 100;
    bool json = false;
  };
  auto options = std::make_shared<Options>();
  CLI::App* cmd =
      app.add_subcommand("eval", "Accuracy of a model on a test set, by the trit runtime");
  cmd->add_option("model", options->model, "The .trit file")->required();
  cmd->add_option("--data", options->data,
                  "FORMAT:PATH, e.g. fashion-mnist:/usr/share/datasets/fashion-mnist")
      ->required();
  cmd->add_option("--compare", options->compare,
                  "A reference .trit (usually the fp32 model): accuracy side by side and the "
                  "error of each layer's output");
  cmd->add_option("--layer-samples", options->layer_samples,
                  "With --compare: test samples behind the per-layer errors")
      ->capture_default_str()
      ->check(CLI::Range(int64_t{1}, int64_t{1} << 20));
  cmd->add_option("--threads", options->threads, "Threads")
      ->capture_default_str()
      ->check(CLI::Range(1, 1024));
  cmd->add_option("--limit", options->limit, "Evaluate only the first N samples (0: all)")
      ->check(CLI::Range(int64_t{0}, int64_t{1} << 40));
  cmd->add_flag("--json", options->json, "Machine-readable output");
  cmd->callback([options] {
    const format::ModelFile file = format::ReadModelFile(options->model);
    std::optional<format::ModelFile> reference;
    if (!options->compare.empty()) reference = format::ReadModelFile(options->compare);
    const data::Dataset test = data::LoadDataset(options->data, data::Split::kTest);
    const Evaluation e = Evaluate(file.graph, test, options->threads, options->limit);
    std::optional<Comparison> comparison;
    if (reference) {
      comparison = Compare(file, *reference, e, test, options->threads, options->limit,
                           options->layer_samples);
    }

    if (options->json) {
      nlohmann::json report = {{"model", options->model},
                               {"data", options->data},
                               {"samples", e.samples},
                               {"top1", e.top1},
                               {"confusion", e.confusion}};
      if (e.top5 >= 0) report["top5"] = e.top5;
      if (comparison) {
        const Evaluation& r = comparison->reference;
        nlohmann::json layers = nlohmann::json::array();
        for (const quant::LayerReport& l : comparison->layers.layers) {
          layers.push_back({{"layer", l.node},
                            {"weights", l.weight_type},
                            {"weight_sqnr_db", DecibelsJson(l.weight_sqnr)},
                            {"output_sqnr_db", DecibelsJson(l.activation_sqnr)}});
        }
        report["compare"] = {{"reference", options->compare},
                             {"top1", r.top1},
                             {"agreement", comparison->agreement},
                             {"file_bytes", file.file_bytes},
                             {"reference_file_bytes", reference->file_bytes},
                             {"layer_samples", comparison->layers.samples},
                             {"layers", layers}};
        if (r.top5 >= 0) report["compare"]["top5"] = r.top5;
      }
      std::cout << report.dump(2) << "\n";
      return;
    }

    std::cout << options->model << " on " << options->data << " (test split, " << e.samples
              << " samples, trit runtime)\n";
    if (!comparison) {
      std::cout << "top-1 accuracy: " << Percent(e.top1) << "\n";
      if (e.top5 >= 0) std::cout << "top-5 accuracy: " << Percent(e.top5) << "\n";
      std::cout << "\nconfusion matrix (rows: true class, columns: predicted)\n"
                << ConfusionTable(e);
      return;
    }
    const Evaluation& r = comparison->reference;
    const bool top5 = e.top5 >= 0 && r.top5 >= 0;
    std::vector<std::vector<std::string>> rows = {{"model", "top-1", "file bytes"}};
    if (top5) rows[0].insert(rows[0].begin() + 2, "top-5");
    auto row = [&](const std::string& path, const Evaluation& ev, uint64_t bytes) {
      rows.push_back({path, Percent(ev.top1), Thousands(static_cast<int64_t>(bytes))});
      if (top5) rows.back().insert(rows.back().begin() + 2, Percent(ev.top5));
    };
    row(options->compare, r, reference->file_bytes);
    row(options->model, e, file.file_bytes);
    std::vector<bool> right(rows[0].size(), true);
    right[0] = false;
    std::cout << Table(rows, right) << "top-1 difference " << Fixed(100.0 * (e.top1 - r.top1), 2)
              << " points; same prediction on " << Percent(comparison->agreement)
              << " of the samples; "
              << Fixed(static_cast<double>(reference->file_bytes) /
                           static_cast<double>(file.file_bytes),
                       1)
              << "x smaller\n\nper-layer error against the folded reference, on the first "
              << comparison->layers.samples << " test samples\n";
    std::vector<std::vector<std::string>> layers = {
        {"layer", "op", "weights", "weight SQNR dB", "output SQNR dB"}};
    for (const quant::LayerReport& l : comparison->layers.layers) {
      layers.push_back(
          {l.node, l.op, l.weight_type, Decibels(l.weight_sqnr), Decibels(l.activation_sqnr)});
    }
    std::cout << Table(layers, {false, false, false, true, true})
              << "(\"-\": the layer's shape differs from the reference's, e.g. channels pruned)\n";
  });
}

}  // namespace trit::cli
