// trit train --model NAME|model.trit --data FORMAT:PATH ... -o trained.trit
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <iostream>
#include <thread>

#include "cli_format.h"
#include "commands.h"
#include "compression_report.h"
#include "core/error.h"
#include "data/dataset.h"
#include "format/model_file.h"
#include "quant/calibration.h"
#include "quant/fold.h"
#include "quant_cli.h"
#include "train/deepchip_preset.h"
#include "train/input_normalization.h"
#include "train/qat_graph.h"
#include "train/trainer.h"
#include "zoo/model_spec.h"
#include "zoo/zoo.h"

namespace trit::cli {
namespace {

// A zoo name, a .trit file, or a JSON network spec (zoo/model_spec.h), whose recurrent layers
// take `structure` when it is set.
Graph LoadModel(const std::string& model, const std::optional<zoo::StructureOverride>& structure) {
  if (std::filesystem::path(model).extension() == ".json") {
    return zoo::BuildFromSpecFile(model, structure);
  }
  if (structure) {
    throw Error(ErrorCode::kInvalidArgument, "--structure needs a JSON network spec as --model");
  }
  if (std::filesystem::exists(model)) return format::ReadModelFile(model).graph;
  return zoo::BuildZooModel(model);
}

std::string Duration(double seconds) {
  const int64_t s = static_cast<int64_t>(seconds + 0.5);
  char text[32];
  std::snprintf(text, sizeof(text), "%lld:%02lld", static_cast<long long>(s / 60),
                static_cast<long long>(s % 60));
  return text;
}

// Quantization-aware training of `graph` (fp32, usually pretrained): fold, calibrate the
// activations on the training split, train the integer graph, and report against the latent
// fp32 weights.
struct QatResult {
  Graph exported;
  quant::CompressionReport report;
  quant::FoldReport fold;
  std::vector<quant::PrunedChannels> pruned_channels;
};

QatResult TrainQuantized(const Graph& graph, const data::Dataset& train_set,
                         const data::Dataset& test_set, uint64_t fp32_file_bytes,
                         QuantCliOptions& quant_options, bool deepchip, double alpha_ramp,
                         const train::TrainOptions& options,
                         const std::function<void(const train::EpochReport&)>& report) {
  quant_options.Resolve();
  QatResult result;
  Graph folded = quant::FoldForInference(graph, &result.fold);
  if (quant_options.compress.prune_channels > 0) {
    result.pruned_channels = quant::PruneChannels(folded, quant_options.compress.prune_channels);
  }
  quant::QuantPlan plan;
  quant::ApplyLayerOptions(folded, quant_options.compress, plan);
  const std::vector<float> calib =
      CalibrationSamples(train_set, folded, quant_options.calib_samples);
  const int64_t count =
      static_cast<int64_t>(calib.size()) / NumElements(folded.value(folded.inputs()[0]).shape);
  quant::ApplyActivationStats(quant::CollectActivationStats(folded, calib.data(), count),
                              quant_options.compress, plan);
  train::QatOptions qat;
  if (deepchip) train::ApplyDeepChipPreset(folded, result.fold, plan, qat);
  qat.alpha_ramp = alpha_ramp;
  qat.prune = quant::PruneTargets(folded, quant_options.compress, plan);
  qat.prune_global = quant_options.compress.prune_global;
  qat.prune_blocks = quant_options.compress.prune_blocks;
  train::QatGraph module(folded, plan, qat);
  result.exported = train::TrainModule(module, train_set, &test_set, options, report);
  // With BatchNorm trained live, the latent weights and the running statistics (those of the
  // quantized layers) make no fp32 model: the report compares with the one training started
  // from.
  const Graph reference = qat.batch_norms.empty() ? module.FoldedWithLatentWeights() : folded;
  result.report =
      quant::BuildReport(reference, result.exported, fp32_file_bytes, calib.data(), count);
  return result;
}

}  // namespace

void AddTrainCommand(CLI::App& app) {
  struct Options {
    std::string model, data, output, teacher;
    train::TrainOptions train;
    int64_t limit = 0;
    QuantCliOptions quant;
    double alpha_ramp = 0.0;
    std::string preset;
    bool json = false;
    std::string structure;
    double compression = 1.0;
  };
  auto o = std::make_shared<Options>();
  CLI::App* cmd =
      app.add_subcommand("train", "Train a model on a dataset (LibTorch) and export it");
  cmd->add_option("--model", o->model, "Zoo name, .trit file, or JSON network spec")->required();
  cmd->add_option("--data", o->data,
                  "FORMAT:PATH, e.g. fashion-mnist:/usr/share/datasets/fashion-mnist")
      ->required();
  cmd->add_option("-o,--output", o->output, "Trained .trit file")->required();
  cmd->add_option("--epochs", o->train.epochs, "Epochs")
      ->capture_default_str()
      ->check(CLI::Range(1, 100000));
  cmd->add_option("--batch", o->train.batch_size, "Batch size")
      ->capture_default_str()
      ->check(CLI::Range(1, 65536));
  cmd->add_option("--lr", o->train.learning_rate, "Learning rate")->capture_default_str();
  cmd->add_option("--optimizer", o->train.optimizer, "sgd | adam")
      ->capture_default_str()
      ->check(CLI::IsMember({"sgd", "adam"}));
  cmd->add_option("--schedule", o->train.schedule, "cosine | step | none")
      ->capture_default_str()
      ->check(CLI::IsMember({"cosine", "step", "none"}));
  cmd->add_option("--weight-decay", o->train.weight_decay, "L2 weight decay")
      ->capture_default_str();
  cmd->add_option("--seed", o->train.seed, "Seed (weights order, shuffling, augmentation)")
      ->capture_default_str();
  cmd->add_option("--threads", o->train.threads, "Threads (0: all cores)")->capture_default_str();
  cmd->add_option("--crop-padding", o->train.augment.crop_padding,
                  "Random crop after padding N pixels")
      ->capture_default_str();
  cmd->add_flag("--flip", o->train.augment.horizontal_flip, "Random horizontal flips");
  cmd->add_option("--mean", o->train.augment.mean,
                  "Per-channel mean to subtract (folded into the model)");
  cmd->add_option("--std", o->train.augment.std,
                  "Per-channel standard deviation (folded into the model)");
  cmd->add_option("--limit", o->limit, "Train on the first N training samples only (0: all)")
      ->check(CLI::Range(int64_t{0}, int64_t{1} << 40));
  cmd->add_option("--checkpoint", o->train.checkpoint, "Checkpoint file, written every epoch");
  cmd->add_flag("--resume", o->train.resume, "Continue from --checkpoint");
  cmd->add_option("--teacher", o->teacher, "Distil from this teacher .trit");
  cmd->add_option("--distill-alpha", o->train.distill_alpha, "Weight of the distillation loss")
      ->capture_default_str()
      ->check(CLI::Range(0.0, 1.0));
  cmd->add_option("--temperature", o->train.temperature, "Distillation temperature")
      ->capture_default_str();
  AddQuantOptions(cmd, o->quant, "--quant");
  cmd->add_option("--preset", o->preset,
                  "deepchip: DeepChip's QAT recipe (per-layer TTQ ternary, threshold 0.05, "
                  "Wp = Wn = 1 at start, activations uint8 in [0, 1], first and last layer fp32, "
                  "BatchNorm trained with batch statistics and folded at export)")
      ->check(CLI::IsMember({"deepchip"}))
      ->excludes("--quant")
      ->excludes("--granularity")
      ->excludes("--threshold")
      ->excludes("--acts")
      ->excludes("--config")
      ->excludes("--keep")
      ->excludes("--prune-channels");
  cmd->add_option("--alpha-blend", o->alpha_ramp,
                  "QAT by alpha-blending: the loss sees (1-a) w + a q(w), a ramped from 0 to 1 "
                  "over this fraction of training (0: straight-through estimator)")
      ->capture_default_str()
      ->check(CLI::Range(0.0, 1.0));
  cmd->add_flag("--json", o->json,
                "With --quant: the compression report as JSON on stdout (progress on stderr)");
  cmd->add_option("--structure", o->structure,
                  "W and U of every recurrent layer: dense | lowrank | kron | hybrid_kron | hmd "
                  "(shapes chosen for --compression)")
      ->check(CLI::IsMember({"dense", "lowrank", "kron", "hybrid_kron", "hmd"}));
  cmd->add_option("--compression", o->compression,
                  "With --structure: each recurrent matrix at least this many times smaller")
      ->check(CLI::Range(1.0, 1e6))
      ->capture_default_str();
  cmd->callback([o] {
    std::optional<zoo::StructureOverride> structure;
    if (!o->structure.empty()) {
      structure = zoo::StructureOverride{ParseMatrixStructure(o->structure), o->compression};
    }
    Graph graph = LoadModel(o->model, structure);
    const bool deepchip = o->preset == "deepchip";
    if (deepchip) {
      o->quant.weights = "ternary";
      o->quant.granularity = "layer";
      o->quant.acts = "uint8";
      o->quant.compress.weights.ternary_threshold = 0.05;
    }
    if (!o->train.augment.mean.empty() || !o->train.augment.std.empty()) {
      // Normalization becomes part of the model, so every consumer feeds it raw samples.
      graph = train::PrependNormalization(graph, o->train.augment.mean, o->train.augment.std);
      o->train.augment.mean.clear();
      o->train.augment.std.clear();
    }
    data::Dataset train_set = data::LoadDataset(o->data, data::Split::kTrain);
    if (o->limit > 0 && o->limit < train_set.count()) {
      train_set.labels.resize(static_cast<size_t>(o->limit));
      train_set.samples.resize(static_cast<size_t>(o->limit * train_set.sample_size()));
    }
    const data::Dataset test_set = data::LoadDataset(o->data, data::Split::kTest);
    if (!o->teacher.empty()) o->train.teacher = format::ReadModelFile(o->teacher).graph;
    if (o->train.checkpoint.empty()) o->train.checkpoint = o->output + ".checkpoint";
    const bool qat = !o->quant.weights.empty();
    if (!qat && (o->json || o->quant.compress.prune_channels > 0)) {
      throw Error(ErrorCode::kInvalidArgument, "--json and --prune-channels need --quant TYPE");
    }
    // Without --quant, --prune is the fp32 pruning of the recurrent cells' W and U.
    if (!qat) o->train.recurrent_sparsity = o->quant.compress.prune;
    std::ostream& log = o->json ? std::cerr : std::cout;
    const bool terminal = ::isatty(o->json ? STDERR_FILENO : STDOUT_FILENO);
    log << "training " << o->model << " on " << o->data << ": " << train_set.count() << " samples, "
        << o->train.epochs << " epochs, batch " << o->train.batch_size << ", " << o->train.optimizer
        << " lr " << o->train.learning_rate << " " << o->train.schedule << ", seed "
        << o->train.seed
        << (deepchip ? ", quantization-aware: DeepChip preset"
            : qat    ? ", quantization-aware: " + o->quant.weights + " weights, " + o->quant.acts +
                        " activations"
                  : "")
        << std::endl;
    const auto start = std::chrono::steady_clock::now();
    double test_accuracy = -1.0;
    auto progress = [&](const train::EpochReport& r) {
      const std::string line = "epoch " + std::to_string(r.epoch) + "/" + std::to_string(r.epochs) +
                               " step " + std::to_string(r.step) + "/" + std::to_string(r.steps) +
                               " loss " + Fixed(r.loss, 4) + " acc " + Fixed(100 * r.accuracy, 2) +
                               "% " + Fixed(r.samples_per_second, 0) + " samples/s, " +
                               Duration(r.seconds_left) + " left";
      if (terminal) {
        log << "\r" << line << "   " << std::flush;
        if (r.epoch_done) log << "\n";
      } else if (r.epoch_done || r.step % 200 == 0) {
        log << line << std::endl;  // one log line at a time, into files and pipes too
      }
      if (r.epoch_done) {
        test_accuracy = r.test_accuracy;
        log << "epoch " << r.epoch << " test accuracy " << Fixed(100 * r.test_accuracy, 2) << "% ("
            << (qat ? "integer model, " : "LibTorch, ") << test_set.count() << " samples)\n"
            << std::flush;
      }
    };
    Graph trained;
    std::optional<QatResult> quantized;
    if (qat) {
      // The fp32 file the model came from, or the size it would have as one.
      const uint64_t fp32_bytes = std::filesystem::path(o->model).extension() == ".trit"
                                      ? std::filesystem::file_size(o->model)
                                      : format::SerializeModel(graph).size();
      quantized = TrainQuantized(graph, train_set, test_set, fp32_bytes, o->quant, deepchip,
                                 o->alpha_ramp, o->train, progress);
      trained = quantized->exported;
    } else {
      trained = train::Train(graph, train_set, &test_set, o->train, progress);
    }
    format::WriteOptions write;
    write.producer = "trit 0.1.0 train " + o->model + " on " + o->data;
    format::WriteModelFile(trained, o->output, write);
    const std::string took =
        Duration(std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count());
    if (!quantized) {
      std::cout << "wrote " << o->output << " after " << took << "\n";
      return;
    }
    quantized->report.SetFileBytes(std::filesystem::file_size(o->output));
    if (o->json) {
      nlohmann::json report = ReportJson(quantized->report, quantized->pruned_channels);
      report["model"] = o->model;
      report["output"] = o->output;
      report["test_accuracy"] = test_accuracy;
      report["test_samples"] = test_set.count();
      std::cout << report.dump(2) << "\n";
      return;
    }
    std::cout << quant::FoldSummary(quantized->fold)
              << PrunedChannelsSummary(quantized->pruned_channels) << ReportTable(quantized->report)
              << "test accuracy " << Fixed(100 * test_accuracy, 2) << "% (integer model, "
              << test_set.count() << " test samples)\n"
              << "wrote " << o->output << " after " << took << "\n";
  });
}

}  // namespace trit::cli
