// trit train --model NAME|model.trit --data FORMAT:PATH ... -o trained.trit
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <iostream>
#include <thread>

#include "cli_format.h"
#include "commands.h"
#include "core/error.h"
#include "data/dataset.h"
#include "format/model_file.h"
#include "train/input_normalization.h"
#include "train/trainer.h"
#include "zoo/model_spec.h"
#include "zoo/zoo.h"

namespace trit::cli {
namespace {

// A zoo name, a .trit file, or a JSON network spec (zoo/model_spec.h).
Graph LoadModel(const std::string& model) {
  if (std::filesystem::path(model).extension() == ".json") return zoo::BuildFromSpecFile(model);
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

}  // namespace

void AddTrainCommand(CLI::App& app) {
  struct Options {
    std::string model, data, output, teacher;
    train::TrainOptions train;
    int64_t limit = 0;
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
  cmd->callback([o] {
    Graph graph = LoadModel(o->model);
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
    const bool terminal = ::isatty(STDOUT_FILENO);
    std::cout << "training " << o->model << " on " << o->data << ": " << train_set.count()
              << " samples, " << o->train.epochs << " epochs, batch " << o->train.batch_size << ", "
              << o->train.optimizer << " lr " << o->train.learning_rate << " " << o->train.schedule
              << ", seed " << o->train.seed << std::endl;
    const auto start = std::chrono::steady_clock::now();
    const Graph trained =
        train::Train(graph, train_set, &test_set, o->train, [&](const train::EpochReport& r) {
          const std::string line =
              "epoch " + std::to_string(r.epoch) + "/" + std::to_string(r.epochs) + " step " +
              std::to_string(r.step) + "/" + std::to_string(r.steps) + " loss " + Fixed(r.loss, 4) +
              " acc " + Fixed(100 * r.accuracy, 2) + "% " + Fixed(r.samples_per_second, 0) +
              " samples/s, " + Duration(r.seconds_left) + " left";
          if (terminal) {
            std::cout << "\r" << line << "   " << std::flush;
            if (r.epoch_done) std::cout << "\n";
          } else if (r.epoch_done || r.step % 200 == 0) {
            std::cout << line << std::endl;  // one log line at a time, into files and pipes too
          }
          if (r.epoch_done) {
            std::cout << "epoch " << r.epoch << " test accuracy " << Fixed(100 * r.test_accuracy, 2)
                      << "% (LibTorch, " << test_set.count() << " samples)\n"
                      << std::flush;
          }
        });
    format::WriteOptions write;
    write.producer = "trit 0.1.0 train " + o->model + " on " + o->data;
    format::WriteModelFile(trained, o->output, write);
    std::cout
        << "wrote " << o->output << " after "
        << Duration(std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count())
        << "\n";
  });
}

}  // namespace trit::cli
