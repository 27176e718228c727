// The CPU's hint for a spin-wait loop (the thread pool's workers spin briefly before sleeping):
// PAUSE on x86-64, YIELD on AArch64 and Arm M-profile, a scheduler yield elsewhere.
#pragma once

#include <thread>

namespace trit {

inline void SpinPause() {
#if defined(__x86_64__)
  __builtin_ia32_pause();
#elif defined(__aarch64__) || defined(__arm__)
  asm volatile("yield");
#else
  std::this_thread::yield();
#endif
}

}  // namespace trit
