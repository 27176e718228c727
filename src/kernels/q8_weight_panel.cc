#include "kernels/q8_weight_panel.h"

#include <algorithm>

#include "core/bitpack.h"
#include "core/error.h"

namespace trit {

bool Q8WeightPanel::Takes(DType type) {
  return type == DType::kI4 || type == DType::kI2 || type == DType::kTernary ||
         type == DType::kBinary;
}

Q8WeightPanel::Q8WeightPanel(const Q8GemmPacked& plan, int64_t granule, int64_t block,
                             const ref::QuantWeights& weights)
    : type_(weights.type),
      bits_(BitsPerElement(weights.type)),
      n_(plan.n),
      taps_(plan.taps),
      depth_(plan.depth),
      depth_padded_(plan.depth_padded),
      tile_(plan.tile),
      granule_(granule),
      block_(block),
      tile_elements_(plan.tile * plan.taps * plan.depth_padded) {
  if (!Takes(type_) || block % 8 != 0 || (plan.tile * granule) % block != 0 ||
      plan.depth_padded % granule != 0) {
    throw Error(ErrorCode::kInternal, "Q8WeightPanel: unsupported type or block");
  }
  codes_ = AlignedArray<uint8_t>(static_cast<size_t>(plan.n_tiles * tile_code_bytes()));
  const int64_t block_bytes = block_ * bits_ / 8;
  const int64_t steps = depth_padded_ / granule_;
  for (int64_t t = 0; t < plan.n_tiles; ++t) {
    uint8_t* tile_codes = codes_.data() + t * tile_code_bytes();
    int64_t e = 0;  // the element's index in the tile's layout
    for (int64_t tap = 0; tap < taps_; ++tap) {
      for (int64_t s = 0; s < steps; ++s) {
        for (int64_t column = 0; column < tile_; ++column) {
          const int64_t c = t * tile_ + column;
          for (int64_t g = 0; g < granule_; ++g, ++e) {
            const int64_t k = s * granule_ + g;
            if (c >= n_ || k >= depth_) continue;  // code 0
            const uint32_t code = PackedCode(weights.data, bits_, (c * taps_ + tap) * depth_ + k);
            const int64_t i = e % block_;
            tile_codes[e / block_ * block_bytes + i % block_bytes] |=
                static_cast<uint8_t>(code << (i / block_bytes * bits_));
          }
        }
      }
    }
  }
  if (bits_ == 2) {
    code_levels_ = AlignedArray<int8_t>(static_cast<size_t>(plan.n_tiles * tile_ * 4));
    for (int64_t c = 0; c < plan.n_tiles * tile_; ++c) {
      int8_t* levels = code_levels_.data() + c * 4;
      if (type_ == DType::kI2) {
        for (int code = 0; code < 4; ++code) {
          levels[code] = static_cast<int8_t>(code >= 2 ? code - 4 : code);
        }
      } else if (c < n_) {
        const int64_t m = weights.per_channel ? c : 0;
        levels[1] = weights.ternary_pos[m];
        levels[3] = static_cast<int8_t>(-weights.ternary_neg[m]);
      }
    }
  }
}

int32_t Q8WeightPanel::Level(int64_t tile, int64_t element) const {
  const int64_t block_bytes = block_ * bits_ / 8;
  const int64_t i = element % block_;
  const uint8_t byte = codes(tile)[element / block_ * block_bytes + i % block_bytes];
  const uint32_t code = (byte >> (i / block_bytes * bits_)) & ((1u << bits_) - 1u);
  switch (bits_) {
    case 4:
      return code >= 8 ? static_cast<int32_t>(code) - 16 : static_cast<int32_t>(code);
    case 2:
      return code_levels(tile)[(element / granule_ % tile_) * 4 + code];
    default:
      return code ? 1 : -1;
  }
}

template <typename T>
void Q8WeightPanel::Expand(int64_t tile, T* out) const {
  for (int64_t e = 0; e < tile_elements_; ++e) out[e] = static_cast<T>(Level(tile, e));
  if (type_ == DType::kBinary) Zero(tile, out);
}

template <typename T>
void Q8WeightPanel::Zero(int64_t tile, T* out) const {
  // Only two places hold padding: the last granule of each tap's depth, and the columns past
  // the layer's channels in the last tile.
  const int64_t steps = depth_padded_ / granule_;
  const int64_t step_elements = tile_ * granule_;
  const int64_t real_columns = std::min<int64_t>(tile_, n_ - tile * tile_);
  const int64_t last_depth = depth_ - (steps - 1) * granule_;  // real depth of the last step
  // Most tiles have neither (expansion runs per tile and run): only the last step of each tap
  // can hold depth padding, every step column padding.
  if (last_depth == granule_ && real_columns == tile_) return;
  const int64_t first_step = real_columns < tile_ ? 0 : steps - 1;
  for (int64_t tap = 0; tap < taps_; ++tap) {
    for (int64_t s = first_step; s < steps; ++s) {
      T* step = out + (tap * steps + s) * step_elements;
      if (s == steps - 1 && last_depth < granule_) {
        for (int64_t column = 0; column < real_columns; ++column) {
          for (int64_t g = last_depth; g < granule_; ++g) step[column * granule_ + g] = 0;
        }
      }
      for (int64_t i = real_columns * granule_; i < step_elements; ++i) step[i] = 0;
    }
  }
}

void Q8WeightPanel::ExpandTile(int64_t tile, int8_t* out) const { Expand(tile, out); }
void Q8WeightPanel::ExpandTile(int64_t tile, int16_t* out) const { Expand(tile, out); }
void Q8WeightPanel::ZeroPadding(int64_t tile, int8_t* out) const { Zero(tile, out); }
void Q8WeightPanel::ZeroPadding(int64_t tile, int16_t* out) const { Zero(tile, out); }

}  // namespace trit
