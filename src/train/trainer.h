// Training a trit graph on a dataset with LibTorch: optimizer, learning-rate schedule,
// checkpoints, resume, distillation from a teacher, deterministic for a seed.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>

#include "core/graph.h"
#include "data/batcher.h"
#include "data/dataset.h"
#include "train/trainable_graph.h"

namespace trit::train {

struct TrainOptions {
  int64_t epochs = 10;
  int64_t batch_size = 64;
  double learning_rate = 0.01;
  std::string optimizer = "sgd";    // sgd (momentum 0.9, Nesterov) | adam
  std::string schedule = "cosine";  // cosine | step (x0.1 at 50% and 75% of the epochs) | none
  double weight_decay = 5e-4;
  uint64_t seed = 1;
  int threads = 0;             // 0: all cores
  data::BatchOptions augment;  // crop padding, flip, normalization (batch size, seed set here)
  std::string checkpoint;      // written after every epoch when set
  bool resume = false;         // continue from `checkpoint`
  // fp32 training: gradual magnitude pruning (Zhu & Gupta's cubic schedule over the first 60% of
  // training) of the recurrent cells' dense W and U to this fraction of zeros.
  double recurrent_sparsity = 0.0;
  std::optional<Graph> teacher;  // distillation teacher (fp32 graph)
  double distill_alpha = 0.5;
  double temperature = 4.0;
};

struct EpochReport {
  int64_t epoch = 0, epochs = 0;
  int64_t step = 0, steps = 0;        // within the epoch
  double loss = 0.0, accuracy = 0.0;  // running means over the epoch so far
  double samples_per_second = 0.0;
  double seconds_left = 0.0;
  bool epoch_done = false;
  double test_accuracy = -1.0;  // set at the end of an epoch when a test set is given
};

// Trains `graph` (fp32) and returns it with the trained weights. `report` is called after every
// step and at the end of every epoch.
Graph Train(const Graph& graph, const data::Dataset& train_set, const data::Dataset* test_set,
            const TrainOptions& options, const std::function<void(const EpochReport&)>& report);

// The same for any trainable module (e.g. a QatGraph); returns module.ExportGraph().
Graph TrainModule(TrainableGraph& module, const data::Dataset& train_set,
                  const data::Dataset* test_set, const TrainOptions& options,
                  const std::function<void(const EpochReport&)>& report);

// Top-1 accuracy of the module (eval mode) on a dataset, batches fitted like training's.
double Accuracy(TrainableGraph& module, const data::Dataset& set, const data::BatchOptions& base);

}  // namespace trit::train
