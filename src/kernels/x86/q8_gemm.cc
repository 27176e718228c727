#include "kernels/x86/q8_gemm.h"

#include <algorithm>
#include <bit>

#include "core/error.h"
#include "kernels/spin_pause.h"

namespace trit::x86 {
namespace {

bool UsesBlockLists(Isa isa, const Q8GemmLayer& layer, Q8Sparsity sparsity) {
  // Binary weights have no zero level: no block of theirs is ever zero.
  const bool binary = !layer.levels && layer.codes.type == DType::kBinary;
  if (sparsity == Q8Sparsity::kDense || binary || Q8GemmPlan::UsesRowTaps(layer)) return false;
  if (sparsity == Q8Sparsity::kBlocks) return true;
  return isa == Isa::kAvx512
             ? Q8GemmPlan::ZeroBlockShare(layer, kAvx512NarrowTile, kAvx512Granule) >=
                   kAvx512BlockListCrossover
             : Q8GemmPlan::ZeroBlockShare(layer, kAvx2Tile, kAvx2Granule) >=
                   kAvx2BlockListCrossover;
}

// Block lists take the 16-column tile: a block is 16 channels x 4 depth values, one vector.
// Dense AVX-512 layers of up to 64 input channels run with row taps: a tap of KW x Cin values
// is 3x the microkernel steps of Cin, so the rows' pointers are set up a third as often (16 to
// 64 channels, 3x3: 1.06-1.26x; docs/benchmarks.md, "Row taps"). The lists need the layer's
// own taps.
Q8GemmPlan::Tiling TilingFor(Isa isa, const Q8GemmLayer& layer, bool block_lists) {
  if (isa == Isa::kAvx512) {
    const bool narrow = layer.n <= kAvx512NarrowTile || block_lists;
    return {narrow ? kAvx512NarrowTile : kAvx512Tile, kAvx512Granule, narrow ? 16 : 12,
            block_lists ? kRowTapChannels : kAvx512RowTapChannels};
  }
  if (isa == Isa::kAvx2) return {kAvx2Tile, kAvx2Granule, 4};
  throw Error(ErrorCode::kInternal, "Q8Gemm needs AVX2 or AVX-512");
}

// Elements per panel block: one register of the expanded type.
constexpr int64_t kAvx512Block = 64, kAvx2Block = 32;

size_t RoundUp64(size_t bytes) { return (bytes + 63) / 64 * 64; }

std::string PanelSuffix(DType type) {
  switch (type) {
    case DType::kI4:
      return "_panel_i4";
    case DType::kI2:
      return "_panel_i2";
    case DType::kTernary:
      return "_panel_ternary";
    default:
      return "_panel_binary";
  }
}

}  // namespace

Q8Gemm::Q8Gemm(Isa isa, const Q8GemmLayer& layer, Q8Sparsity sparsity)
    : isa_(isa),
      block_lists_(UsesBlockLists(isa, layer, sparsity)),
      plan_(layer, isa == Isa::kAvx512 ? Q8InputForm::kU8 : Q8InputForm::kI16,
            TilingFor(isa, layer, block_lists_)) {
  const Packed& p = plan_.packed();
  const bool avx512 = isa == Isa::kAvx512;
  // With block lists, the listed blocks as the level's element (int8, AVX2 int16) take
  // (1 - zero share) x 8 or 16 bits a weight: where that is no more than the codes' bits they
  // replace the panel, and no expansion is left.
  const int64_t granule = avx512 ? kAvx512Granule : kAvx2Granule;
  bool element_blocks = false;
  if (block_lists_) {
    plan_.ListNonZeroBlocks(layer, granule);
    const int64_t all_blocks = p.n_tiles * p.taps * (p.depth_padded / granule);
    element_blocks = layer.levels || plan_.listed_blocks() * (avx512 ? 8 : 16) <=
                                         all_blocks * BitsPerElement(layer.codes.type);
  }
  if (element_blocks && avx512) {
    weights8_ = plan_.PackBlocks(layer, granule);
    plan_.set_weights(weights8_.data());
  } else if (element_blocks) {
    const AlignedArray<int8_t> bytes = plan_.PackBlocks(layer, granule);
    weights16_ = AlignedArray<int16_t>(bytes.size());
    for (size_t i = 0; i < bytes.size(); ++i) weights16_.data()[i] = bytes.data()[i];
    plan_.set_weights(weights16_.data());
  } else if (!layer.levels && Q8WeightPanel::Takes(layer.codes.type)) {
    panel_ = std::make_unique<Q8WeightPanel>(p, avx512 ? kAvx512Granule : kAvx2Granule,
                                             avx512 ? kAvx512Block : kAvx2Block, layer.codes);
    tile_buffers_ = std::clamp(layer.threads, 1, 64);
  } else if (avx512) {
    weights8_ = plan_.PackInterleaved(layer, kAvx512Granule);
    plan_.set_weights(weights8_.data());
  } else {
    const AlignedArray<int8_t> bytes = plan_.PackInterleaved(layer, kAvx2Granule);
    weights16_ = AlignedArray<int16_t>(bytes.size());
    for (size_t i = 0; i < bytes.size(); ++i) weights16_.data()[i] = bytes.data()[i];
    plan_.set_weights(weights16_.data());
  }
  name_ = plan_.Name() + (avx512 ? (p.tile == kAvx512NarrowTile ? "_16x16" : "_12x32") : "_4x16") +
          (block_lists_ ? (avx512 ? "_blocks16x4" : "_blocks16x2") : "") +
          (panel_ ? PanelSuffix(panel_->type()) : "") + (avx512 ? "__avx512vnni" : "__avx2");
}

size_t Q8Gemm::scratch_bytes() const {
  if (!panel_) return plan_.scratch_bytes();
  return RoundUp64(plan_.scratch_bytes()) + static_cast<size_t>(tile_buffers_) * TileBufferBytes();
}

size_t Q8Gemm::TileBufferBytes() const {
  const size_t element = isa_ == Isa::kAvx512 ? 1 : 2;
  return RoundUp64(static_cast<size_t>(panel_->tile_elements()) * element);
}

// A tile buffer no other Compute call holds: there are as many as calls that may run at once,
// so the search ends at once unless a caller breaks that promise (then it waits).
int Q8Gemm::ClaimTileBuffer() const {
  const uint64_t all = tile_buffers_ == 64 ? ~uint64_t{0} : (uint64_t{1} << tile_buffers_) - 1;
  uint64_t busy = busy_tile_buffers_.load(std::memory_order_relaxed);
  for (;;) {
    if ((busy & all) == all) {
      SpinPause();
      busy = busy_tile_buffers_.load(std::memory_order_relaxed);
      continue;
    }
    const int free = std::countr_one(busy);
    if (busy_tile_buffers_.compare_exchange_weak(busy, busy | (uint64_t{1} << free),
                                                 std::memory_order_acquire)) {
      return free;
    }
  }
}

size_t Q8Gemm::weight_bytes() const {
  if (panel_) return panel_->bytes();
  return weights8_.size() + weights16_.size() * sizeof(int16_t);
}

void Q8Gemm::Compute(const void* prepared, void* output, int64_t row_begin, int64_t row_end,
                     int64_t tile_begin, int64_t tile_end) const {
  const Packed& p = plan_.packed();
  const int64_t tile_elements = p.tile * p.taps * p.depth_padded;
  // The tile buffers follow the prepared input in the op's scratch (Prepare always writes it
  // at the scratch's start).
  int buffer_index = -1;
  uint8_t* buffer = nullptr;
  if (panel_) {
    buffer_index = ClaimTileBuffer();
    buffer = const_cast<uint8_t*>(static_cast<const uint8_t*>(prepared)) +
             RoundUp64(plan_.scratch_bytes()) +
             static_cast<size_t>(buffer_index) * TileBufferBytes();
  }
  // Column tiles outermost: a tile's weights stay in cache while every row passes.
  for (int64_t t = tile_begin; t < tile_end; ++t) {
    if (isa_ == Isa::kAvx512) {
      const int8_t* weights = reinterpret_cast<const int8_t*>(buffer);
      if (panel_) {
        ExpandQ8PanelAvx512(*panel_, t, reinterpret_cast<int8_t*>(buffer), &p);
      } else if (p.block_begin) {
        weights = weights8_.data() + int64_t{p.block_begin[t * p.taps]} * 64;
      } else {
        weights = weights8_.data() + t * tile_elements;
      }
      Q8GemmAvx512(p, static_cast<const uint8_t*>(prepared), row_begin, row_end, t, weights,
                   output);
    } else {
      const int16_t* weights = reinterpret_cast<const int16_t*>(buffer);
      if (panel_) {
        ExpandQ8PanelAvx2(*panel_, t, reinterpret_cast<int16_t*>(buffer), &p);
      } else if (p.block_begin) {
        weights = weights16_.data() + int64_t{p.block_begin[t * p.taps]} * 32;
      } else {
        weights = weights16_.data() + t * tile_elements;
      }
      Q8GemmAvx2(p, static_cast<const int16_t*>(prepared), row_begin, row_end, t, weights, output);
    }
  }
  if (panel_) {
    busy_tile_buffers_.fetch_and(~(uint64_t{1} << buffer_index), std::memory_order_release);
  }
}

void Q8Gemm::Run(const void* input, void* output, void* scratch) const {
  Compute(Prepare(input, scratch), output, 0, rows(), 0, tiles());
}

}  // namespace trit::x86
