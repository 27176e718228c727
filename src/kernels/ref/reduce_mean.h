// Reference mean over a set of axes (the rest kept), accumulated in double.
#pragma once

#include <cstdint>

namespace trit::ref {

// reduced[d] says whether axis d of in_shape (rank `rank`) is averaged away; the output holds
// the kept axes in order.
void ReduceMeanF32(const float* input, const int64_t* in_shape, const bool* reduced, int rank,
                   float* output);

}  // namespace trit::ref
