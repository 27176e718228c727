#include "data/batcher.h"

#include <algorithm>
#include <numeric>

#include "core/error.h"

namespace trit::data {
namespace {

uint64_t SplitMix(uint64_t& state) {
  uint64_t z = (state += 0x9E3779B97F4A7C15ull);
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
  return z ^ (z >> 31);
}

// The shape without its extents of 1 (an NPY file of [N, T, F] reads as [T, F, 1] samples).
Shape Squeezed(const Shape& shape) {
  Shape out;
  for (const int64_t d : shape) {
    if (d != 1) out.push_back(d);
  }
  return out;
}

}  // namespace

void CheckFit(const Dataset& dataset, const Shape& input_shape) {
  if (input_shape.size() != 3) {
    // Not an image (a sequence, a vector): samples of exactly the model's shape, as they are.
    if (Squeezed(dataset.sample_shape) == Squeezed(input_shape)) return;
    throw Error(ErrorCode::kShape, "dataset '" + dataset.name + "' samples " +
                                       ShapeToString(dataset.sample_shape) +
                                       " do not fit model input " + ShapeToString(input_shape) +
                                       " (an input that is not [H, W, C] takes samples of its "
                                       "own shape)");
  }
  // Channels must match, or gray samples fill an RGB input. Anything else is most likely a
  // model that takes NCHW (an ONNX import without --nhwc), which fitting would scramble.
  const int64_t channels = dataset.sample_shape[2];
  if (channels != input_shape[2] && !(channels == 1 && input_shape[2] == 3)) {
    throw Error(ErrorCode::kShape, "dataset '" + dataset.name + "' samples " +
                                       ShapeToString(dataset.sample_shape) +
                                       " do not fit model input " + ShapeToString(input_shape) +
                                       " (samples are [H, W, C]; import ONNX models with --nhwc)");
  }
}

Batcher::Batcher(const Dataset& dataset, BatchOptions options)
    : dataset_(dataset), options_(std::move(options)) {
  if (options_.input_shape.empty()) options_.input_shape = dataset.sample_shape;
  CheckFit(dataset, options_.input_shape);
  if (options_.batch_size < 1) throw Error(ErrorCode::kInvalidArgument, "batch size must be >= 1");
  order_.resize(static_cast<size_t>(dataset.count()));
  StartEpoch(0);
}

int64_t Batcher::sample_size() const { return NumElements(options_.input_shape); }

int64_t Batcher::batches_per_epoch() const {
  return (dataset_.count() + options_.batch_size - 1) / options_.batch_size;
}

void Batcher::StartEpoch(int64_t epoch) {
  std::iota(order_.begin(), order_.end(), 0);
  epoch_seed_ = options_.seed * 0x100000001B3ull + static_cast<uint64_t>(epoch);
  if (options_.shuffle) {
    uint64_t rng = epoch_seed_;
    for (size_t i = order_.size(); i > 1; --i) {  // Fisher-Yates with our own generator
      std::swap(order_[i - 1], order_[SplitMix(rng) % i]);
    }
  }
  position_ = 0;
}

void Batcher::FitSample(const float* in, float* out, uint64_t& rng) const {
  if (options_.input_shape.size() != 3) {  // CheckFit: the sample's own shape, no crop or flip
    const int64_t last = options_.input_shape.empty() ? 1 : options_.input_shape.back();
    for (int64_t i = 0; i < sample_size(); ++i) {
      float v = in[i];
      const auto c = static_cast<size_t>(i % last);
      if (!options_.mean.empty()) v -= options_.mean[c % options_.mean.size()];
      if (!options_.std.empty()) v /= options_.std[c % options_.std.size()];
      out[i] = v;
    }
    return;
  }
  const int64_t ih = dataset_.sample_shape[0], iw = dataset_.sample_shape[1];
  const int64_t ic = dataset_.sample_shape[2];
  const int64_t oh = options_.input_shape[0], ow = options_.input_shape[1];
  const int64_t oc = options_.input_shape[2];
  // Offset of the sample inside the output (centered), shifted by a random crop.
  int64_t dy = (oh - ih) / 2, dx = (ow - iw) / 2;
  if (options_.crop_padding > 0) {
    const int64_t span = 2 * options_.crop_padding + 1;
    dy += static_cast<int64_t>(SplitMix(rng) % static_cast<uint64_t>(span)) - options_.crop_padding;
    dx += static_cast<int64_t>(SplitMix(rng) % static_cast<uint64_t>(span)) - options_.crop_padding;
  }
  const bool flip = options_.horizontal_flip && (SplitMix(rng) & 1u);
  for (int64_t y = 0; y < oh; ++y) {
    for (int64_t x = 0; x < ow; ++x) {
      const int64_t sy = y - dy;
      const int64_t sx = (flip ? ow - 1 - x : x) - dx;
      const bool inside = sy >= 0 && sy < ih && sx >= 0 && sx < iw;
      for (int64_t c = 0; c < oc; ++c) {
        float v = inside ? in[(sy * iw + sx) * ic + (ic == 1 ? 0 : c)] : 0.0f;
        if (!options_.mean.empty())
          v -= options_.mean[static_cast<size_t>(c) % options_.mean.size()];
        if (!options_.std.empty()) v /= options_.std[static_cast<size_t>(c) % options_.std.size()];
        out[(y * ow + x) * oc + c] = v;
      }
    }
  }
}

bool Batcher::Next(std::vector<float>& images, std::vector<int32_t>& labels) {
  if (position_ >= dataset_.count()) return false;
  const int64_t count = std::min(options_.batch_size, dataset_.count() - position_);
  const int64_t size = sample_size();
  images.resize(static_cast<size_t>(count * size));
  labels.resize(static_cast<size_t>(count));
  for (int64_t i = 0; i < count; ++i) {
    const int64_t index = order_[static_cast<size_t>(position_ + i)];
    uint64_t rng = epoch_seed_ ^ (static_cast<uint64_t>(index) * 0x9E3779B97F4A7C15ull);
    FitSample(dataset_.sample(index), images.data() + i * size, rng);
    labels[static_cast<size_t>(i)] = dataset_.labels[static_cast<size_t>(index)];
  }
  position_ += count;
  return true;
}

}  // namespace trit::data
