#include "kernels/q8_gemm_plan.h"

#include <algorithm>

#include "core/error.h"

namespace trit {
namespace {

int64_t RoundUp(int64_t value, int64_t multiple) {
  return (value + multiple - 1) / multiple * multiple;
}

}  // namespace

Q8GemmPlan::Q8GemmPlan(const Q8GemmLayer& layer, Q8InputForm form, Tiling tiling)
    : form_(form),
      indirection_(layer.indirection),
      input_type_(layer.input_type),
      input_zero_point_(layer.input_zero_point) {
  if (static_cast<int64_t>(indirection_.size()) != layer.m * layer.taps ||
      layer.vectors + 1 > (int64_t{1} << 31)) {
    throw Error(ErrorCode::kInternal, "Q8Gemm: indirection table does not match the layer");
  }
  Q8GemmPacked& p = packed_;
  p.m = layer.m;
  p.n = layer.n;
  p.taps = layer.taps;
  p.depth = layer.depth;
  p.vectors = layer.vectors;
  dense_ = layer.taps == 1 && layer.m == layer.vectors;
  const ref::ConvGeometry* conv = layer.conv ? &*layer.conv : nullptr;
  if (UsesRowTaps(layer, tiling.row_tap_channels)) {
    // Row taps over a padded image: rows -pad_top.. and columns -pad_left.. up to the last ones
    // any output reads, each pixel in_c values apart.
    ref::ConvGeometry image = *conv;
    const int last_row = (conv->out_h - 1) * conv->stride_h - conv->pad_top +
                         (conv->kernel_h - 1) * conv->dilation_h;
    const int last_column =
        (conv->out_w - 1) * conv->stride_w - conv->pad_left + conv->kernel_w - 1;
    image.in_h = conv->pad_top + std::max(conv->in_h, last_row + 1);
    image.in_w = conv->pad_left + std::max(conv->in_w, last_column + 1);
    image_ = image;
    source_h_ = conv->in_h;
    source_w_ = conv->in_w;
    p.taps = conv->kernel_h;
    p.depth = int64_t{conv->kernel_w} * conv->in_c;
    p.vectors = int64_t{conv->batch} * image.in_h * image.in_w;
    // A new vector, not clear(): the layer's table (taps KH x KW) would keep its capacity.
    indirection_ = std::vector<int32_t>();
    indirection_.reserve(static_cast<size_t>(layer.m * conv->kernel_h));
    for (int b = 0; b < conv->batch; ++b) {
      for (int oy = 0; oy < conv->out_h; ++oy) {
        for (int ox = 0; ox < conv->out_w; ++ox) {
          for (int ky = 0; ky < conv->kernel_h; ++ky) {
            const int64_t row =
                int64_t{b} * image.in_h + oy * conv->stride_h + ky * conv->dilation_h;
            indirection_.push_back(static_cast<int32_t>(row * image.in_w + ox * conv->stride_w));
          }
        }
      }
    }
  }
  p.depth_padded = RoundUp(p.depth, tiling.granule);
  p.vector_stride = image_ ? image_->in_c : p.depth_padded;
  p.n_tiles = (layer.n + tiling.tile - 1) / tiling.tile;
  p.tile = tiling.tile;
  p.rows_per_call = tiling.rows_per_call;
  // The input zero point in the form's representation (u8 and s8 differ by 128).
  const bool s8_input = layer.input_type == DType::kI8;
  const int64_t zero = form == Q8InputForm::kU8   ? layer.input_zero_point + (s8_input ? 128 : 0)
                       : form == Q8InputForm::kS8 ? layer.input_zero_point - (s8_input ? 0 : 128)
                                                  : 0;
  const size_t columns = static_cast<size_t>(p.n_tiles * p.tile);
  offset_.assign(columns, 0);
  multiplier_.assign(columns, 0);
  shift_.assign(columns, 0);
  const int64_t row = layer.taps * layer.depth;
  std::vector<int8_t> buffer(layer.levels || zero == 0 ? 0 : static_cast<size_t>(row));
  for (int64_t c = 0; c < layer.n; ++c) {
    int64_t offset = layer.bias ? layer.bias[c] : 0;
    if (zero != 0) {
      const int8_t* levels = RowLevelsOf(layer, c, buffer.data());
      int64_t sum = 0;
      for (int64_t k = 0; k < row; ++k) sum += levels[k];
      offset -= zero * sum;
    }
    // Modulo 2^32, as the kernel's sums wrap.
    offset_[static_cast<size_t>(c)] = static_cast<int32_t>(static_cast<uint32_t>(offset));
    const Requant r = layer.requant[layer.per_channel ? c : 0];
    multiplier_[static_cast<size_t>(c)] = r.multiplier;
    shift_[static_cast<size_t>(c)] = r.shift;
  }
  p.indirection = indirection_.data();
  p.weights = nullptr;
  p.offset = offset_.data();
  p.multiplier = multiplier_.data();
  p.shift = shift_.data();
  p.output_zero_point = layer.output_zero_point;
  p.lo = layer.lo;
  p.hi = layer.hi;
}

bool Q8GemmPlan::UsesRowTaps(const Q8GemmLayer& layer, int row_tap_channels) {
  const ref::ConvGeometry* conv = layer.conv ? &*layer.conv : nullptr;
  return conv && conv->groups == 1 && conv->in_c < row_tap_channels && conv->kernel_w > 1 &&
         conv->dilation_w == 1;
}

namespace {

// Calls visit(group, tap, step, zero) for every block of `tile` channels x 1 tap x `granule`
// depth of the layer's rows (depth padded to `depth_padded`; padding and missing channels are
// zero), groups of channels outermost.
template <typename Visit>
void ForEachBlock(const Q8GemmLayer& layer, int64_t tile, int64_t granule, int64_t depth_padded,
                  Visit visit) {
  const int64_t row = layer.taps * layer.depth;
  const int64_t steps = depth_padded / granule;
  std::vector<int8_t> buffer(layer.levels ? 0 : static_cast<size_t>(row));
  std::vector<uint8_t> nonzero(static_cast<size_t>(layer.taps * steps));
  for (int64_t group = 0; group * tile < layer.n; ++group) {
    std::fill(nonzero.begin(), nonzero.end(), 0);
    for (int64_t c = group * tile; c < std::min(layer.n, (group + 1) * tile); ++c) {
      const int8_t* levels = RowLevelsOf(layer, c, buffer.data());
      for (int64_t tap = 0; tap < layer.taps; ++tap) {
        for (int64_t k = 0; k < layer.depth; ++k) {
          if (levels[tap * layer.depth + k] != 0) nonzero[tap * steps + k / granule] = 1;
        }
      }
    }
    for (int64_t tap = 0; tap < layer.taps; ++tap) {
      for (int64_t s = 0; s < steps; ++s) visit(group, tap, s, nonzero[tap * steps + s] == 0);
    }
  }
}

}  // namespace

double Q8GemmPlan::ZeroBlockShare(const Q8GemmLayer& layer, int64_t tile, int64_t granule) {
  if (UsesRowTaps(layer) || layer.n == 0 || layer.depth == 0) return 0.0;
  int64_t zero = 0, all = 0;
  ForEachBlock(layer, tile, granule, RoundUp(layer.depth, granule),
               [&](int64_t, int64_t, int64_t, bool is_zero) {
                 zero += is_zero;
                 ++all;
               });
  return static_cast<double>(zero) / static_cast<double>(all);
}

void Q8GemmPlan::ListNonZeroBlocks(const Q8GemmLayer& layer, int64_t granule) {
  if (image_ || packed_.depth_padded % granule != 0) {
    throw Error(ErrorCode::kInternal, "Q8Gemm: block lists need the layer's own taps and depth");
  }
  Q8GemmPacked& p = packed_;
  block_begin_.assign(1, 0);
  block_steps_.clear();
  int64_t last_group = 0, last_tap = 0;
  ForEachBlock(layer, p.tile, granule, p.depth_padded,
               [&](int64_t group, int64_t tap, int64_t step, bool is_zero) {
                 if (group != last_group || tap != last_tap) {
                   block_begin_.push_back(static_cast<int32_t>(block_steps_.size()));
                   last_group = group;
                   last_tap = tap;
                 }
                 if (!is_zero) block_steps_.push_back(static_cast<int32_t>(step));
               });
  block_begin_.push_back(static_cast<int32_t>(block_steps_.size()));
  p.block_begin = block_begin_.data();
  p.block_steps = block_steps_.data();
}

std::string Q8GemmPlan::Name() const {
  const std::string in = input_type_ == DType::kI8 ? "qs8" : "qu8";
  return in + (image_ ? "_rowconv" : dense_ ? "_gemm" : "_igemm");
}

// One tile's rows at a time, decoded once when the layer holds codes (null past the layer's
// channels).
template <typename Visit>
void Q8GemmPlan::ForEachTileRows(const Q8GemmLayer& layer, Visit visit) const {
  const Q8GemmPacked& p = packed_;
  const int64_t row = p.taps * p.depth;
  std::vector<int8_t> buffer(layer.levels ? 0 : static_cast<size_t>(p.tile * row));
  std::vector<const int8_t*> rows(static_cast<size_t>(p.tile));
  for (int64_t t = 0; t < p.n_tiles; ++t) {
    for (int64_t col = 0; col < p.tile; ++col) {
      const int64_t c = t * p.tile + col;
      rows[static_cast<size_t>(col)] =
          c < p.n ? RowLevelsOf(layer, c, buffer.data() + col * row) : nullptr;
    }
    visit(t, rows);
  }
}

// The tile's `granule` depth values from k at `tap`, column by column (zero past the layer).
int8_t* Q8GemmPlan::InterleaveStep(const std::vector<const int8_t*>& rows, int64_t tap, int64_t k,
                                   int64_t granule, int8_t* dst) const {
  for (const int8_t* levels : rows) {
    for (int64_t b = 0; b < granule; ++b) {
      const bool real = levels && k + b < packed_.depth;
      *dst++ = real ? levels[tap * packed_.depth + k + b] : int8_t{0};
    }
  }
  return dst;
}

AlignedArray<int8_t> Q8GemmPlan::PackInterleaved(const Q8GemmLayer& layer, int64_t granule) const {
  const Q8GemmPacked& p = packed_;
  AlignedArray<int8_t> packed(static_cast<size_t>(p.n_tiles * p.tile * p.taps * p.depth_padded));
  int8_t* dst = packed.data();
  ForEachTileRows(layer, [&](int64_t, const std::vector<const int8_t*>& rows) {
    for (int64_t tap = 0; tap < p.taps; ++tap) {
      for (int64_t k = 0; k < p.depth_padded; k += granule)
        dst = InterleaveStep(rows, tap, k, granule, dst);
    }
  });
  return packed;
}

AlignedArray<int8_t> Q8GemmPlan::PackBlocks(const Q8GemmLayer& layer, int64_t granule) const {
  const Q8GemmPacked& p = packed_;
  AlignedArray<int8_t> packed(static_cast<size_t>(listed_blocks() * p.tile * granule));
  int8_t* dst = packed.data();
  ForEachTileRows(layer, [&](int64_t t, const std::vector<const int8_t*>& rows) {
    for (int64_t tap = 0; tap < p.taps; ++tap) {
      for (int32_t i = p.block_begin[t * p.taps + tap]; i < p.block_begin[t * p.taps + tap + 1];
           ++i) {
        dst = InterleaveStep(rows, tap, int64_t{p.block_steps[i]} * granule, granule, dst);
      }
    }
  });
  return packed;
}

size_t Q8GemmPlan::scratch_bytes() const {
  const size_t element = form_ == Q8InputForm::kI16 ? 2 : 1;
  if (image_) {  // the image, and one vector's reach past its last pixel
    return static_cast<size_t>(packed_.vectors * image_->in_c + packed_.depth_padded) * element;
  }
  return static_cast<size_t>((packed_.vectors + 1) * packed_.depth_padded) * element;
}

// Part `part` of `parts` of the padded image: its share of every image's rows (the top padding
// with the first part, the bottom padding and the reach past the last pixel with the last), so
// that the threads that will compute on an image's halves each prepare, and keep in their own
// caches, the rows they read.
const void* Q8GemmPlan::PrepareImage(const void* input, void* scratch, int64_t part,
                                     int64_t parts) const {
  const ref::ConvGeometry& g = *image_;
  const Q8GemmPacked& p = packed_;
  const int64_t channels = g.in_c;
  const int64_t row_length = int64_t{g.in_w} * channels;
  const auto* in = static_cast<const uint8_t*>(input);
  const bool s8 = input_type_ == DType::kI8;
  const int64_t first = g.in_h * part / parts, last = g.in_h * (part + 1) / parts;
  auto fill_rows = [&](auto* image, auto padding, auto convert) {
    for (int b = 0; b < g.batch; ++b) {
      for (int64_t r = first; r < last; ++r) {
        auto* dst = image + (int64_t{b} * g.in_h + r) * row_length;
        const int64_t y = r - g.pad_top;
        if (y < 0 || y >= source_h_) {
          std::fill(dst, dst + row_length, padding);
          continue;
        }
        const uint8_t* src = in + ((int64_t{b} * source_h_ + y) * source_w_) * channels;
        const int64_t left = int64_t{g.pad_left} * channels;
        const int64_t interior = int64_t{source_w_} * channels;
        std::fill(dst, dst + left, padding);
        for (int64_t i = 0; i < interior; ++i) dst[left + i] = convert(src[i]);
        std::fill(dst + left + interior, dst + row_length, padding);
      }
    }
    if (part == parts - 1) {  // one vector's reach past the last pixel
      auto* end = image + p.vectors * channels;
      std::fill(end, end + p.depth_padded, padding);
    }
  };
  if (form_ != Q8InputForm::kI16) {
    const uint8_t flip = s8 == (form_ == Q8InputForm::kU8) ? 0x80 : 0x00;
    auto* image = static_cast<uint8_t*>(scratch);
    fill_rows(image, static_cast<uint8_t>(input_zero_point_ ^ flip),
              [flip](uint8_t x) { return static_cast<uint8_t>(x ^ flip); });
    return image;
  }
  auto* image = static_cast<int16_t*>(scratch);
  const int32_t zero = input_zero_point_;
  fill_rows(image, int16_t{0}, [s8, zero](uint8_t x) {
    return static_cast<int16_t>((s8 ? static_cast<int8_t>(x) : x) - zero);
  });
  return image;
}

const void* Q8GemmPlan::PreparePart(const void* input, void* scratch, int64_t part,
                                    int64_t parts) const {
  if (image_) return PrepareImage(input, scratch, part, parts);
  const Q8GemmPacked& p = packed_;
  const size_t depth = static_cast<size_t>(p.depth), padded = static_cast<size_t>(p.depth_padded);
  const auto first = static_cast<size_t>(p.vectors * part / parts);
  const auto last = static_cast<size_t>(p.vectors * (part + 1) / parts);
  const bool padding_vector = part == parts - 1;
  if (form_ != Q8InputForm::kI16) {
    // Bytes padded with the zero point to the granule; then the padding vector.
    auto* prepared = static_cast<uint8_t*>(scratch);
    const auto* in = static_cast<const uint8_t*>(input);
    const uint8_t flip = (input_type_ == DType::kI8) == (form_ == Q8InputForm::kU8) ? 0x80 : 0x00;
    const uint8_t zero = static_cast<uint8_t>(input_zero_point_ ^ flip);
    for (size_t v = first; v < last; ++v) {
      uint8_t* dst = prepared + v * padded;
      const uint8_t* src = in + v * depth;
      for (size_t i = 0; i < depth; ++i) dst[i] = src[i] ^ flip;
      std::fill(dst + depth, dst + padded, zero);
    }
    if (padding_vector) std::fill(prepared + last * padded, prepared + (last + 1) * padded, zero);
    return prepared;
  }
  // int16 vectors x - z, padded with 0; then the padding vector (0).
  auto* prepared = static_cast<int16_t*>(scratch);
  for (size_t v = first; v < last; ++v) {
    int16_t* dst = prepared + v * padded;
    if (input_type_ == DType::kI8) {
      const int8_t* src = static_cast<const int8_t*>(input) + v * depth;
      for (size_t i = 0; i < depth; ++i) dst[i] = static_cast<int16_t>(src[i] - input_zero_point_);
    } else {
      const uint8_t* src = static_cast<const uint8_t*>(input) + v * depth;
      for (size_t i = 0; i < depth; ++i) dst[i] = static_cast<int16_t>(src[i] - input_zero_point_);
    }
    std::fill(dst + depth, dst + padded, int16_t{0});
  }
  if (padding_vector) {
    std::fill(prepared + last * padded, prepared + (last + 1) * padded, int16_t{0});
  }
  return prepared;
}

}  // namespace trit
