// Quantized Conv2D (groups 1) and Dense as one integer GEMM for the x86 microkernels. The
// ISA-neutral half (row taps, offsets, input preparation) is kernels/q8_gemm_plan.h:
//   - AVX-512 VNNI: u8 inputs (kU8), VPDPBUSD sums u8 x s8 in 32 bits, weights interleaved 4
//     deep (PackInterleaved);
//   - AVX2: int16 inputs x - z (kI16), VPMADDWD against int16 weights, exact.
// The epilogue is the reference's requantization (64-bit product, rounding shift), zero point
// and clamp, bit for bit.
//
// Weights. int8 weights are packed once into the level's layout. Low-bit weights (int4, int2,
// ternary, binary) stay in their codes, as a Q8WeightPanel of the same size as the model's
// tensor, and each column tile is expanded into the layout when a run reaches it, into a tile
// buffer in the op's scratch (after the prepared input; one per Compute call that may run at
// once, layer.threads, each call claiming a free one: 32 x taps x depth bytes, twice that for
// AVX2). Rows are many per tile in a convolution, so the expansion costs little beside the
// products; see docs/kernels.md. Runs allocate nothing.
//
// Block sparsity (AVX-512, Q8Sparsity): past the measured crossover the kernel keeps only the
// non-zero 16 x 4 blocks (Q8GemmPlan::PackBlocks) and walks their lists; low-bit weights take
// that int8 form where it is no larger than their codes, else a panel expanded block by block.
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "core/dtype.h"
#include "kernels/aligned_array.h"
#include "kernels/isa.h"
#include "kernels/linear_layer.h"
#include "kernels/q8_gemm_plan.h"
#include "kernels/q8_weight_panel.h"

namespace trit::x86 {

using trit::AlignedArray;
using trit::ConvIndirection;
using trit::Q8GemmLayer;

// Whether the kernel skips all-zero blocks of 16 channels x one step of depth values at one tap
// (4 at AVX-512, 2 at AVX2: `trit compress --prune-blocks` zeroes 16 x 4, which holds two AVX2
// blocks). kMeasured takes the block lists where the layer's share of zero blocks passes the
// crossover measured in docs/benchmarks.md ("Block sparsity"); the others force one path
// (tests, benchmarks).
enum class Q8Sparsity { kMeasured, kDense, kBlocks };

// The crossovers: zero-block shares from which the block-list kernels beat the dense ones
// (AVX-512: the 16 x 16 lists against 8 x 32, which reuses loads more; AVX2: 4 x 16 both, so
// the lists cost only their indexing and pay from about 10%).
inline constexpr double kAvx512BlockListCrossover = 0.40;
inline constexpr double kAvx2BlockListCrossover = 0.15;

class Q8Gemm {
 public:
  // Packs for `isa` (kAvx2 or kAvx512). The layer's pointers are read here only.
  Q8Gemm(Isa isa, const Q8GemmLayer& layer, Q8Sparsity sparsity = Q8Sparsity::kMeasured);

  size_t scratch_bytes() const;
  // input: the layer's input tensor (vectors x depth, int8 or uint8); output: M x N.
  void Run(const void* input, void* output, void* scratch) const;
  // Run in parts, for threads: Prepare once, then Compute any split of rows [0, rows()) and
  // column tiles [0, tiles()) (rows best in multiples of rows_per_call()).
  const void* Prepare(const void* input, void* scratch) const {
    return plan_.Prepare(input, scratch);
  }
  // Prepare in parts that may run on different threads (Q8GemmPlan::PreparePart).
  const void* PreparePart(const void* input, void* scratch, int64_t part, int64_t parts) const {
    return plan_.PreparePart(input, scratch, part, parts);
  }
  void Compute(const void* prepared, void* output, int64_t row_begin, int64_t row_end,
               int64_t tile_begin, int64_t tile_end) const;
  int64_t rows() const { return plan_.packed().m; }
  int64_t tiles() const { return plan_.packed().n_tiles; }
  int64_t rows_per_call() const { return plan_.packed().rows_per_call; }
  // The microkernel's name, e.g. qu8_igemm_12x32__avx512vnni (with _panel_ternary etc. when
  // the weights stay packed, _blocks16x4 when it walks block lists).
  const std::string& name() const { return name_; }
  // Bytes of weights the kernel keeps (packed layout, or panel and its tables).
  size_t weight_bytes() const;

  // What the ISA files read.
  using Packed = Q8GemmPacked;

 private:
  size_t TileBufferBytes() const;
  int ClaimTileBuffer() const;

  Isa isa_;
  bool block_lists_;  // before plan_: it picks the tiling
  Q8GemmPlan plan_;
  AlignedArray<int8_t> weights8_;
  AlignedArray<int16_t> weights16_;
  std::unique_ptr<Q8WeightPanel> panel_;  // low-bit weights, instead of weights8_ / weights16_
  int tile_buffers_ = 0;                  // panel: tile buffers in the scratch (at most 64)
  mutable std::atomic<uint64_t> busy_tile_buffers_{0};
  std::string name_;
};

// The ISA files (compiled with their own flags). Rows [m_begin, m_end) of column tile `tile`,
// whose weights in the level's layout are `tile_weights`.
void Q8GemmAvx512(const Q8Gemm::Packed& p, const uint8_t* input, int64_t m_begin, int64_t m_end,
                  int64_t tile, const int8_t* tile_weights, void* output);
void Q8GemmAvx2(const Q8Gemm::Packed& p, const int16_t* input, int64_t m_begin, int64_t m_end,
                int64_t tile, const int16_t* tile_weights, void* output);
// One tile of a panel into the level's layout (64-byte aligned `out`, tile_elements() long).
// AVX-512 with `lists` that has block lists: only their blocks (binary: all of them).
void ExpandQ8PanelAvx512(const Q8WeightPanel& panel, int64_t tile, int8_t* out,
                         const Q8GemmPacked* lists = nullptr);
void ExpandQ8PanelAvx2(const Q8WeightPanel& panel, int64_t tile, int16_t* out,
                       const Q8GemmPacked* lists = nullptr);

// Column tiles and depth granules of the two layouts (AVX-512: 16 columns for layers of at most
// 16 channels).
inline constexpr int64_t kAvx512Tile = 32, kAvx512NarrowTile = 16, kAvx512Granule = 4;
inline constexpr int64_t kAvx2Tile = 16, kAvx2Granule = 2;
// AVX-512 dense convolutions below this many input channels run with row taps (q8_gemm.cc).
inline constexpr int kAvx512RowTapChannels = 65;

}  // namespace trit::x86
