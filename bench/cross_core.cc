// What moving data between two cores costs on this machine, printed beside the thread-scaling
// table (bench/thread_scaling.sh) so that each run states the state of the machine it ran on:
// the round trip of one cache line (a counter bumped in turn by threads pinned to CPUs 0 and 1)
// and the time CPU 1 takes to read 32 KB (one line in 16 of an activation of ResNet-44's size)
// that CPU 0 has just written. On a VM the two vCPUs' placement on the host can change from one
// hour to the next, and with it how well small layers scale on two threads.
#include <pthread.h>
#include <sched.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <thread>
#include <vector>

namespace {

void PinTo(int cpu) {
  cpu_set_t set;
  CPU_ZERO(&set);
  CPU_SET(cpu, &set);
  pthread_setaffinity_np(pthread_self(), sizeof(set), &set);
}

using Clock = std::chrono::steady_clock;
double Micros(Clock::duration d) { return std::chrono::duration<double, std::micro>(d).count(); }

// Round trip of one line: CPU 0 writes 2i + 1, CPU 1 answers 2i + 2.
double RoundTripMicros(int rounds) {
  alignas(64) std::atomic<int> turn{0};
  std::thread other([&] {
    PinTo(1);
    for (int i = 0; i < rounds; ++i) {
      while (turn.load(std::memory_order_acquire) != 2 * i + 1) {
      }
      turn.store(2 * i + 2, std::memory_order_release);
    }
  });
  PinTo(0);
  const auto start = Clock::now();
  for (int i = 0; i < rounds; ++i) {
    turn.store(2 * i + 1, std::memory_order_release);
    while (turn.load(std::memory_order_acquire) != 2 * i + 2) {
    }
  }
  const double total = Micros(Clock::now() - start);
  other.join();
  return total / rounds;
}

// CPU 0 writes 32 KB, CPU 1 then reads one int per 64-byte line of it: the time of that read.
double RemoteReadMicros(int rounds) {
  constexpr size_t kInts = 32768 / sizeof(int);
  std::vector<int> data(kInts);
  alignas(64) std::atomic<int> turn{0};
  double read = 0;
  long sum = 0;
  std::thread other([&] {
    PinTo(1);
    for (int r = 0; r < rounds; ++r) {
      while (turn.load(std::memory_order_acquire) != 2 * r + 1) {
      }
      const auto start = Clock::now();
      for (size_t i = 0; i < kInts; i += 64 / sizeof(int)) sum += data[i];
      read += Micros(Clock::now() - start);
      turn.store(2 * r + 2, std::memory_order_release);
    }
  });
  PinTo(0);
  for (int r = 0; r < rounds; ++r) {
    for (size_t i = 0; i < kInts; ++i) data[i] = static_cast<int>(i) + r;
    turn.store(2 * r + 1, std::memory_order_release);
    while (turn.load(std::memory_order_acquire) != 2 * r + 2) {
    }
  }
  other.join();
  return sum == -1 ? 0 : read / rounds;  // the sum keeps the reads
}

}  // namespace

int main() {
  if (std::thread::hardware_concurrency() < 2) {
    std::printf("cross-core: one CPU only\n");
    return 0;
  }
  std::printf(
      "cross-core: one line's round trip %.2f us, 32 KB written on CPU 0 read on CPU 1 %.2f us\n",
      RoundTripMicros(200000), RemoteReadMicros(2000));
  return 0;
}
