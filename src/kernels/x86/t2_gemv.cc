#include "kernels/x86/t2_gemv.h"

#include <algorithm>

#include "core/error.h"

namespace trit::x86 {
namespace {

constexpr int64_t kBlock = T2Gemv::kBlock;

int64_t ChunkCount(int64_t depth) { return (depth + 63) / 64; }

}  // namespace

T2Gemv::T2Gemv(const T2GemvLayer& layer)
    : n_(layer.n),
      depth_(layer.depth),
      chunks_(ChunkCount(layer.depth)),
      input_type_(layer.input_type),
      input_zero_point_(layer.input_zero_point),
      output_zero_point_(layer.output_zero_point),
      lo_(layer.lo),
      hi_(layer.hi),
      name_(std::string(layer.input_type == DType::kI8 ? "qs8" : "qu8") +
            "_t2_gemv_8c__avx512vnni") {
  if (!Fits(layer.levels, layer.n, layer.depth)) {
    throw Error(ErrorCode::kInternal, "T2Gemv: levels are not ternary per channel");
  }
  const int64_t padded_n = blocks() * kBlock;
  masks_ = AlignedArray<uint64_t>(static_cast<size_t>(padded_n * chunks_ * 2));
  pos_.assign(static_cast<size_t>(padded_n), 0);
  neg_.assign(static_cast<size_t>(padded_n), 0);
  offset_.assign(static_cast<size_t>(padded_n), 0);
  requant_.assign(static_cast<size_t>(padded_n), Requant{});
  const int64_t zero = layer.input_zero_point + (layer.input_type == DType::kI8 ? 128 : 0);
  for (int64_t c = 0; c < layer.n; ++c) {
    const int8_t* row = layer.levels + c * layer.depth;
    int64_t sum = 0;
    for (int64_t k = 0; k < layer.depth; ++k) {
      const int8_t v = row[k];
      sum += v;
      if (v > 0) pos_[static_cast<size_t>(c)] = v;
      if (v < 0) neg_[static_cast<size_t>(c)] = v;
      if (v == 0) continue;
      const int64_t block = c / kBlock, lane = c % kBlock, chunk = k / 64;
      uint64_t* masks = masks_.data() + ((block * chunks_ + chunk) * kBlock + lane) * 2;
      masks[v > 0 ? 0 : 1] |= uint64_t{1} << (k % 64);
    }
    const int64_t offset = (layer.bias ? layer.bias[c] : 0) - zero * sum;
    offset_[static_cast<size_t>(c)] = static_cast<int32_t>(static_cast<uint32_t>(offset));
    requant_[static_cast<size_t>(c)] = layer.requant[layer.per_channel ? c : 0];
  }
}

size_t T2Gemv::scratch_bytes() const { return static_cast<size_t>(chunks_ * 64); }

const uint8_t* T2Gemv::Prepare(const void* input, void* scratch) const {
  auto* prepared = static_cast<uint8_t*>(scratch);
  const auto* in = static_cast<const uint8_t*>(input);
  const uint8_t flip = input_type_ == DType::kI8 ? 0x80 : 0x00;
  const size_t depth = static_cast<size_t>(depth_);
  for (size_t i = 0; i < depth; ++i) prepared[i] = in[i] ^ flip;
  std::fill(prepared + depth, prepared + chunks_ * 64,
            static_cast<uint8_t>(input_zero_point_ ^ flip));
  return prepared;
}

}  // namespace trit::x86
