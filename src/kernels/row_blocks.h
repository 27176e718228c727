// Splits rows [m_begin, m_end) into microkernel calls of kRows rows and calls
// call.template operator()<rows>(m0) with the row count as a template argument (the last block
// may be shorter), so that every microkernel is fully unrolled for its rows. WithCount does the
// same for one count in [1, kMax] (e.g. the vectors of channels a depthwise pixel still has).
#pragma once

#include <algorithm>
#include <cstdint>
#include <utility>

namespace trit {
// Internal linkage on purpose: each ISA file gets its own copy, compiled with its own flags,
// which the linker must never merge with another file's.
namespace {

template <int kRows, typename Call>
inline void ForRowBlocks(int64_t m_begin, int64_t m_end, Call&& call) {
  for (int64_t m0 = m_begin; m0 < m_end; m0 += kRows) {
    const int rows = static_cast<int>(std::min<int64_t>(kRows, m_end - m0));
    [&]<int... kR>(std::integer_sequence<int, kR...>) {
      ((kR + 1 == rows ? call.template operator()<kR + 1>(m0) : void()), ...);
    }
    (std::make_integer_sequence<int, kRows>{});
  }
}

template <int kMax, typename Call>
inline void WithCount(int count, Call&& call) {
  [&]<int... k>(std::integer_sequence<int, k...>) {
    ((k + 1 == count ? call.template operator()<k + 1>() : void()), ...);
  }
  (std::make_integer_sequence<int, kMax>{});
}

}  // namespace
}  // namespace trit
