#include "kernels/registry/transpose.h"

#include "kernels/ref/transpose.h"
#if defined(__aarch64__)
#include "kernels/arm/transpose.h"
#endif
#if defined(__x86_64__)
#include "kernels/x86/transpose.h"
#endif

namespace trit {
namespace {

template <typename T>
void TiledTyped(int64_t batch, int64_t rows, int64_t cols, const T* input, T* output) {
  constexpr int64_t kTile = 32;
  for (int64_t b = 0; b < batch; ++b) {
    const T* in = input + b * rows * cols;
    T* out = output + b * rows * cols;
    for (int64_t r0 = 0; r0 < rows; r0 += kTile) {
      const int64_t r1 = r0 + kTile < rows ? r0 + kTile : rows;
      for (int64_t c0 = 0; c0 < cols; c0 += kTile) {
        const int64_t c1 = c0 + kTile < cols ? c0 + kTile : cols;
        for (int64_t c = c0; c < c1; ++c) {
          for (int64_t r = r0; r < r1; ++r) out[c * rows + r] = in[r * cols + c];
        }
      }
    }
  }
}

// The reference on the batch of matrices as a rank-3 permutation.
void Reference(int64_t batch, int64_t rows, int64_t cols, size_t element_bytes, const void* input,
               void* output) {
  const int64_t shape[3] = {batch, rows, cols}, perm[3] = {0, 2, 1};
  ref::Transpose(input, shape, perm, 3, element_bytes, output);
}

bool Is32Bit(const TransposeProblem& p) { return p.element_bytes == 4; }
bool Is8Bit(const TransposeProblem& p) { return p.element_bytes == 1; }
// 2, 3 or 4 rows of 4 bytes: the interleaving rows.
bool Interleaves(const TransposeProblem& p) { return Is32Bit(p) && p.rows >= 2 && p.rows <= 4; }

// One matrix at a time: an ISA file's interleave over the batch.
template <void (*kMatrix)(int64_t, int64_t, const uint32_t*, uint32_t*)>
void EachMatrix(int64_t batch, int64_t rows, int64_t cols, size_t, const void* input,
                void* output) {
  const auto* in = static_cast<const uint32_t*>(input);
  auto* out = static_cast<uint32_t*>(output);
  for (int64_t b = 0; b < batch; ++b)
    kMatrix(rows, cols, in + b * rows * cols, out + b * rows * cols);
}

constexpr KernelCandidate<TransposeProblem, TransposeFn> kTranspose[] = {
#if defined(__x86_64__)
    {"x32_transpose_interleave__avx512", Isa::kAvx512, Interleaves,
     EachMatrix<x86::TransposeX32InterleaveAvx512>},
    {"x32_transpose_interleave__avx2", Isa::kAvx2, Interleaves,
     EachMatrix<x86::TransposeX32InterleaveAvx2>},
    {"x32_transpose_tiled32", Isa::kAvx2, Is32Bit, TransposeTiled},
    {"x8_transpose_tiled32", Isa::kAvx2, Is8Bit, TransposeTiled},
#endif
#if defined(__aarch64__)
    {"x32_transpose_interleave__neon", Isa::kNeon, Interleaves,
     EachMatrix<arm::TransposeX32InterleaveNeon>},
    {"x32_transpose_tiled32", Isa::kNeon, Is32Bit, TransposeTiled},
    {"x8_transpose_tiled32", Isa::kNeon, Is8Bit, TransposeTiled},
#endif
    {"ref_transpose", Isa::kRef, nullptr, Reference},
};

}  // namespace

void TransposeTiled(int64_t batch, int64_t rows, int64_t cols, size_t element_bytes,
                    const void* input, void* output) {
  if (element_bytes == 4) {
    TiledTyped(batch, rows, cols, static_cast<const uint32_t*>(input),
               static_cast<uint32_t*>(output));
  } else {
    TiledTyped(batch, rows, cols, static_cast<const uint8_t*>(input),
               static_cast<uint8_t*>(output));
  }
}

std::span<const KernelCandidate<TransposeProblem, TransposeFn>> TransposeKernels() {
  return kTranspose;
}

}  // namespace trit
