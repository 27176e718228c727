#include "runtime/thread_pool.h"

#include <algorithm>

#include "kernels/spin_pause.h"

namespace trit::runtime {
namespace {

constexpr int kSpins = 4000;  // about 0.1 ms of PAUSE before a worker sleeps

}  // namespace

ThreadPool::ThreadPool(int threads) {
  for (int i = 1; i < std::max(1, threads); ++i) workers_.emplace_back([this] { Work(); });
}

ThreadPool::~ThreadPool() {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    stop_.store(true);
  }
  wake_.notify_all();
  for (std::thread& worker : workers_) worker.join();
}

void ThreadPool::RunTasks() {
  for (int64_t i = next_.fetch_add(1); i < count_; i = next_.fetch_add(1)) task_(context_, i);
}

void ThreadPool::Parallelize(int64_t count, Task task, void* context) {
  if (workers_.empty() || count <= 1) {
    for (int64_t i = 0; i < count; ++i) task(context, i);
    return;
  }
  task_ = task;
  context_ = context;
  count_ = count;
  next_.store(0);
  busy_.store(static_cast<int>(workers_.size()));
  {
    // Under the mutex, so that a worker about to sleep either sees it or gets the notify.
    std::lock_guard<std::mutex> lock(mutex_);
    generation_.fetch_add(1, std::memory_order_release);
  }
  wake_.notify_all();
  RunTasks();
  while (busy_.load(std::memory_order_acquire) != 0) SpinPause();
}

void ThreadPool::Work() {
  uint64_t seen = 0;
  for (;;) {
    for (int spin = 0;
         spin < kSpins && generation_.load(std::memory_order_acquire) == seen && !stop_.load();
         ++spin) {
      SpinPause();
    }
    if (generation_.load(std::memory_order_acquire) == seen) {
      std::unique_lock<std::mutex> lock(mutex_);
      wake_.wait(lock, [&] { return stop_.load() || generation_.load() != seen; });
    }
    if (stop_.load()) return;
    seen = generation_.load(std::memory_order_acquire);
    RunTasks();
    busy_.fetch_sub(1, std::memory_order_release);
  }
}

}  // namespace trit::runtime
