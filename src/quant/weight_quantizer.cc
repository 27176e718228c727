#include "quant/weight_quantizer.h"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <limits>

#include "core/bitpack.h"
#include "core/error.h"

namespace trit::quant {
namespace {

// Smallest positive scale: keeps an all-zero channel from producing inf/NaN multipliers.
constexpr float kMinScale = 1e-12f;

float MaxAbs(const float* w, size_t n) {
  float m = 0.0f;
  for (size_t i = 0; i < n; ++i) m = std::max(m, std::fabs(w[i]));
  return m;
}

// Rounds half away from zero (std::lround's rule) and clamps, without the libm call: the int4
// and int2 scale search rounds every weight a hundred times. v is a float, so v +- 0.5 is exact
// in double, and truncating it rounds as lround does.
int8_t RoundClamp(float v, int lo, int hi) {
  if (std::isnan(v)) return static_cast<int8_t>(std::clamp(0, lo, hi));
  const double d = std::clamp(static_cast<double>(v), lo - 1.0, hi + 1.0);
  return static_cast<int8_t>(std::clamp(static_cast<int>(d + (d < 0 ? -0.5 : 0.5)), lo, hi));
}

// Symmetric integer levels lo..hi: int8 uses max|w| / 127; the narrow types search the
// clipping scale that minimises the squared error (plain max scaling wastes most levels): the
// candidates full * step / 100, step 1..100, the lowest step of the smallest error kept.
//
// Why the search is fast and still exact: a candidate's error is a sum of non-negative terms, so
// once its partial sum passes the best error so far it cannot win (nor tie) and stops there.
// Every 10th step goes first, so that a good bound comes early; the candidates that can still
// win are summed in full, in the same order, so the result is the exhaustive search's.
float IntegerScale(const float* w, size_t n, int lo, int hi, bool search) {
  const float max_abs = MaxAbs(w, n);
  // A dead (e.g. pruned) channel: any scale represents it; 1 keeps its bias level, b / (s_x *
  // scale), far from the int32 limit that a tiny scale would hit.
  if (max_abs == 0.0f) return 1.0f;
  const float full = max_abs / static_cast<float>(hi);
  if (!search) return std::max(full, kMinScale);
  // The candidate's error, or infinity once it passes `bound`.
  auto error_of = [&](float scale, double bound) {
    double error = 0.0;
    for (size_t i = 0; i < n; ++i) {
      const double q = RoundClamp(w[i] / scale, lo, hi) * static_cast<double>(scale);
      error += (w[i] - q) * (w[i] - q);
      if (error > bound) return std::numeric_limits<double>::infinity();
    }
    return error;
  };
  float best_scale = full;
  int best_step = 0;
  double best_error = std::numeric_limits<double>::infinity();
  for (const bool coarse : {true, false}) {
    for (int step = 1; step <= 100; ++step) {
      if ((step % 10 == 0) != coarse) continue;
      const float scale = full * static_cast<float>(step) / 100.0f;
      const double error = error_of(scale, best_error);
      if (error < best_error || (error == best_error && step < best_step)) {
        best_error = error;
        best_scale = scale;
        best_step = step;
      }
    }
  }
  return std::max(best_scale, kMinScale);
}

float TernaryThreshold(const float* w, size_t n, const WeightSpec& spec) {
  if (!spec.ternary_sparsity) return static_cast<float>(spec.ternary_threshold) * MaxAbs(w, n);
  const double sparsity = std::clamp(*spec.ternary_sparsity, 0.0, 1.0);
  std::vector<float> magnitudes(w, w + n);
  for (float& m : magnitudes) m = std::fabs(m);
  const size_t k = static_cast<size_t>(sparsity * static_cast<double>(n));
  if (k == 0) return -1.0f;  // nothing below: every weight non-zero
  if (k >= n) return std::numeric_limits<float>::infinity();
  std::nth_element(magnitudes.begin(), magnitudes.begin() + static_cast<ptrdiff_t>(k - 1),
                   magnitudes.end());
  return magnitudes[k - 1];
}

void SetTernaryMagnitudes(QuantizedWeights& q, size_t group, float wp, float wn) {
  // A side with no weights gets the other side's magnitude (its level is then unused); a dead
  // channel gets 1 (see IntegerScale).
  if (!(wp > 0.0f) && !(wn > 0.0f)) wp = wn = 1.0f;
  if (!(wp > 0.0f)) wp = wn;
  if (!(wn > 0.0f)) wn = wp;
  const float scale = std::max(std::max(wp, wn) / 127.0f, kMinScale);
  q.quant.scale[group] = scale;
  q.quant.ternary_pos[group] = RoundClamp(wp / scale, 1, 127);
  q.quant.ternary_neg[group] = RoundClamp(wn / scale, 1, 127);
}

QuantizedWeights Prepare(DType dtype, size_t count, size_t groups, bool per_channel) {
  QuantizedWeights q;
  q.dtype = dtype;
  q.levels.assign(count, 0);
  q.quant.scale.assign(groups, 1.0f);
  q.quant.zero_point.assign(groups, 0);
  q.quant.axis = per_channel ? 0 : -1;
  if (dtype == DType::kTernary) {
    q.quant.ternary_pos.assign(groups, 1);
    q.quant.ternary_neg.assign(groups, 1);
  }
  return q;
}

}  // namespace

WeightType ParseWeightType(const std::string& name) {
  for (const WeightType t : {WeightType::kF32, WeightType::kInt8, WeightType::kInt4,
                             WeightType::kInt2, WeightType::kTernary, WeightType::kBinary}) {
    if (name == WeightTypeName(t)) return t;
  }
  throw Error(ErrorCode::kInvalidArgument,
              "unknown weight type '" + name + "' (fp32, int8, int4, int2, ternary, binary)");
}

const char* WeightTypeName(WeightType type) {
  switch (type) {
    case WeightType::kF32:
      return "fp32";
    case WeightType::kInt8:
      return "int8";
    case WeightType::kInt4:
      return "int4";
    case WeightType::kInt2:
      return "int2";
    case WeightType::kTernary:
      return "ternary";
    case WeightType::kBinary:
      return "binary";
  }
  return "?";
}

DType StoredType(WeightType type) {
  switch (type) {
    case WeightType::kF32:
      return DType::kF32;
    case WeightType::kInt8:
      return DType::kI8;
    case WeightType::kInt4:
      return DType::kI4;
    case WeightType::kInt2:
      return DType::kI2;
    case WeightType::kTernary:
      return DType::kTernary;
    case WeightType::kBinary:
      return DType::kBinary;
  }
  return DType::kF32;
}

QuantizedWeights QuantizeWeights(const std::vector<float>& w, int64_t channels,
                                 const WeightSpec& spec) {
  if (spec.type == WeightType::kF32) {
    throw Error(ErrorCode::kInvalidArgument, "fp32 weights are not quantized");
  }
  if (channels <= 0 || w.size() % static_cast<size_t>(channels) != 0) {
    throw Error(ErrorCode::kShape,
                "weights do not split into " + std::to_string(channels) + " output channels");
  }
  const size_t groups = spec.per_channel ? static_cast<size_t>(channels) : 1;
  const size_t group_size = w.size() / groups;
  QuantizedWeights q = Prepare(StoredType(spec.type), w.size(), groups, spec.per_channel);
  for (size_t g = 0; g < groups; ++g) {
    const float* src = w.data() + g * group_size;
    int8_t* levels = q.levels.data() + g * group_size;
    switch (spec.type) {
      case WeightType::kInt8:
      case WeightType::kInt4:
      case WeightType::kInt2: {
        // int8 keeps the range symmetric (-127..127); the narrow types use every level.
        const int lo = spec.type == WeightType::kInt8 ? -127 : MinLevel(q.dtype);
        const int hi = MaxLevel(q.dtype);
        const float scale = IntegerScale(src, group_size, lo, hi,
                                         spec.search_scale && spec.type != WeightType::kInt8);
        q.quant.scale[g] = scale;
        for (size_t i = 0; i < group_size; ++i) levels[i] = RoundClamp(src[i] / scale, lo, hi);
        break;
      }
      case WeightType::kTernary: {
        const float threshold = TernaryThreshold(src, group_size, spec);
        double sum_pos = 0, sum_neg = 0;
        size_t n_pos = 0, n_neg = 0;
        for (size_t i = 0; i < group_size; ++i) {
          if (src[i] > threshold) {
            levels[i] = 1;
            sum_pos += src[i];
            ++n_pos;
          } else if (src[i] < -threshold) {
            levels[i] = -1;
            sum_neg -= src[i];
            ++n_neg;
          }
        }
        // TWN/TTQ initialisation: each magnitude is the mean of the weights it replaces.
        SetTernaryMagnitudes(q, g, n_pos ? static_cast<float>(sum_pos / n_pos) : 0.0f,
                             n_neg ? static_cast<float>(sum_neg / n_neg) : 0.0f);
        break;
      }
      case WeightType::kBinary: {
        double sum = 0;
        for (size_t i = 0; i < group_size; ++i) {
          levels[i] = src[i] >= 0.0f ? 1 : -1;
          sum += std::fabs(src[i]);
        }
        q.quant.scale[g] = std::max(static_cast<float>(sum / group_size), kMinScale);
        break;
      }
      case WeightType::kF32:
        break;
    }
  }
  return q;
}

std::vector<float> TernaryThresholds(const std::vector<float>& w, int64_t channels,
                                     const WeightSpec& spec) {
  const size_t groups = spec.per_channel ? static_cast<size_t>(channels) : 1;
  const size_t group_size = w.size() / groups;
  std::vector<float> thresholds(groups);
  for (size_t g = 0; g < groups; ++g) {
    thresholds[g] = TernaryThreshold(w.data() + g * group_size, group_size, spec);
  }
  return thresholds;
}

QuantizedWeights TernaryFromMagnitudes(const std::vector<float>& w, int64_t channels,
                                       const std::vector<float>& thresholds,
                                       const std::vector<float>& wp, const std::vector<float>& wn) {
  const size_t groups = wp.size();
  if (groups == 0 || wn.size() != groups || thresholds.size() != groups ||
      (groups != 1 && groups != static_cast<size_t>(channels)) || w.size() % groups != 0) {
    throw Error(ErrorCode::kShape, "ternary magnitudes do not match the weights");
  }
  const size_t group_size = w.size() / groups;
  QuantizedWeights q = Prepare(DType::kTernary, w.size(), groups, groups > 1);
  for (size_t g = 0; g < groups; ++g) {
    for (size_t i = 0; i < group_size; ++i) {
      const float v = w[g * group_size + i];
      q.levels[g * group_size + i] = v > thresholds[g] ? 1 : (v < -thresholds[g] ? -1 : 0);
    }
    SetTernaryMagnitudes(q, g, wp[g], wn[g]);
  }
  return q;
}

Buffer QuantizedWeights::Pack() const {
  if (dtype == DType::kI8) return Buffer::FromVector(levels);
  std::vector<uint8_t> bytes(StorageBytes(dtype, static_cast<int64_t>(levels.size())));
  PackLevels(dtype, levels.data(), static_cast<int64_t>(levels.size()), bytes.data());
  return Buffer::Own(std::move(bytes));
}

std::vector<float> QuantizedWeights::Dequantize() const {
  std::vector<float> out(levels.size());
  const size_t groups = quant.scale.size();
  const size_t group_size = levels.size() / groups;
  for (size_t i = 0; i < levels.size(); ++i) {
    const size_t g = i / group_size;
    int level = levels[i];
    if (dtype == DType::kTernary) {
      level = level > 0 ? quant.ternary_pos[g] : (level < 0 ? -quant.ternary_neg[g] : 0);
    }
    out[i] = quant.scale[g] * static_cast<float>(level);
  }
  return out;
}

std::vector<float> WeightValues(const Value& value) {
  if (!value.is_constant()) {
    throw Error(ErrorCode::kInvalidArgument, "'" + value.name + "' is not a constant");
  }
  const int64_t count = NumElements(value.shape);
  std::vector<float> out(static_cast<size_t>(count));
  if (value.dtype == DType::kF32) {
    std::copy_n(reinterpret_cast<const float*>(value.data->data()), out.size(), out.begin());
    return out;
  }
  QuantizedWeights q;
  q.dtype = value.dtype;
  q.quant = value.quant;
  q.levels.resize(out.size());
  if (value.dtype == DType::kI8) {
    std::copy_n(reinterpret_cast<const int8_t*>(value.data->data()), out.size(), q.levels.begin());
  } else if (IsPacked(value.dtype)) {
    UnpackLevels(value.dtype, value.data->data(), count, q.levels.data());
  } else {
    throw Error(ErrorCode::kUnsupported, "'" + value.name + "' of type " +
                                             std::string(DTypeName(value.dtype)) +
                                             " is not a weight type");
  }
  return q.Dequantize();
}

double Sqnr(const std::vector<float>& reference, const std::vector<float>& approximation) {
  double signal = 0, noise = 0;
  for (size_t i = 0; i < reference.size() && i < approximation.size(); ++i) {
    signal += static_cast<double>(reference[i]) * reference[i];
    const double d = static_cast<double>(reference[i]) - approximation[i];
    noise += d * d;
  }
  if (noise == 0) return std::numeric_limits<double>::infinity();
  if (signal == 0) return -std::numeric_limits<double>::infinity();
  return 10.0 * std::log10(signal / noise);
}

}  // namespace trit::quant
