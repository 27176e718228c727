#include "runtime/thread_pool.h"

#include <algorithm>

#include "kernels/spin_pause.h"

namespace trit::runtime {
namespace {

// PAUSE takes 10 to 140 cycles by CPU: 20000 of them are 0.1 to 1 ms of spinning before a
// worker sleeps (4000, 45 us where PAUSE is short, let workers fall asleep between layers).
constexpr int kSpins = 20000;

}  // namespace

ThreadPool::ThreadPool(int threads) : done_(std::make_unique<Done[]>(std::max(1, threads))) {
  for (int i = 1; i < std::max(1, threads); ++i) workers_.emplace_back([this, i] { Work(i); });
}

ThreadPool::~ThreadPool() {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    call_.stop.store(true);
  }
  wake_.notify_all();
  for (std::thread& worker : workers_) worker.join();
}

void ThreadPool::RunTasks(int thread) {
  if (call_.count == threads()) {  // one task per thread, always the same one (see the header)
    call_.task(call_.context, thread);
    return;
  }
  for (int64_t i = next_.fetch_add(1); i < call_.count; i = next_.fetch_add(1)) {
    call_.task(call_.context, i);
  }
}

void ThreadPool::Parallelize(int64_t count, Task task, void* context) {
  if (workers_.empty() || count <= 1) {
    for (int64_t i = 0; i < count; ++i) task(context, i);
    return;
  }
  call_.task = task;
  call_.context = context;
  call_.count = count;
  next_.store(0, std::memory_order_relaxed);
  // A worker that goes to sleep counts itself in sleepers_ and then checks the generation; this
  // call bumps the generation and then checks sleepers_. Both sequentially consistent, so at
  // least one sees the other: the worker does not sleep, or it is notified. Spinning workers
  // (the usual case between layers) cost no lock and no notify.
  const uint64_t generation = call_.generation.load(std::memory_order_relaxed) + 1;
  call_.generation.store(generation, std::memory_order_seq_cst);
  if (sleepers_.load(std::memory_order_seq_cst) > 0) {
    { std::lock_guard<std::mutex> lock(mutex_); }
    wake_.notify_all();
  }
  RunTasks(0);
  for (size_t worker = 1; worker <= workers_.size(); ++worker) {
    while (done_[worker].generation.load(std::memory_order_acquire) != generation) SpinPause();
  }
}

void ThreadPool::Work(int thread) {
  uint64_t seen = 0;
  for (;;) {
    for (int spin = 0; spin < kSpins && call_.generation.load(std::memory_order_acquire) == seen &&
                       !call_.stop.load(std::memory_order_relaxed);
         ++spin) {
      SpinPause();
    }
    if (call_.generation.load(std::memory_order_acquire) == seen) {
      std::unique_lock<std::mutex> lock(mutex_);
      sleepers_.fetch_add(1, std::memory_order_seq_cst);
      wake_.wait(lock, [&] {
        return call_.stop.load() || call_.generation.load(std::memory_order_seq_cst) != seen;
      });
      sleepers_.fetch_sub(1, std::memory_order_relaxed);
    }
    if (call_.stop.load()) return;
    seen = call_.generation.load(std::memory_order_acquire);
    RunTasks(thread);
    done_[static_cast<size_t>(thread)].generation.store(seen, std::memory_order_release);
  }
}

}  // namespace trit::runtime
