#include "runtime/thread_pool.h"

#include <algorithm>

#include "kernels/spin_pause.h"

namespace trit::runtime {
namespace {

// PAUSE takes 10 to 140 cycles by CPU: 20000 of them are 0.1 to 1 ms of spinning before a
// worker sleeps (4000, 45 us where PAUSE is short, let workers fall asleep between layers).
constexpr int kSpins = 20000;

}  // namespace

ThreadPool::ThreadPool(int threads) {
  for (int i = 1; i < std::max(1, threads); ++i) workers_.emplace_back([this, i] { Work(i); });
}

ThreadPool::~ThreadPool() {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    stop_.store(true);
  }
  wake_.notify_all();
  for (std::thread& worker : workers_) worker.join();
}

void ThreadPool::RunTasks(int thread) {
  if (count_ == threads()) {  // one task per thread, always the same one (see the header)
    task_(context_, thread);
    return;
  }
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
  // A worker that goes to sleep counts itself in sleepers_ and then checks the generation; this
  // call bumps the generation and then checks sleepers_. Both sequentially consistent, so at
  // least one sees the other: the worker does not sleep, or it is notified. Spinning workers
  // (the usual case between layers) cost no lock and no notify.
  generation_.fetch_add(1, std::memory_order_seq_cst);
  if (sleepers_.load(std::memory_order_seq_cst) > 0) {
    { std::lock_guard<std::mutex> lock(mutex_); }
    wake_.notify_all();
  }
  RunTasks(0);
  while (busy_.load(std::memory_order_acquire) != 0) SpinPause();
}

void ThreadPool::Work(int thread) {
  uint64_t seen = 0;
  for (;;) {
    for (int spin = 0;
         spin < kSpins && generation_.load(std::memory_order_acquire) == seen && !stop_.load();
         ++spin) {
      SpinPause();
    }
    if (generation_.load(std::memory_order_acquire) == seen) {
      std::unique_lock<std::mutex> lock(mutex_);
      sleepers_.fetch_add(1, std::memory_order_seq_cst);
      wake_.wait(lock, [&] {
        return stop_.load() || generation_.load(std::memory_order_seq_cst) != seen;
      });
      sleepers_.fetch_sub(1, std::memory_order_relaxed);
    }
    if (stop_.load()) return;
    seen = generation_.load(std::memory_order_acquire);
    RunTasks(thread);
    busy_.fetch_sub(1, std::memory_order_release);
  }
}

}  // namespace trit::runtime
