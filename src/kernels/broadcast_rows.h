// A NumPy broadcast (ref::Broadcast) as rows for the vector kernels: runs of output elements
// along which each input either advances one element per output element (step 1) or stays on
// one element (step 0, the broadcast one). Inner dimensions merge into one row while both
// inputs keep their step across them, so a same-shape op is one row, a per-channel operand
// over an NHWC tensor is one row per pixel of C elements, and a scalar is one row.
#pragma once

#include <cstdint>

#include "kernels/ref/elementwise.h"

namespace trit {

// Calls row(out, a, a_step, b, b_step, length) with element offsets, in output order.
template <typename Row>
void ForEachBroadcastRow(const ref::Broadcast& b, Row row) {
  if (b.count == 0) return;
  // The innermost dimension of extent above 1 starts the row (extent-1 dimensions move
  // nothing); a scalar output is one row of one element.
  int inner = b.rank - 1;
  while (inner >= 0 && b.extent[inner] == 1) --inner;
  if (inner < 0) {
    row(0, 0, 0, 0, 0, 1);
    return;
  }
  const int64_t a_step = b.stride_a[inner] != 0 ? 1 : 0;
  const int64_t b_step = b.stride_b[inner] != 0 ? 1 : 0;
  int64_t length = b.extent[inner];
  int outer = inner - 1;  // dimensions [0, outer] remain to walk
  for (; outer >= 0; --outer) {
    if (b.extent[outer] == 1) continue;
    if (b.stride_a[outer] != a_step * length || b.stride_b[outer] != b_step * length) break;
    length *= b.extent[outer];
  }
  int64_t index[ref::kMaxRank] = {};
  int64_t a = 0, c = 0;
  for (int64_t out = 0; out < b.count; out += length) {
    row(out, a, a_step, c, b_step, length);
    for (int d = outer; d >= 0; --d) {  // odometer over the outer dimensions
      if (++index[d] < b.extent[d]) {
        a += b.stride_a[d];
        c += b.stride_b[d];
        break;
      }
      a -= b.stride_a[d] * (b.extent[d] - 1);
      c -= b.stride_b[d] * (b.extent[d] - 1);
      index[d] = 0;
    }
  }
}

}  // namespace trit
