// The ISA-neutral half of every 8-bit GEMM kernel (x86 and ARM): how the layer's rows, taps and
// depth map onto the microkernels, the per-channel offsets and requantization arrays, the input
// preparation, and the interleaved int8 weight layout the dot-product instructions share.
//
// Input forms. Each run first prepares the input (one pass) into what the microkernel reads:
//   - kU8 (x86 VNNI, VPDPBUSD u8 x s8): s8 inputs xor 0x80;
//   - kS8 (ARM SDOT and SMMLA, s8 x s8): u8 inputs xor 0x80;
//   - kI16 (x86 AVX2 VPMADDWD, ARM SMLAL): int16 x - z, exact without any offset.
// For the byte forms the input zero point z' (in the form's own representation) comes off as a
// per-channel offset, bias - z' * sum(w), precomputed; vectors are padded with z' so that
// padding contributes nothing. The sums wrap modulo 2^32 exactly as the offset does, and the
// true accumulator fits in 32 bits, so the result is exact.
//
// Row taps. Convolutions of few input channels (first layers on RGB or grey images: fewer than
// kRowTapChannels) would give each tap a vector shorter than one microkernel step. For them,
// when the layer's geometry is given, the taps become the kernel's rows: each run prepares the
// input once as a zero-point padded image, where a kernel row's KW pixels are KW * Cin
// contiguous values, and the GEMM runs with KH taps of KW * Cin (values past it meet zero
// weights). An ISA may ask for row taps on wider layers too (Tiling::row_tap_channels): fewer,
// longer taps set up the rows' pointers less often.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/dtype.h"
#include "kernels/aligned_array.h"
#include "kernels/linear_layer.h"
#include "kernels/ref/conv2d.h"

namespace trit {

// What the microkernels read.
struct Q8GemmPacked {
  int64_t m, n, taps, depth, depth_padded, n_tiles;
  int64_t tile, rows_per_call;  // columns per tile, rows per microkernel call
  int64_t vectors;
  int64_t vector_stride;  // elements between prepared vectors i and i + 1
  const int32_t* indirection;
  const void* weights;                // the ISA's layout
  const int32_t* offset;              // [n_tiles * tile]: bias (minus z' * sum(w), byte forms)
  const int32_t *multiplier, *shift;  // [n_tiles * tile]
  int32_t output_zero_point, lo, hi;
  // Block sparsity (null: dense). The depth steps (of 4) of tile t and tap whose tile x 4
  // weights are not all zero: block_steps[block_begin[t * taps + tap] ..
  // block_begin[t * taps + tap + 1]), ascending. The weights hold only these blocks, in list
  // order (PackBlocks): tile t's start at block block_begin[t * taps].
  const int32_t* block_begin;
  const int32_t* block_steps;
};

enum class Q8InputForm { kU8, kS8, kI16 };

// Convolutions of fewer input channels run with the kernel's rows as taps (see above).
inline constexpr int kRowTapChannels = 8;

class Q8GemmPlan {
 public:
  struct Tiling {
    int64_t tile;           // output channels per column tile
    int64_t granule;        // the depth is padded to a multiple of this
    int64_t rows_per_call;  // rows per microkernel call
    // Convolutions of fewer input channels than this run with row taps (at least
    // kRowTapChannels; an ISA may take wider ones where it measured them faster).
    int row_tap_channels = kRowTapChannels;
  };
  // Throws trit::Error (kInternal) when the indirection table does not match the layer.
  Q8GemmPlan(const Q8GemmLayer& layer, Q8InputForm form, Tiling tiling);
  Q8GemmPlan(const Q8GemmPlan&) = delete;
  Q8GemmPlan& operator=(const Q8GemmPlan&) = delete;

  const Q8GemmPacked& packed() const { return packed_; }
  void set_weights(const void* weights) { packed_.weights = weights; }
  size_t scratch_bytes() const;
  const void* Prepare(const void* input, void* scratch) const {
    return PreparePart(input, scratch, 0, 1);
  }
  // Part `part` of `parts` of Prepare (their own input vectors, or image rows, each): the parts
  // may run on different threads, and together write what Prepare does; each returns the same
  // pointer.
  const void* PreparePart(const void* input, void* scratch, int64_t part, int64_t parts) const;

  // e.g. "qs8_igemm": the input type and the kind (gemm, igemm, rowconv).
  std::string Name() const;

  // Block sparsity. The share of the layer's (`tile` channels x 1 tap x `granule` depth)
  // blocks that are all zero, counted on the layer's own rows (0 for layers that run with row
  // taps, whose depth is not the layer's); and the lists of the others, for this plan's tiles,
  // which the microkernels then walk instead of every depth step (packed().block_*).
  static double ZeroBlockShare(const Q8GemmLayer& layer, int64_t tile, int64_t granule);
  void ListNonZeroBlocks(const Q8GemmLayer& layer, int64_t granule);
  // The listed blocks' int8 weights, tile x granule each in PackInterleaved's order, one after
  // another in list order: the zero blocks take no memory.
  AlignedArray<int8_t> PackBlocks(const Q8GemmLayer& layer, int64_t granule) const;
  int64_t listed_blocks() const { return static_cast<int64_t>(block_steps_.size()); }
  static bool UsesRowTaps(const Q8GemmLayer& layer, int row_tap_channels = kRowTapChannels);

  // The layer's weights as int8 levels in [column tile][tap][depth_padded / granule][tile columns]
  // [granule depth values], zero past the layer's channels and depth: VNNI and SDOT (granule
  // 4), SMMLA (granule 8) and the lane-indexed SMLAL (granule 1) read this layout. The granule
  // divides the plan's depth padding.
  AlignedArray<int8_t> PackInterleaved(const Q8GemmLayer& layer, int64_t granule) const;

 private:
  const void* PrepareImage(const void* input, void* scratch, int64_t part, int64_t parts) const;
  template <typename Visit>
  void ForEachTileRows(const Q8GemmLayer& layer, Visit visit) const;
  int8_t* InterleaveStep(const std::vector<const int8_t*>& rows, int64_t tap, int64_t k,
                         int64_t granule, int8_t* dst) const;

  Q8InputForm form_;
  Q8GemmPacked packed_{};
  std::optional<ref::ConvGeometry> image_;  // row taps: the geometry, padded extents in in_h, in_w
  int source_h_ = 0, source_w_ = 0;         // row taps: the input's extents
  std::vector<int32_t> indirection_;
  std::vector<int32_t> offset_, multiplier_, shift_;
  std::vector<int32_t> block_begin_, block_steps_;
  DType input_type_;
  int32_t input_zero_point_;
  bool dense_ = false;  // taps 1 and the identity indirection
};

}  // namespace trit
