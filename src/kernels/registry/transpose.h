// Kernel table of Transpose where the permutation, its axes merged (ref::MergeTransposeAxes), is
// a batch of matrix transposes: [batch, rows, cols] to [batch, cols, rows]. That is the NCHW ->
// NHWC of an imported model's input ([C, HW] -> [HW, C], rows = C = 3) and its reverse; every
// other permutation runs the reference. The kernels move elements of 4 bytes (x32: fp32) or 1
// (x8: int8, uint8) and give the reference's bytes.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>

#include "kernels/registry/kernel_table.h"

namespace trit {

struct TransposeProblem {
  int64_t rows = 0, cols = 0;
  size_t element_bytes = 4;
};

using TransposeFn = void (*)(int64_t batch, int64_t rows, int64_t cols, size_t element_bytes,
                             const void* input, void* output);

std::span<const KernelCandidate<TransposeProblem, TransposeFn>> TransposeKernels();

// The portable rows (at every vector level, no vector instructions of their own): 32 x 32
// tiles, so that the reads and the writes both stay within a few cache lines per tile row.
void TransposeTiled(int64_t batch, int64_t rows, int64_t cols, size_t element_bytes,
                    const void* input, void* output);

}  // namespace trit
