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
#include "zoo/graph_builder.h"
#include "zoo/structured_shape.h"
#include "zoo/zoo.h"

namespace {
std::atomic<long> allocations{0};
}  // namespace

// None is inlined: GCC 12 would see malloc() reach operator delete, or free() get what operator
// new returned, and warn falsely (-Wmismatched-new-delete).
[[gnu::noinline]] void* operator new(size_t size) {
  ++allocations;
  if (void* p = std::malloc(size ? size : 1)) return p;
  throw std::bad_alloc();
}
[[gnu::noinline]] void* operator new[](size_t size) { return operator new(size); }
[[gnu::noinline]] void* operator new(size_t size, const std::nothrow_t&) noexcept {
  ++allocations;
  return std::malloc(size ? size : 1);
}
[[gnu::noinline]] void* operator new[](size_t size, const std::nothrow_t&) noexcept {
  ++allocations;
  return std::malloc(size ? size : 1);
}
[[gnu::noinline]] void operator delete(void* p, const std::nothrow_t&) noexcept { std::free(p); }
[[gnu::noinline]] void operator delete[](void* p, const std::nothrow_t&) noexcept { std::free(p); }
[[gnu::noinline]] void operator delete(void* p) noexcept { std::free(p); }
[[gnu::noinline]] void operator delete[](void* p) noexcept { std::free(p); }
[[gnu::noinline]] void operator delete(void* p, size_t) noexcept { std::free(p); }
[[gnu::noinline]] void operator delete[](void* p, size_t) noexcept { std::free(p); }

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

// Recurrent cells (the block-of-steps schedule, structured products, the vectorized gates) and
// StructuredDense, f32 and with int8 weights.
TEST(NoAllocation, RecurrentAndStructuredRunAllocatesNothing) {
  zoo::GraphBuilder b(2);
  ValueId x = b.Input({1, 12, 8, 1});
  zoo::RecurrentSpec lstm;
  lstm.hidden = 32;
  lstm.direction = "bidirectional";
  lstm.output_sequence = true;
  lstm.w = zoo::ChooseStructuredShape(MatrixStructure::kKronecker, 32, 8, 4.0);
  lstm.u = zoo::ChooseStructuredShape(MatrixStructure::kHmd, 32, 32, 2.0, 2);
  x = b.Recurrent(x, lstm);
  zoo::RecurrentSpec gru;
  gru.cell = OpType::kGru;
  gru.hidden = 16;
  gru.u = zoo::ChooseStructuredShape(MatrixStructure::kLowRank, 16, 16, 2.0);
  x = b.Recurrent(x, gru);
  x = b.StructuredDense(x, 24, zoo::ChooseStructuredShape(MatrixStructure::kKronecker, 24, 16, 2));
  const Graph fp32 = b.Finish(b.Dense(x, 10));
  std::vector<float> calib(static_cast<size_t>(2 * NumElements(fp32.value(fp32.inputs()[0]).shape)),
                           0.5f);
  quant::CompressOptions options;
  options.weights.type = quant::WeightType::kInt8;
  const Graph int8 = quant::Compress(fp32, 1, options, calib.data(), 2).compressed;
  for (const Graph* g : {&fp32, &int8}) {
    auto session = Session::FromGraph(*g);
    std::memset(session->input_data(0), 0, session->input_bytes(0));
    session->Run();
    const long before = allocations.load();
    session->Run();
    session->Run();
    EXPECT_EQ(allocations.load(), before) << (g == &fp32 ? "f32" : "int8");
  }
}

}  // namespace
}  // namespace trit::runtime
