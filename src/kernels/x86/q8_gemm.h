// Quantized Conv2D (groups 1) and Dense as one integer GEMM for the x86 microkernels.
//
// The layer becomes M output rows (pixels, or batch rows) by N output channels; each output sums
// over `taps` input vectors of `depth` elements (KH*KW taps of Cin elements for a convolution,
// one tap of K for Dense). Input vectors are addressed through an indirection table built at
// load, so a KxK convolution never builds an im2col matrix: row m, tap t reads vector
// indirection[m * taps + t] of the prepared input, and the extra vector after the last stands
// for padding. Weights of every type (i8, i4, i2, ternary {-neg, 0, +pos}, binary) are packed
// once, as int8 levels, into the ISA's layout. Each run first prepares the input (one pass):
//   - AVX-512 VNNI: u8 vectors (s8 inputs xor 0x80), zero-padded to a multiple of 4; VPDPBUSD
//     sums u8 x s8 in 32 bits, and the input zero point comes off as a per-channel offset
//     (bias - z * sum(w), precomputed). The sums wrap modulo 2^32 exactly as the offset does,
//     and the true accumulator fits in 32 bits (checked at load), so the result is exact.
//   - AVX2: int16 vectors x - z (padding 0), VPMADDWD against int16 weights, exact.
// Convolutions of few input channels (first layers on RGB or grey images: fewer than
// kRowTapChannels) would give each tap a vector shorter than one microkernel step. For them,
// when the layer's geometry is given, the taps become the kernel's rows: each run prepares the
// input once as a zero-point padded image, where a kernel row's KW pixels are KW * Cin
// contiguous values, and the GEMM runs with KH taps of KW * Cin (bytes past it meet zero
// weights).
// The epilogue is the reference's requantization (64-bit product, rounding shift), zero point
// and clamp, bit for bit.
#pragma once

#include <cstdint>
#include <memory>
#include <new>
#include <optional>
#include <string>
#include <vector>

#include "core/dtype.h"
#include "kernels/isa.h"
#include "kernels/linear_layer.h"
#include "kernels/ref/conv2d.h"
#include "kernels/requantize.h"

namespace trit::x86 {

// 64-byte aligned storage, filled at load.
template <typename T>
class AlignedArray {
 public:
  AlignedArray() = default;
  explicit AlignedArray(size_t count)
      : data_(new (std::align_val_t(64)) T[count]()), size_(count) {}
  T* data() { return data_.get(); }
  const T* data() const { return data_.get(); }
  size_t size() const { return size_; }

 private:
  struct Free {
    void operator()(T* p) const { ::operator delete[](p, std::align_val_t(64)); }
  };
  std::unique_ptr<T[], Free> data_;
  size_t size_ = 0;
};

using trit::ConvIndirection;
using trit::Q8GemmLayer;

class Q8Gemm {
 public:
  // Packs for `isa` (kAvx2 or kAvx512). The layer's pointers are read here only.
  Q8Gemm(Isa isa, const Q8GemmLayer& layer);

  size_t scratch_bytes() const;
  // input: the layer's input tensor (vectors x depth, int8 or uint8); output: M x N.
  void Run(const void* input, void* output, void* scratch) const;
  // Run in parts, for threads: Prepare once, then Compute any split of rows [0, rows()) and
  // column tiles [0, tiles()) (rows best in multiples of rows_per_call()).
  const void* Prepare(const void* input, void* scratch) const;
  void Compute(const void* prepared, void* output, int64_t row_begin, int64_t row_end,
               int64_t tile_begin, int64_t tile_end) const;
  int64_t rows() const { return packed_.m; }
  int64_t tiles() const { return packed_.n_tiles; }
  int64_t rows_per_call() const { return packed_.rows_per_call; }
  // The microkernel's name, e.g. qu8_igemm_8x32__avx512vnni.
  const std::string& name() const { return name_; }

  // What the ISA files read.
  struct Packed {
    int64_t m, n, taps, depth, depth_padded, n_tiles;
    int64_t tile, rows_per_call;  // columns per tile, rows per microkernel call
    int64_t vectors;
    int64_t vector_stride;  // elements between prepared vectors i and i + 1
    const int32_t* indirection;
    const void* weights;                // the ISA's layout
    const int32_t* offset;              // [n_tiles * tile]: bias (minus z * sum(w) for VNNI)
    const int32_t *multiplier, *shift;  // [n_tiles * tile]
    int32_t output_zero_point, lo, hi;
  };

 private:
  // Prepare for row taps: the zero-point padded image.
  const void* PrepareImage(const void* input, void* scratch) const;

  Isa isa_;
  Packed packed_{};
  std::optional<ref::ConvGeometry> image_;  // row taps: the geometry, padded extents in in_h, in_w
  int source_h_ = 0, source_w_ = 0;         // row taps: the input's extents
  std::vector<int32_t> indirection_;
  AlignedArray<int8_t> weights8_;
  AlignedArray<int16_t> weights16_;
  std::vector<int32_t> offset_, multiplier_, shift_;
  DType input_type_, output_type_;
  int32_t input_zero_point_;
  std::string name_;
};

// The ISA files (compiled with their own flags). Rows [m_begin, m_end), column tiles
// [tile_begin, tile_end).
void PackQ8WeightsAvx512(const int8_t* levels, int64_t n, int64_t taps, int64_t depth, int64_t tile,
                         int8_t* packed);
void Q8GemmAvx512(const Q8Gemm::Packed& p, const uint8_t* input, int64_t m_begin, int64_t m_end,
                  int64_t tile_begin, int64_t tile_end, void* output);
void PackQ8WeightsAvx2(const int8_t* levels, int64_t n, int64_t taps, int64_t depth,
                       int16_t* packed);
void Q8GemmAvx2(const Q8Gemm::Packed& p, const int16_t* input, int64_t m_begin, int64_t m_end,
                int64_t tile_begin, int64_t tile_end, void* output);

// Convolutions of fewer input channels run with the kernel's rows as taps (see above).
inline constexpr int kRowTapChannels = 8;

// Column tiles and depth granules of the two layouts (AVX-512: 16 columns for layers of at most
// 16 channels).
inline constexpr int64_t kAvx512Tile = 32, kAvx512NarrowTile = 16, kAvx512Granule = 4;
inline constexpr int64_t kAvx2Tile = 16, kAvx2Granule = 2;

}  // namespace trit::x86
