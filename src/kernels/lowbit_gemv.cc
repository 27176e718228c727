#include "kernels/lowbit_gemv.h"

#include <algorithm>
#include <cstring>
#include <vector>

#include "core/error.h"

namespace trit {
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

// VNNI reads u8 inputs (s8 xor 0x80); SDOT reads s8 (u8 xor 0x80).
bool ReadsU8(Isa isa) { return FamilyOf(isa) == IsaFamily::kX86; }

}  // namespace

LowBitGemv::LowBitGemv(Isa isa, const GemvLayer& layer, Codes codes)
    : isa_(isa),
      codes_kind_(codes),
      bits_(codes == Codes::kInt4 ? 4 : 2),
      code_offset_(codes == Codes::kInt4 ? 8 : (codes == Codes::kInt2 ? 2 : 1)),
      chunk_bytes_(ReadsU8(isa) ? 64 : 16),
      n_(layer.n),
      depth_(layer.depth),
      rows_(layer.rows),
      input_type_(layer.input_type),
      output_zero_point_(layer.output_zero_point),
      lo_(layer.lo),
      hi_(layer.hi),
      name_(std::string(layer.input_type == DType::kI8 ? "qs8" : "qu8") + "_" + CodesName(codes) +
            (ReadsU8(isa) ? "_gemv_4c__avx512vnni" : "_gemv_4c__neondot")) {
  if (isa != Isa::kAvx512 && !IsaCovers(isa, Isa::kNeonDot)) {
    throw Error(ErrorCode::kInternal, "LowBitGemv needs AVX-512 VNNI or the dot product");
  }
  const bool ternary = codes == Codes::kTernary;
  if (ternary && !IsTernaryPerChannel(layer)) {
    throw Error(ErrorCode::kInternal, "LowBitGemv: levels are not ternary per channel");
  }
  const int per_byte = 8 / bits_;
  chunk_weights_ = chunk_bytes_ * per_byte;
  chunks_ = (depth_ + chunk_weights_ - 1) / chunk_weights_;
  prepared_stride_ =
      (chunks_ * chunk_weights_ + static_cast<int64_t>(sizeof(int64_t)) + 63) / 64 * 64;
  if (rows_ < 1) throw Error(ErrorCode::kInternal, "LowBitGemv: no rows");
  const int64_t padded_n = blocks() * kBlock;
  codes_ = AlignedArray<uint8_t>(static_cast<size_t>(padded_n * chunks_ * chunk_bytes_));
  offset_.assign(static_cast<size_t>(padded_n), 0);
  requant_.assign(static_cast<size_t>(padded_n), Requant{});
  pos_.assign(static_cast<size_t>(padded_n), 1);
  neg_.assign(static_cast<size_t>(padded_n), 1);
  const int32_t lowest = ternary ? -128 : -code_offset_;
  const int32_t highest = ternary ? 127 : (1 << bits_) - 1 - code_offset_;
  // The input zero point in the form's representation.
  const bool s8_input = layer.input_type == DType::kI8;
  const int64_t zero = ReadsU8(isa) ? layer.input_zero_point + (s8_input ? 128 : 0)
                                    : layer.input_zero_point - (s8_input ? 0 : 128);
  std::vector<int8_t> buffer(layer.levels ? 0 : static_cast<size_t>(depth_));
  for (int64_t c = 0; c < n_; ++c) {
    const int8_t* row = RowLevels(layer, c, buffer.data());
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
      uint8_t& byte = codes_.data()[((block * chunks_ + chunk) * kBlock + lane) * chunk_bytes_ +
                                    within % chunk_bytes_];
      byte = static_cast<uint8_t>(byte | (code << (bits_ * (within / chunk_bytes_))));
    }
    // Padding weights past the depth keep code 0: they meet inputs of 0.
    const int64_t offset = (layer.bias ? layer.bias[c] : 0) - zero * sum;
    offset_[static_cast<size_t>(c)] = static_cast<int32_t>(static_cast<uint32_t>(offset));
    requant_[static_cast<size_t>(c)] = layer.requant[layer.per_channel ? c : 0];
    asymmetric_ |= pos_[static_cast<size_t>(c)] != neg_[static_cast<size_t>(c)];
  }
  if (ReadsU8(isa) && bits_ == 2) BuildLevelTables();
}

