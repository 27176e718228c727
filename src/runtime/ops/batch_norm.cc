// BatchNorm (inference) binding, fp32 and quantized (per-channel integer affine), with its fused
// ReLU / ReLU6 (the "activation" of a pre-activation block's BatchNorm + ReLU).
#include "kernels/ref/batch_norm.h"

#include <algorithm>
#include <cmath>
#include <memory>
#include <type_traits>
#include <vector>

#include "kernels/q8_batch_norm_split.h"
#include "kernels/q8_prepare.h"
#include "kernels/registry/batch_norm.h"
#include "runtime/op_kernel.h"
#include "runtime/ops/element_split.h"
#include "runtime/ops/fused_activation.h"
#include "runtime/ops/op_support.h"

namespace trit::runtime {
namespace {

class BatchNormF32Kernel final : public OpKernel {
 public:
  BatchNormF32Kernel(const Graph& g, const Node& node, ThreadPool* pool)
      : pool_(pool),
        channels_(Input(g, node, 0).shape.back()),
        positions_(NumElements(Input(g, node, 0).shape) / std::max<int64_t>(channels_, 1)),
        epsilon_(node.attrs.GetFloat("epsilon", 1e-5f)),
        activation_(FusedActivation(node)) {
    const auto& chosen = ChooseKernel(BatchNormF32Kernels(), {channels_});
    name_ = chosen.name;
    if (chosen.entry == BatchNormForm::kReference) return;
    // The per-channel affine form y = x * scale + shift, computed once here.
    auto param = [&](size_t i) {
      return reinterpret_cast<const float*>(Input(g, node, i).data->data());
    };
    scale_.resize(static_cast<size_t>(channels_));
    shift_.resize(static_cast<size_t>(channels_));
    for (int64_t c = 0; c < channels_; ++c) {
      const double scale = param(1)[c] / std::sqrt(static_cast<double>(param(4)[c]) + epsilon_);
      scale_[static_cast<size_t>(c)] = static_cast<float>(scale);
      shift_[static_cast<size_t>(c)] = static_cast<float>(param(2)[c] - param(3)[c] * scale);
    }
  }
  void Run(const void* const* inputs, void* const* outputs, void*) override {
    const auto* x = static_cast<const float*>(inputs[0]);
    auto* y = static_cast<float*>(outputs[0]);
    SplitElements(
        pool_, positions_, channels_ * 4, kMinSplitBytes, [&](int64_t begin, int64_t end) {
          const float* in = x + begin * channels_;
          float* out = y + begin * channels_;
          if (!scale_.empty()) {
            ref::ChannelAffineF32(end - begin, channels_, in, scale_.data(), shift_.data(), out);
          } else {
            ref::BatchNormF32(end - begin, channels_, in, static_cast<const float*>(inputs[1]),
                              static_cast<const float*>(inputs[2]),
                              static_cast<const float*>(inputs[3]),
                              static_cast<const float*>(inputs[4]), epsilon_, out);
          }
          activation_.Apply(out, (end - begin) * channels_);
        });
  }
  std::string_view name() const override { return name_; }

 private:
  ThreadPool* pool_;
  int64_t channels_, positions_;
  float epsilon_;
  FusedActivationF32 activation_;
  std::string_view name_;
  std::vector<float> scale_, shift_;  // the optimized form; empty at the reference level
};

template <typename In, typename Out>
class BatchNormQ8Kernel final : public OpKernel {
 public:
  BatchNormQ8Kernel(const Graph& g, const Node& node, ThreadPool* pool)
      : pool_(pool),
        channels_(Input(g, node, 0).shape.back()),
        positions_(NumElements(Input(g, node, 0).shape) / std::max<int64_t>(channels_, 1)) {
    const Value& x = Input(g, node, 0);
    const Value& y = Output(g, node);
    const float* gamma = Input(g, node, 1).data->as<float>();
    const float* beta = Input(g, node, 2).data->as<float>();
    const float* mean = Input(g, node, 3).data->as<float>();
    const float* variance = Input(g, node, 4).data->as<float>();
    const double epsilon = node.attrs.GetFloat("epsilon", 1e-5f);
    multiplier_.resize(static_cast<size_t>(channels_));
    offset_.resize(static_cast<size_t>(channels_));
    const char* problem = nullptr;
    if (!BatchNormQ8Params(channels_, gamma, beta, mean, variance, epsilon, Scale(x), Scale(y),
                           multiplier_.data(), offset_.data(), &shift_, &problem)) {
      Unsupported(node, problem);
    }
    input_zero_point_ = ZeroPoint(x);
    output_zero_point_ = ZeroPoint(y);
    const Q8Range range =
        LinearOutputRange(y.dtype, Scale(y), output_zero_point_, FusedActivation(node));
    lo_ = range.lo;
    hi_ = range.hi;
    const auto& chosen = ChooseKernel(BatchNormQ8Kernels(), {channels_, shift_, input_zero_point_});
    name_ = chosen.name;
    split_ = chosen.entry.split;
    if (chosen.entry.form == BatchNormForm::kSplit) PrepareSplit();
    if (chosen.entry.form == BatchNormForm::kPrecomputed) {
      // An 8-bit input has 256 values: per channel the op is a 256-entry table, filled by the
      // reference kernel itself, so the lookup gives its bytes exactly.
      std::vector<In> every_value(static_cast<size_t>(256 * channels_));
      for (int64_t v = 0; v < 256; ++v) {
        std::fill_n(every_value.begin() + v * channels_, channels_, static_cast<In>(v));
      }
      table_.resize(every_value.size());
      ref::BatchNormQ8(256, channels_, every_value.data(), input_zero_point_, multiplier_.data(),
                       offset_.data(), shift_, output_zero_point_, lo_, hi_, table_.data());
    }
  }
  void Run(const void* const* inputs, void* const* outputs, void*) override {
    const auto* x = static_cast<const In*>(inputs[0]);
    auto* y = static_cast<Out*>(outputs[0]);
    SplitElements(pool_, positions_, channels_, kMinSplitBytes, [&](int64_t begin, int64_t end) {
      RunPositions(x + begin * channels_, y + begin * channels_, end - begin);
    });
  }
  std::string_view name() const override { return name_; }

