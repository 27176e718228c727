#include "quant/activation_range.h"

#include <algorithm>
#include <cmath>

#include "core/error.h"

namespace trit::quant {

ActivationMode ParseActivationMode(const std::string& name) {
  if (name == "int8") return ActivationMode::kInt8;
  if (name == "uint8") return ActivationMode::kUint8;
  if (name == "pow2") return ActivationMode::kPow2;
  throw Error(ErrorCode::kInvalidArgument,
              "unknown activation mode '" + name + "' (int8, uint8, pow2)");
}

RangeMethod ParseRangeMethod(const std::string& name) {
  if (name == "minmax") return RangeMethod::kMinMax;
  if (name == "percentile") return RangeMethod::kPercentile;
  if (name == "mse") return RangeMethod::kMse;
  throw Error(ErrorCode::kInvalidArgument,
              "unknown range method '" + name + "' (minmax, percentile, mse)");
}

const char* ActivationModeName(ActivationMode mode) {
  switch (mode) {
    case ActivationMode::kInt8:
      return "int8";
    case ActivationMode::kUint8:
      return "uint8";
    case ActivationMode::kPow2:
      return "pow2";
  }
  return "?";
}

void TensorStats::ObserveRange(const float* data, size_t count) {
  for (size_t i = 0; i < count; ++i) {
    if (!std::isfinite(data[i])) continue;  // a NaN or inf must not poison the range
    min_ = std::min(min_, data[i]);
    max_ = std::max(max_, data[i]);
  }
}

void TensorStats::ObserveHistogram(const float* data, size_t count) {
  if (histogram_.empty()) histogram_.assign(kBins, 0);
  if (!(max_ >= min_)) return;
  const double width = (static_cast<double>(max_) - min_) / kBins;
  for (size_t i = 0; i < count; ++i) {
    if (!std::isfinite(data[i])) continue;
    int b = width > 0 ? static_cast<int>((data[i] - min_) / width) : 0;
    histogram_[static_cast<size_t>(std::clamp(b, 0, kBins - 1))]++;
    ++count_;
  }
}

double TensorStats::BinCenter(int b) const {
  const double width = (static_cast<double>(max_) - min_) / kBins;
  return min_ + (b + 0.5) * width;
}

double TensorStats::Quantile(double fraction) const {
  if (count_ == 0) return fraction < 0.5 ? min_ : max_;
  const double target = fraction * static_cast<double>(count_);
  const double width = (static_cast<double>(max_) - min_) / kBins;
  double seen = 0;
  for (int b = 0; b < kBins; ++b) {
    const double in_bin = static_cast<double>(histogram_[static_cast<size_t>(b)]);
    if (seen + in_bin >= target && in_bin > 0) {
      return min_ + (b + (target - seen) / in_bin) * width;
    }
    seen += in_bin;
  }
  return max_;
}

ActivationParams ParamsForRange(double lo, double hi, ActivationMode mode) {
  if (!std::isfinite(lo) || !std::isfinite(hi) || lo > hi) lo = hi = 0.0;
  lo = std::min(lo, 0.0);
  hi = std::max(hi, 0.0);
  ActivationParams p;
  if (mode == ActivationMode::kPow2) {
    p.dtype = lo >= 0.0 ? DType::kU8 : DType::kI8;
    const double magnitude = std::max(-lo, hi);
    const double levels = p.dtype == DType::kU8 ? 255.0 : 127.0;
    // The smallest power of two that still covers the range; 1 for a dead tensor.
    const double exponent = magnitude > 0 ? std::ceil(std::log2(magnitude / levels)) : 0.0;
    p.quant =
        QuantParams::PerTensor(static_cast<float>(std::ldexp(1.0, static_cast<int>(exponent))), 0);
    return p;
  }
  p.dtype = mode == ActivationMode::kUint8 ? DType::kU8 : DType::kI8;
  const double span = hi - lo;
  const double scale = span > 0 ? span / 255.0 : 1.0;
  const double zero = QuantMin(p.dtype) - lo / scale;
  const int32_t zero_point =
      std::clamp(static_cast<int32_t>(std::lround(zero)), QuantMin(p.dtype), QuantMax(p.dtype));
  p.quant = QuantParams::PerTensor(static_cast<float>(scale), zero_point);
  return p;
}

namespace {

// Expected squared error of quantizing the histogram's values with `p` (bin centers).
double HistogramError(const TensorStats& stats, const ActivationParams& p) {
  const double scale = p.quant.scale[0];
  const double zero = p.quant.zero_point[0];
  const double lo = QuantMin(p.dtype), hi = QuantMax(p.dtype);
  double error = 0;
  for (int b = 0; b < TensorStats::kBins; ++b) {
    const uint64_t n = stats.histogram()[static_cast<size_t>(b)];
    if (n == 0) continue;
    const double x = stats.BinCenter(b);
    const double q = std::clamp(std::nearbyint(x / scale) + zero, lo, hi);
    const double d = x - scale * (q - zero);
    error += d * d * static_cast<double>(n);
  }
  return error;
}

}  // namespace

ActivationParams ChooseActivationParams(const TensorStats& stats, ActivationMode mode,
                                        RangeMethod method, double percentile) {
  if (stats.count() == 0 || !(stats.max() >= stats.min())) return ParamsForRange(0, 0, mode);
  const double lo = stats.min(), hi = stats.max();
  switch (method) {
    case RangeMethod::kMinMax:
      return ParamsForRange(lo, hi, mode);
    case RangeMethod::kPercentile: {
      const double tail = std::clamp(1.0 - percentile / 100.0, 0.0, 0.5);
      return ParamsForRange(lo < 0 ? stats.Quantile(tail) : lo, stats.Quantile(1.0 - tail), mode);
    }
    case RangeMethod::kMse: {
      // Each end clipped in turn (a long tail on one side must not clip the other).
      double best_lo = lo, best_hi = hi;
      double best_error = HistogramError(stats, ParamsForRange(lo, hi, mode));
      for (int side = 0; side < 2; ++side) {
        const double end = side == 0 ? hi : lo;
        for (int step = 1; step < 200; ++step) {
          const double clipped = end * step / 200.0;
          const double l = side == 0 ? best_lo : clipped, h = side == 0 ? clipped : best_hi;
          const double error = HistogramError(stats, ParamsForRange(l, h, mode));
          if (error < best_error) {
            best_error = error;
            best_lo = l;
            best_hi = h;
          }
        }
      }
      return ParamsForRange(best_lo, best_hi, mode);
    }
  }
  return ParamsForRange(lo, hi, mode);
}

}  // namespace trit::quant
