#include "runtime/thread_pool.h"

#include <gtest/gtest.h>

#include <atomic>
#include <vector>

namespace trit::runtime {
namespace {

struct Counts {
  std::vector<std::atomic<int>> hits;
  explicit Counts(size_t n) : hits(n) {}
};

void Hit(void* context, int64_t i) {
  ++static_cast<Counts*>(context)->hits[static_cast<size_t>(i)];
}

TEST(ThreadPool, RunsEveryIndexExactlyOnce) {
  for (const int threads : {1, 2, 3, 8}) {
    ThreadPool pool(threads);
    EXPECT_EQ(pool.threads(), threads);
    for (const int64_t count : {0, 1, 2, 7, 100, 1000}) {
      for (int repeat = 0; repeat < 20; ++repeat) {
        Counts counts(static_cast<size_t>(count));
        pool.Parallelize(count, &Hit, &counts);
        for (int64_t i = 0; i < count; ++i) {
          ASSERT_EQ(counts.hits[static_cast<size_t>(i)].load(), 1)
              << threads << " threads, count " << count << ", index " << i;
        }
      }
    }
  }
}

}  // namespace
}  // namespace trit::runtime
