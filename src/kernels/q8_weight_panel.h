// Low-bit GEMM weights (int4, int2, ternary, binary) kept in their codes in memory, and expanded
// to the microkernels' int8 or int16 layout one column tile at a time, into a buffer the size of
// one tile that stays in cache while every row passes (issue 23: "compressed stays compressed").
//
// Order. The panel holds the codes in exactly the element order of the plan's interleaved layout
// (Q8GemmPlan::PackInterleaved: [column tile][tap][depth_padded / granule][tile columns]
// [granule]), so that expansion is a stream: element e of a tile's layout comes from code e of
// the tile's panel, and nothing is gathered or transposed at run time.
//
// Blocks. The stream is cut into blocks of `block` elements (64 for AVX-512, one register of
// bytes; 32 for AVX2). A block is S = block * bits / 8 bytes, and element p * S + i of the block
// is in byte i at bits [p * bits, p * bits + bits): the p-th "plane" of every byte. An ISA
// expands a block by broadcasting its S bytes to fill a register, shifting the copy for plane p
// right by p * bits (one variable shift of 64- or 32-bit lanes), masking, and looking the codes
// up in a table (PSHUFB). A flat bit stream would need a different shift per byte instead.
//
// Levels. int4 and binary codes mean one level whatever the channel (int4: the nibble's two's
// complement; binary: 1 -> +1, 0 -> -1). The 2-bit types have a 4-entry table per column,
// code_levels(t)[column * 4 + code]: int2 {0, 1, -2, -1} in every column, ternary
// {0, +pos, 0, -neg} with the column's magnitudes (code 10 is rejected by the verifier). The
// tables of 16 consecutive columns are 64 bytes: for AVX-512 with granule 4, exactly the PSHUFB
// table of one register of weights, indexed by code | (4 * column within the 128-bit lane).
//
// Padding. Elements past the layer's channels or depth hold code 0, level 0, except for binary,
// which has no zero: expansion of a binary tile ends with ZeroPadding. (The zero point form of
// the input would cancel padding weights, but the row-tap form reads real pixels there.)
#pragma once

#include <cstddef>
#include <cstdint>

#include "core/dtype.h"
#include "kernels/aligned_array.h"
#include "kernels/q8_gemm_plan.h"
#include "kernels/ref/quant_weights.h"

namespace trit {

class Q8WeightPanel {
 public:
  // Whether a weight type is kept as a panel (the low-bit ones).
  static bool Takes(DType type);

  // Packs `weights` ([n][taps * depth] codes, the plan's layer) for the plan's tiling, its depth
  // in granules of `granule`, in blocks of `block` elements (a multiple of 8, dividing
  // tile * granule).
  Q8WeightPanel(const Q8GemmPacked& plan, int64_t granule, int64_t block,
                const ref::QuantWeights& weights);
  Q8WeightPanel(const Q8WeightPanel&) = delete;
  Q8WeightPanel& operator=(const Q8WeightPanel&) = delete;

  DType type() const { return type_; }
  int bits() const { return bits_; }
  int64_t tile() const { return tile_; }
  int64_t block() const { return block_; }
  int64_t tile_elements() const { return tile_elements_; }
  int64_t tile_code_bytes() const { return tile_elements_ * bits_ / 8; }
  const uint8_t* codes(int64_t tile) const { return codes_.data() + tile * tile_code_bytes(); }
  // 2-bit types: [tile columns][4] levels of the codes 0..3 (see above).
  const int8_t* code_levels(int64_t tile) const { return code_levels_.data() + tile * tile_ * 4; }
  size_t bytes() const { return codes_.size() + code_levels_.size(); }

  // The portable expansion of tile `tile` into the plan's int8 layout (granule as packed) or
  // into int16 (the AVX2 layout, granule 2); the ISA files have their own.
  void ExpandTile(int64_t tile, int8_t* out) const;
  void ExpandTile(int64_t tile, int16_t* out) const;
  // Binary: level 0 at the elements past the layer's channels and depth (see above).
  void ZeroPadding(int64_t tile, int8_t* out) const;
  void ZeroPadding(int64_t tile, int16_t* out) const;

 private:
  int32_t Level(int64_t tile, int64_t element) const;
  template <typename T>
  void Expand(int64_t tile, T* out) const;
  template <typename T>
  void Zero(int64_t tile, T* out) const;

  DType type_;
  int bits_;
  int64_t n_, taps_, depth_, depth_padded_, tile_, granule_, block_, tile_elements_;
  AlignedArray<uint8_t> codes_;
  AlignedArray<int8_t> code_levels_;
};

// The ISA expansions' walk over a tile's panel blocks: expand(b, j) expands block b into block
// j of the output. Without block lists (`lists` null or dense) every block in place; with them
// (16-column tiles, one block per depth step of `granule`: block b is tap b / steps, step
// b % steps) only the listed blocks, one after another, as the block-list microkernels read.
template <typename Expand>
void ForEachExpandedBlock(const Q8GemmPacked* lists, int64_t tile, int64_t blocks, int64_t granule,
                          Expand expand) {
  if (!lists || !lists->block_begin) {
    for (int64_t b = 0; b < blocks; ++b) expand(b, b);
    return;
  }
  const int64_t steps = lists->depth_padded / granule;
  const int32_t* begin = lists->block_begin + tile * lists->taps;
  int64_t j = 0;
  for (int64_t tap = 0; tap < lists->taps; ++tap) {
    for (int32_t i = begin[tap]; i < begin[tap + 1]; ++i)
      expand(tap * steps + lists->block_steps[i], j++);
  }
}

}  // namespace trit
