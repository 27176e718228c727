#include "kernels/x86/lowbit_gemv.h"

#include <algorithm>
#include <cstring>

#include "core/error.h"

namespace trit::x86 {

namespace {

const char* CodesName(LowBitGemv::Codes codes) {
  switch (codes) {
    case LowBitGemv::Codes::kInt4:
      return "q4";
    case LowBitGemv::Codes::kInt2:
      return "q2";
    case LowBitGemv::Codes::kTernary:
      return "t2";
  }
  return "";
}

}  // namespace

LowBitGemv::LowBitGemv(const GemvLayer& layer, Codes codes)
    : codes_kind_(codes),
      bits_(codes == Codes::kInt4 ? 4 : 2),
      code_offset_(codes == Codes::kInt4 ? 8 : (codes == Codes::kInt2 ? 2 : 1)),
      n_(layer.n),
      depth_(layer.depth),
      input_type_(layer.input_type),
      output_zero_point_(layer.output_zero_point),
      lo_(layer.lo),
      hi_(layer.hi),
      name_(std::string(layer.input_type == DType::kI8 ? "qs8" : "qu8") + "_" + CodesName(codes) +
            "_gemv_4c__avx512vnni") {
  const bool ternary = codes == Codes::kTernary;
  if (ternary && !IsTernaryPerChannel(layer.levels, layer.n, layer.depth)) {
    throw Error(ErrorCode::kInternal, "LowBitGemv: levels are not ternary per channel");
  }
  const int per_byte = 8 / bits_;
  chunk_weights_ = 64 * per_byte;
  chunks_ = (depth_ + chunk_weights_ - 1) / chunk_weights_;
  const int64_t padded_n = blocks() * kBlock;
  codes_ = AlignedArray<uint8_t>(static_cast<size_t>(padded_n * chunks_ * 64));
  offset_.assign(static_cast<size_t>(padded_n), 0);
  requant_.assign(static_cast<size_t>(padded_n), Requant{});
  pos_.assign(static_cast<size_t>(padded_n), 1);
  neg_.assign(static_cast<size_t>(padded_n), 1);
  const int32_t lowest = ternary ? -128 : -code_offset_;
  const int32_t highest = ternary ? 127 : (1 << bits_) - 1 - code_offset_;
  const int64_t zero = layer.input_zero_point + (layer.input_type == DType::kI8 ? 128 : 0);
  for (int64_t c = 0; c < n_; ++c) {
    const int8_t* row = layer.levels + c * depth_;
    int64_t sum = 0;
    for (int64_t k = 0; k < depth_; ++k) {
      const int32_t level = row[k];
      if (level < lowest || level > highest) {
        throw Error(ErrorCode::kInternal, "LowBitGemv: a level outside the code range");
      }
      sum += level;
      if (ternary && level > 0) pos_[static_cast<size_t>(c)] = level;
      if (ternary && level < 0) neg_[static_cast<size_t>(c)] = -level;
      const int32_t code = ternary ? (level > 0) - (level < 0) + 1 : level + code_offset_;
      const int64_t block = c / kBlock, lane = c % kBlock;
      const int64_t chunk = k / chunk_weights_, within = k % chunk_weights_;
      uint8_t& byte = codes_.data()[((block * chunks_ + chunk) * kBlock + lane) * 64 + within % 64];
      byte = static_cast<uint8_t>(byte | (code << (bits_ * (within / 64))));
    }
    // Padding weights past the depth keep code 0: they meet inputs of 0.
    const int64_t offset = (layer.bias ? layer.bias[c] : 0) - zero * sum;
    offset_[static_cast<size_t>(c)] = static_cast<int32_t>(static_cast<uint32_t>(offset));
    requant_[static_cast<size_t>(c)] = layer.requant[layer.per_channel ? c : 0];
    asymmetric_ |= pos_[static_cast<size_t>(c)] != neg_[static_cast<size_t>(c)];
  }
}

size_t LowBitGemv::scratch_bytes() const {
  return static_cast<size_t>(chunks_ * chunk_weights_) + 64;
}

const uint8_t* LowBitGemv::Prepare(const void* input, void* scratch) const {
  auto* prepared = static_cast<uint8_t*>(scratch);
  const auto* in = static_cast<const uint8_t*>(input);
  const uint8_t flip = input_type_ == DType::kI8 ? 0x80 : 0x00;
  const size_t depth = static_cast<size_t>(depth_),
               padded = static_cast<size_t>(chunks_ * chunk_weights_);
  uint32_t sum = 0;
  for (size_t i = 0; i < depth; ++i) {
    prepared[i] = in[i] ^ flip;
    sum += prepared[i];
  }
  std::fill(prepared + depth, prepared + padded, uint8_t{0});
  std::memcpy(prepared + padded, &sum, sizeof(sum));
  return prepared;
}

}  // namespace trit::x86
