// The session's worker threads. Parallelize(count, task, context) runs task(context, i) for
// every i in [0, count) on the workers and the calling thread and returns when all are done.
// It allocates nothing, so Session::Run stays allocation-free; one call at a time.
//
// Layers can take microseconds, so a hand-off must be cheaper than that: workers spin for a
// short while (about 0.1 ms) after each call before they sleep on a condition variable, and
// the caller spins until the workers are done.
//
// A hand-off is bound by moving cache lines between cores, not by instructions: 0.1 us on one
// die, 0.23 us one way between the two vCPUs of an AMD EPYC VM measured here. So the call (its
// generation, task, context and count) fills one line that only the caller writes, and each
// worker says it is done in a line of its own that only it writes, by a plain store: a worker
// fetches one line to start and the caller one per worker to finish. With the call's fields,
// the counters and the done flags sharing lines and an atomic decrement for "done", a call cost
// 1.0-1.3 us there; 0.6 us split this way.
//
// With as many tasks as threads, task i always runs on thread i (the caller is thread 0):
// the ops split their data the same way (runtime/ops/gemm_split.h, element_split.h), so the
// part of a tensor a thread writes in one op is the part it reads in the next, from its own
// core's cache. Handed out first come first served, the halves swapped cores from op to op and
// crossed between the caches each time. Other counts are handed out as threads come free.
#pragma once

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

namespace trit::runtime {

class ThreadPool {
 public:
  using Task = void (*)(void* context, int64_t index);

  // `threads` counts the caller: 1 starts no worker.
  explicit ThreadPool(int threads);
  ~ThreadPool();
  ThreadPool(const ThreadPool&) = delete;
  ThreadPool& operator=(const ThreadPool&) = delete;

  int threads() const { return static_cast<int>(workers_.size()) + 1; }
  void Parallelize(int64_t count, Task task, void* context);

 private:
  void Work(int thread);
  void RunTasks(int thread);

  // Written by the caller only, read by every worker.
  struct alignas(64) Call {
    std::atomic<uint64_t> generation{0};
    std::atomic<bool> stop{false};
    Task task = nullptr;
    void* context = nullptr;
    int64_t count = 0;
  };
  // Written by its worker only: the generation of the last call it finished.
  struct alignas(64) Done {
    std::atomic<uint64_t> generation{0};
  };

  Call call_;
  std::unique_ptr<Done[]> done_;
  alignas(64) std::atomic<int64_t> next_{0};  // the next task, where count != threads
  alignas(64) std::atomic<int> sleepers_{0};  // workers waiting on wake_
  std::mutex mutex_;
  std::condition_variable wake_;
  std::vector<std::thread> workers_;
};

}  // namespace trit::runtime
