#include "kernels/sparse/ternary_gemv.h"

#include "core/error.h"

namespace trit::sparse {

TernaryGemv::TernaryGemv(const GemvLayer& layer)
    : n_(layer.n),
      input_type_(layer.input_type),
      input_zero_point_(layer.input_zero_point),
      output_zero_point_(layer.output_zero_point),
      lo_(layer.lo),
      hi_(layer.hi),
      name_(std::string(layer.input_type == DType::kI8 ? "qs8" : "qu8") + "_t_sparse_gemv") {
  if (!Fits(layer)) {
    throw Error(ErrorCode::kInternal, "TernaryGemv: levels are not ternary per channel");
  }
  if (layer.rows != 1) throw Error(ErrorCode::kInternal, "TernaryGemv takes one row");
  start_.push_back(0);
  std::vector<int8_t> buffer(layer.levels ? 0 : static_cast<size_t>(layer.depth));
  for (int64_t c = 0; c < layer.n; ++c) {
    const int8_t* row = RowLevels(layer, c, buffer.data());
    int32_t pos = 0, neg = 0;
    for (int64_t k = 0; k < layer.depth; ++k) {
      if (row[k] > 0) {
        indices_.push_back(static_cast<uint16_t>(k));
        pos = row[k];
      }
    }
    positives_.push_back(static_cast<int64_t>(indices_.size()) - start_.back());
    for (int64_t k = 0; k < layer.depth; ++k) {
      if (row[k] < 0) {
        indices_.push_back(static_cast<uint16_t>(k));
        neg = row[k];
      }
    }
    start_.push_back(static_cast<int64_t>(indices_.size()));
    pos_.push_back(pos);
    neg_.push_back(neg);
    bias_.push_back(layer.bias ? layer.bias[c] : 0);
    requant_.push_back(layer.requant[layer.per_channel ? c : 0]);
  }
}

template <typename In>
void TernaryGemv::ComputeTyped(const In* input, uint8_t* output, int64_t begin, int64_t end) const {
  for (int64_t c = begin; c < end; ++c) {
    const uint16_t* index = indices_.data() + start_[static_cast<size_t>(c)];
    const int64_t positives = positives_[static_cast<size_t>(c)];
    const int64_t count = start_[static_cast<size_t>(c) + 1] - start_[static_cast<size_t>(c)];
    // Sums of the selected inputs, four at a time for independent additions.
    auto sum = [&](const uint16_t* idx, int64_t n) {
      int32_t s0 = 0, s1 = 0, s2 = 0, s3 = 0;
      int64_t i = 0;
      for (; i + 4 <= n; i += 4) {
        s0 += input[idx[i]];
        s1 += input[idx[i + 1]];
        s2 += input[idx[i + 2]];
        s3 += input[idx[i + 3]];
      }
      for (; i < n; ++i) s0 += input[idx[i]];
      return s0 + s1 + s2 + s3;
    };
    const int64_t negatives = count - positives;
    // (x - z) summed under each sign, times the level: the reference's accumulator, wrapped
    // modulo 2^32 like it (the true value fits in 32 bits, checked at load).
    const uint32_t positive_sum =
        static_cast<uint32_t>(sum(index, positives)) -
        static_cast<uint32_t>(input_zero_point_) * static_cast<uint32_t>(positives);
    const uint32_t negative_sum =
        static_cast<uint32_t>(sum(index + positives, negatives)) -
        static_cast<uint32_t>(input_zero_point_) * static_cast<uint32_t>(negatives);
    const uint32_t acc = static_cast<uint32_t>(bias_[static_cast<size_t>(c)]) +
                         positive_sum * static_cast<uint32_t>(pos_[static_cast<size_t>(c)]) +
                         negative_sum * static_cast<uint32_t>(neg_[static_cast<size_t>(c)]);
    const int32_t y = Clamp(output_zero_point_ + Requantize(static_cast<int32_t>(acc),
                                                            requant_[static_cast<size_t>(c)]),
                            lo_, hi_);
    output[c] = static_cast<uint8_t>(y);
  }
}

void TernaryGemv::Compute(const void* input, void* output, int64_t begin, int64_t end) const {
  auto* out = static_cast<uint8_t*>(output);
  if (input_type_ == DType::kU8) {
    ComputeTyped(static_cast<const uint8_t*>(input), out, begin, end);
  } else {
    ComputeTyped(static_cast<const int8_t*>(input), out, begin, end);
  }
}

}  // namespace trit::sparse
