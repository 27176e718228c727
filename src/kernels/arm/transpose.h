// Matrix transposes [rows, cols] -> [cols, rows] of 4-byte elements for 2, 3 or 4 rows (an
// image's channels into NHWC): four columns a step, loaded from each row and written
// interleaved by one ST2 / ST3 / ST4.
#pragma once

#include <cstdint>

namespace trit::arm {

void TransposeX32InterleaveNeon(int64_t rows, int64_t cols, const uint32_t* input,
                                uint32_t* output);

}  // namespace trit::arm
