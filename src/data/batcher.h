// Mini-batches from a Dataset for training and evaluation: shuffling, fitting samples to a
// model's input shape, normalization and the usual image augmentations, all deterministic
// for a given seed and epoch.
#pragma once

#include <cstdint>
#include <vector>

#include "data/dataset.h"

namespace trit::data {

struct BatchOptions {
  int64_t batch_size = 64;
  bool shuffle = false;
  // Model input [H, W, C]: samples are zero-padded (centered) or center-cropped to H x W, and a
  // single channel is repeated to C channels (Fashion-MNIST 28x28x1 -> 40x40x3 for the ConvNet).
  // Any other rank (a sequence, a vector): samples of exactly that shape, taken as they are
  // (mean and std then per element of the last axis).
  Shape input_shape;
  std::vector<float> mean;  // per channel, subtracted after fitting (empty: none)
  std::vector<float> std;   // per channel, divided by (empty: none)
  int crop_padding = 0;     // > 0: random crop after zero-padding this many pixels per side
  bool horizontal_flip = false;
  uint64_t seed = 1;
};

class Batcher {
 public:
  Batcher(const Dataset& dataset, BatchOptions options);

  int64_t batches_per_epoch() const;
  // Orders the samples for `epoch` (a new permutation per epoch when shuffling).
  void StartEpoch(int64_t epoch);
  // Fills the next batch (NHWC f32 and labels); false at the end of the epoch. The last batch
  // may be smaller.
  bool Next(std::vector<float>& images, std::vector<int32_t>& labels);

  int64_t sample_size() const;

 private:
  void FitSample(const float* in, float* out, uint64_t& rng) const;

  const Dataset& dataset_;
  BatchOptions options_;
  std::vector<int64_t> order_;
  int64_t position_ = 0;
  uint64_t epoch_seed_ = 0;
};

// Checks that dataset samples can be fitted to a model input; throws kShape naming both.
void CheckFit(const Dataset& dataset, const Shape& input_shape);

}  // namespace trit::data
