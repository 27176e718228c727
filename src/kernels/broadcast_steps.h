// One broadcast row (kernels/broadcast_rows.h) in fixed steps, for the ISA files' binary ops:
// step(x, y, z) on kStep bytes of each input and of the output per call. An input whose step is
// 0 (the same element throughout) is read from a buffer of kStep copies of its byte; the tail
// goes through zero-padded buffers, so no call reads or writes past the row.
#pragma once

#include <cstdint>
#include <cstring>

namespace trit {
// Internal linkage on purpose: each ISA file gets its own copy, compiled with its own flags,
// which the linker must never merge with another file's (as kernels/row_blocks.h).
namespace {

template <int kStep, typename Step>
inline void ForEachStep(int64_t count, const uint8_t* x, int64_t x_step, const uint8_t* y,
                        int64_t y_step, uint8_t* z, Step step) {
  uint8_t x_same[kStep], y_same[kStep];
  if (x_step == 0) {
    std::memset(x_same, *x, kStep);
    x = x_same;
  }
  if (y_step == 0) {
    std::memset(y_same, *y, kStep);
    y = y_same;
  }
  const int64_t x_advance = x_step == 0 ? 0 : kStep, y_advance = y_step == 0 ? 0 : kStep;
  int64_t i = 0;
  for (; i + kStep <= count; i += kStep, x += x_advance, y += y_advance) step(x, y, z + i);
  if (i < count) {
    uint8_t xs[kStep] = {}, ys[kStep] = {}, zs[kStep];
    const size_t rest = static_cast<size_t>(count - i);
    std::memcpy(xs, x, x_advance ? rest : kStep);
    std::memcpy(ys, y, y_advance ? rest : kStep);
    step(xs, ys, zs);
    std::memcpy(z + i, zs, rest);
  }
}

}  // namespace
}  // namespace trit
