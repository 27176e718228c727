// Activation ranges from calibration statistics, and the int8 / uint8 / power-of-two parameters
// derived from them (docs/quantization.md). A dead or constant tensor gets a finite scale.
#pragma once

#include <cstdint>
#include <limits>
#include <string>
#include <vector>

#include "core/dtype.h"
#include "core/quant_params.h"

namespace trit::quant {

enum class ActivationMode {
  kInt8,   // affine i8: scale + zero point
  kUint8,  // affine u8: scale + zero point
  kPow2,   // DeepChip fixed point: scale 2^-k, zero point 0; u8 when the tensor is >= 0, else i8
};
enum class RangeMethod { kMinMax, kPercentile, kMse };

ActivationMode ParseActivationMode(const std::string& name);  // int8 | uint8 | pow2
RangeMethod ParseRangeMethod(const std::string& name);        // minmax | percentile | mse
const char* ActivationModeName(ActivationMode mode);

// Values seen in one tensor: exact min/max, and a histogram over [min, max].
class TensorStats {
 public:
  static constexpr int kBins = 2048;
  void ObserveRange(const float* data, size_t count);      // first pass
  void ObserveHistogram(const float* data, size_t count);  // second pass, after the range
  float min() const { return min_; }
  float max() const { return max_; }
  uint64_t count() const { return count_; }
  const std::vector<uint64_t>& histogram() const { return histogram_; }
  // Center of bin b.
  double BinCenter(int b) const;
  // The value below which `fraction` of the observed values lie (from the histogram).
  double Quantile(double fraction) const;

 private:
  float min_ = std::numeric_limits<float>::infinity();
  float max_ = -std::numeric_limits<float>::infinity();
  uint64_t count_ = 0;
  std::vector<uint64_t> histogram_;
};

struct ActivationParams {
  DType dtype = DType::kI8;
  QuantParams quant;
};

// Parameters covering [lo, hi] (widened to include 0 so that real zero is exact).
ActivationParams ParamsForRange(double lo, double hi, ActivationMode mode);

// The range by `method`, then ParamsForRange. `percentile` (e.g. 99.99) clips both tails.
ActivationParams ChooseActivationParams(const TensorStats& stats, ActivationMode mode,
                                        RangeMethod method, double percentile = 99.99);

}  // namespace trit::quant
