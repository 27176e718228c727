// Session::Run must not touch the heap: global operator new is replaced by a counting one.
#include <gtest/gtest.h>

#include <atomic>
#include <cstdlib>
#include <cstring>
#include <new>
#include <random>
#include <vector>

#include "core/shape.h"
#include "quant/compress.h"
#include "runtime/session.h"
#include "zoo/zoo.h"

namespace {
std::atomic<long> allocations{0};
}  // namespace

void* operator new(size_t size) {
  ++allocations;
  if (void* p = std::malloc(size ? size : 1)) return p;
  throw std::bad_alloc();
}
void* operator new[](size_t size) { return operator new(size); }
void* operator new(size_t size, const std::nothrow_t&) noexcept {
  ++allocations;
  return std::malloc(size ? size : 1);
}
void* operator new[](size_t size, const std::nothrow_t&) noexcept {
  ++allocations;
  return std::malloc(size ? size : 1);
}
void operator delete(void* p, const std::nothrow_t&) noexcept { std::free(p); }
void operator delete[](void* p, const std::nothrow_t&) noexcept { std::free(p); }
void operator delete(void* p) noexcept { std::free(p); }
void operator delete[](void* p) noexcept { std::free(p); }
void operator delete(void* p, size_t) noexcept { std::free(p); }
void operator delete[](void* p, size_t) noexcept { std::free(p); }

namespace trit::runtime {
namespace {

TEST(NoAllocation, RunAllocatesNothing) {
  for (const char* name : {"lenet5", "resnet20", "mlp"}) {
    auto session = Session::FromGraph(zoo::BuildZooModel(name, 1));
    std::memset(session->input_data(0), 0, session->input_bytes(0));
    session->Run();  // first run included: nothing is allocated lazily either
    const long before = allocations.load();
    session->Run();
    session->Run();
    EXPECT_EQ(allocations.load(), before) << name;
  }
}

// The quantized kernels too: they decode weights into the planner's scratch, not the heap.
TEST(NoAllocation, QuantizedRunAllocatesNothing) {
  const Graph fp32 = zoo::BuildZooModel("lenet5", 1);
  const int64_t count = 4;
  std::vector<float> calib(
      static_cast<size_t>(count * NumElements(fp32.value(fp32.inputs()[0]).shape)));
  std::mt19937 rng(1);
  std::uniform_real_distribution<float> uniform(0.0f, 1.0f);
  for (float& v : calib) v = uniform(rng);
  for (const quant::WeightType type : {quant::WeightType::kTernary, quant::WeightType::kInt4}) {
    quant::CompressOptions options;
    options.weights.type = type;
    SessionOptions threads;
    threads.threads = 2;  // and the thread pool's hand-offs allocate nothing either
    auto session = Session::FromGraph(
        quant::Compress(fp32, 1, options, calib.data(), count).compressed, threads);
    std::memset(session->input_data(0), 0, session->input_bytes(0));
    session->Run();
    const long before = allocations.load();
    session->Run();
    session->Run();
    EXPECT_EQ(allocations.load(), before) << static_cast<int>(type);
  }
}

}  // namespace
}  // namespace trit::runtime
