// fp32 Conv2D (groups 1) and Dense as one GEMM for the x86 and AArch64 microkernels: the
// in-house float baseline. Same shape of problem as q8_gemm.h (M rows, N channels, `taps` input
// vectors of `depth` values per output, an indirection table with one extra vector for padding);
// weights packed once at load as [column tile][tap][depth][tile columns]; FMA with the input value
// broadcast; bias first, the fused activation's clamp last. Float sums run in another order
// than the reference's, so results agree to rounding, not bit for bit.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "kernels/aligned_array.h"
#include "kernels/isa.h"
#include "kernels/linear_layer.h"

namespace trit {

class F32Gemm {
 public:
  F32Gemm(Isa isa, const F32GemmLayer& layer);

  size_t scratch_bytes() const;
  void Run(const float* input, float* output, void* scratch) const;
  // Run in parts, for threads (as Q8Gemm).
  const float* Prepare(const float* input, void* scratch) const {
    return PreparePart(input, scratch, 0, 1);
  }
  // Part `part` of `parts` of Prepare: its share of the input's vectors (threads run the parts
  // at once); each returns what Prepare does.
  const float* PreparePart(const void* input, void* scratch, int64_t part, int64_t parts) const;
  void Compute(const float* prepared, float* output, int64_t row_begin, int64_t row_end,
               int64_t tile_begin, int64_t tile_end) const;
  int64_t rows() const { return packed_.m; }
  int64_t tiles() const { return packed_.n_tiles; }
  int64_t rows_per_call() const { return packed_.rows_per_call; }
  const std::string& name() const { return name_; }

  struct Packed {
    int64_t m, n, taps, depth, n_tiles;
    int64_t tile, rows_per_call;  // columns per tile, rows per microkernel call
    const int32_t* indirection;
    const float* weights;
    const float* bias;  // [n_tiles * tile], zeros past n
    float lo, hi;
  };

 private:
  Isa isa_;
  Packed packed_{};
  int64_t vectors_;
  bool padded_;  // whether any row reads the padding vector (else the input is read in place)
  std::vector<int32_t> indirection_;
  AlignedArray<float> weights_;
  std::vector<float> bias_;
  std::string name_;
};

void PackF32Weights(const float* weights, int64_t n, int64_t taps, int64_t depth, int64_t tile,
                    float* packed);
// The ISA files (each compiled for its architecture only).
namespace x86 {
void F32GemmAvx512(const F32Gemm::Packed& p, const float* input, int64_t m_begin, int64_t m_end,
                   int64_t tile_begin, int64_t tile_end, float* output);
void F32GemmAvx2(const F32Gemm::Packed& p, const float* input, int64_t m_begin, int64_t m_end,
                 int64_t tile_begin, int64_t tile_end, float* output);
}  // namespace x86
namespace arm {
void F32GemmNeon(const F32Gemm::Packed& p, const float* input, int64_t m_begin, int64_t m_end,
                 int64_t tile_begin, int64_t tile_end, float* output);
}  // namespace arm

// Column tiles (AVX-512: 16 columns for layers of at most 16 channels) and rows per call.
inline constexpr int64_t kF32Avx512Tile = 32, kF32Avx512NarrowTile = 16, kF32Avx2Tile = 16;
inline constexpr int64_t kF32NeonTile = 16, kF32NeonRows = 4;

}  // namespace trit
