// The session's worker threads. Parallelize(count, task, context) runs task(context, i) for
// every i in [0, count) on the workers and the calling thread and returns when all are done.
// It allocates nothing, so Session::Run stays allocation-free; one call at a time.
//
// Layers can take microseconds, so a hand-off must be cheaper than that: workers spin for a
// short while (about 0.1 ms) after each call before they sleep on a condition variable, and
// the caller spins until the workers are done.
#pragma once

#include <atomic>
#include <condition_variable>
#include <cstdint>
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
  void Work();
  void RunTasks();

  std::vector<std::thread> workers_;
  std::mutex mutex_;
  std::condition_variable wake_;
  std::atomic<uint64_t> generation_{0};
  std::atomic<bool> stop_{false};
  std::atomic<int> busy_{0};  // workers still on the current call
  Task task_ = nullptr;
  void* context_ = nullptr;
  int64_t count_ = 0;
  std::atomic<int64_t> next_{0};
};

}  // namespace trit::runtime