void LowBitGemv::BuildLevelTables() {
  const bool ternary = codes_kind_ == Codes::kTernary;
  level_tables_ = AlignedArray<uint8_t>(static_cast<size_t>(blocks() * kBlock * 2 * 16));
  for (int64_t c = 0; c < n_; ++c) {
    const size_t i = static_cast<size_t>(c);
    // Code u to level: ternary u = t + 1 (3 never occurs), int2 u = level + 2.
    auto level = [&](int u) {
      return ternary ? (u == 0 ? -neg_[i] : (u == 2 ? pos_[i] : 0)) : u - code_offset_;
    };
    uint8_t* tables = level_tables_.data() + c * 2 * 16;
    for (int nibble = 0; nibble < 16; ++nibble) {
      tables[nibble] = static_cast<uint8_t>(level(nibble & 3));
      tables[16 + nibble] = static_cast<uint8_t>(level(nibble >> 2));
    }
  }
  // Channels past n keep zero tables: their outputs are never written.
}

size_t LowBitGemv::scratch_bytes() const { return static_cast<size_t>(rows_ * prepared_stride_); }

const uint8_t* LowBitGemv::Prepare(const void* input, void* scratch) const {
  const bool u8_form = ReadsU8(isa_);
  const uint8_t flip = (input_type_ == DType::kI8) == u8_form ? 0x80 : 0x00;
  const size_t depth = static_cast<size_t>(depth_),
               padded = static_cast<size_t>(chunks_ * chunk_weights_);
  for (int64_t r = 0; r < rows_; ++r) {
    uint8_t* prepared = static_cast<uint8_t*>(scratch) + r * prepared_stride_;
    const uint8_t* in = static_cast<const uint8_t*>(input) + r * depth_;
    int64_t sum = 0;
    for (size_t i = 0; i < depth; ++i) {
      prepared[i] = in[i] ^ flip;
      sum += u8_form ? int64_t{prepared[i]} : int64_t{static_cast<int8_t>(prepared[i])};
    }
    std::fill(prepared + depth, prepared + padded, uint8_t{0});
    std::memcpy(prepared + padded, &sum, sizeof(sum));
  }
  return static_cast<const uint8_t*>(scratch);
}

void LowBitGemv::Compute(const uint8_t* prepared, void* output, int64_t block_begin,
                         int64_t block_end) const {
  auto* out = static_cast<uint8_t*>(output);
#if defined(__x86_64__)
  x86::LowBitGemvAvx512(*this, prepared, block_begin, block_end, out);
#elif defined(__aarch64__)
  for (int64_t r = 0; r < rows_; ++r) {
    arm::LowBitGemvNeonDot(*this, prepared + r * prepared_stride_, block_begin, block_end,
                           out + r * n_);
  }
#endif
}

void LowBitGemv::Finish(int64_t block, const int64_t (&codes_x)[kBlock],
                        const int64_t (&abs_x)[kBlock], int64_t input_sum, uint8_t* output) const {
  const bool ternary = codes_kind_ == Codes::kTernary;
  const int64_t c0 = block * kBlock;
  int64_t dots[kBlock] = {};  // sum(level * x)
  for (int j = 0; j < kBlock && c0 + j < n_; ++j) {
    const size_t c = static_cast<size_t>(c0 + j);
    if (!ternary) {
      dots[j] = codes_x[j] - int64_t{code_offset_} * input_sum;
    } else {
      const int64_t signs_x = codes_x[j] - input_sum;  // sum(t * x)
      const int64_t pos = pos_[c], neg = neg_[c];
      dots[j] = pos == neg ? pos * signs_x : ((pos + neg) * signs_x + (pos - neg) * abs_x[j]) / 2;
    }
  }
  FinishDots(block, dots, output);
}

void LowBitGemv::FinishDots(int64_t block, const int64_t (&dots)[kBlock], uint8_t* output) const {
  const int64_t c0 = block * kBlock;
  const int64_t valid = std::min<int64_t>(kBlock, n_ - c0);
  for (int j = 0; j < valid; ++j) {
    const size_t c = static_cast<size_t>(c0 + j);
    const int32_t sum =
        static_cast<int32_t>(static_cast<uint32_t>(dots[j]) + static_cast<uint32_t>(offset_[c]));
    const int32_t y = Clamp(output_zero_point_ + Requantize(sum, requant_[c]), lo_, hi_);
    output[c] = static_cast<uint8_t>(y);
  }
}

}  // namespace trit