 private:
  void RunPositions(const In* x, Out* y, int64_t positions) const {
    if (split_) {
      BatchNormSplitParams part = split_params_;
      part.positions = positions;
      split_(part, x, y);
      return;
    }
    if (table_.empty()) {
      ref::BatchNormQ8(positions, channels_, x, input_zero_point_, multiplier_.data(),
                       offset_.data(), shift_, output_zero_point_, lo_, hi_, y);
      return;
    }
    const Out* table = table_.data();
    for (int64_t p = 0; p < positions; ++p, x += channels_, y += channels_) {
      for (int64_t c = 0; c < channels_; ++c) {
        y[c] = table[static_cast<uint8_t>(x[c]) * channels_ + c];
      }
    }
  }

  // The split's terms, per channel padded to 16 (kernels/q8_batch_norm_split.h).
  void PrepareSplit() {
    const size_t padded = static_cast<size_t>((channels_ + 15) / 16 * 16);
    std::vector<int32_t> scratch(BatchNormQ8ScratchBytes(channels_) / sizeof(int32_t));
    const BatchNormTerms t =
        SplitBatchNormTerms(channels_, multiplier_.data(), offset_.data(), shift_, scratch.data());
    terms_.assign(5 * padded, 0);
    int32_t* parts[5];
    for (size_t k = 0; k < 5; ++k) parts[k] = terms_.data() + k * padded;
    for (int64_t c = 0; c < channels_; ++c) {
      parts[0][c] = t.multiplier_high[c];
      parts[1][c] = t.multiplier_low[c];
      parts[2][c] = t.remainder_high[c];
      parts[3][c] = t.remainder_low[c];
      parts[4][c] = t.quotient[c] + output_zero_point_;  // |quotient| <= 2^30: no overflow
    }
    split_params_ = {positions_,        channels_, parts[0], parts[1],
                     parts[2],          parts[3],  parts[4], shift_,
                     input_zero_point_, lo_,       hi_,      std::is_signed_v<In>};
  }

  ThreadPool* pool_;
  int64_t channels_, positions_;
  std::string_view name_;
  BatchNormSplitFn split_ = nullptr;
  BatchNormSplitParams split_params_{};
  std::vector<int32_t> terms_;  // the split's five arrays
  std::vector<Out> table_;      // [256 input bytes][channels], when used
  std::vector<int64_t> multiplier_, offset_;
  int32_t shift_ = 0;
  int32_t input_zero_point_ = 0, output_zero_point_ = 0, lo_ = 0, hi_ = 0;
};

}  // namespace

std::unique_ptr<OpKernel> MakeBatchNormKernel(const Graph& g, const Node& node, ThreadPool* pool) {
  const Value& x = Input(g, node, 0);
  if (x.dtype == DType::kF32) return std::make_unique<BatchNormF32Kernel>(g, node, pool);
  std::unique_ptr<OpKernel> kernel;
  DispatchQ8(x.dtype, Output(g, node).dtype, [&](auto in, auto out) {
    kernel = std::make_unique<BatchNormQ8Kernel<decltype(in), decltype(out)>>(g, node, pool);
  });
  return kernel;
}

}  // namespace trit::runtime
