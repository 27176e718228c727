// Type dispatch for the reference rows of the kernel tables, whose entries take 8-bit tensors
// as bytes with their signedness (as the ISA kernels do) and call the typed reference.
#pragma once

#include <cstdint>

namespace trit {

// Calls f(T{}) with T = int8_t or uint8_t.
template <typename F>
void WithQ8Type(bool is_signed, F&& f) {
  if (is_signed) {
    f(int8_t{});
  } else {
    f(uint8_t{});
  }
}

}  // namespace trit
