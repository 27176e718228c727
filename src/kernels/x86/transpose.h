// Matrix transposes [rows, cols] -> [cols, rows] of 4-byte elements for 2, 3 or 4 rows (an
// image's channels into NHWC). A step loads one vector of columns from each row and writes
// `rows` output vectors; output lane j of vector v is element o = v * lanes + j of the step's
// interleave, row o % rows, column o / rows, so each output vector is one masked lane permute
// per row, with indices and masks built once per call. (Gathers were slower than the reference
// on AMD Zen 5.) The last columns, fewer than a vector, are copied one by one.
#pragma once

#include <cstdint>

namespace trit::x86 {

void TransposeX32InterleaveAvx512(int64_t rows, int64_t cols, const uint32_t* input,
                                  uint32_t* output);
void TransposeX32InterleaveAvx2(int64_t rows, int64_t cols, const uint32_t* input,
                                uint32_t* output);

}  // namespace trit::x86
