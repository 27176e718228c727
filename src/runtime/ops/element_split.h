// Element-wise ops split across the session's threads in contiguous ranges, as the GEMMs split
// their output rows (runtime/ops/gemm_split.h). Why: a Conv2D on two threads leaves each half
// of its output in its own core's cache; an element-wise op run by one thread then pulls the
// other half across, and the next Conv2D's second thread pulls it back. On ResNet-44's small
// layers that traffic cost more than the second core saved. Split the same way, a thread's range
// is mostly what it computed in the op before.
#pragma once

#include <algorithm>
#include <cstdint>

#include "runtime/thread_pool.h"

namespace trit::runtime {

// Below about this many bytes of output a hand-off (half a microsecond) costs more than it
// saves: an op that does a few cycles of work per element (BatchNorm, Add, the float
// activations). Table lookups and clamps, under a cycle per element, pass kMinSplitCheapBytes.
// Bytes, not elements: what moving a half between the cores costs grows with them.
inline constexpr int64_t kMinSplitBytes = 16384;
inline constexpr int64_t kMinSplitCheapBytes = 65536;

// Calls part(begin, end) over [0, units) in one contiguous range per thread (the caller's
// thread included), or once over all of it where there is one thread or fewer than `min_bytes`
// bytes. `unit_bytes` says how many bytes of output a unit is (a BatchNorm position: its
// channels times the element size).
template <typename Part>
void SplitElements(ThreadPool* pool, int64_t units, int64_t unit_bytes, int64_t min_bytes,
                   Part&& part) {
  const int threads = pool ? pool->threads() : 1;
  if (threads == 1 || units * unit_bytes < min_bytes || units < threads) {
    part(int64_t{0}, units);
    return;
  }
  struct Context {
    Part& part;
    int64_t units, parts;
  } context{part, units, threads};
  pool->Parallelize(
      threads,
      [](void* c, int64_t i) {
        auto& x = *static_cast<Context*>(c);
        const int64_t begin = x.units * i / x.parts, end = x.units * (i + 1) / x.parts;
        if (begin < end) x.part(begin, end);
      },
      &context);
}

}  // namespace trit::runtime
