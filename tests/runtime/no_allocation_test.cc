// Session::Run must not touch the heap: every replaceable operator new (plain, array, nothrow,
// aligned) is replaced by a counting one, and so, with glibc and no sanitizer, are malloc and
// its relatives (forwarding to glibc's own), which catches C-style allocations and anything a
// library allocates on its own.
#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <new>
#include <random>
#include <span>
#include <string>
#include <vector>

#include "core/shape.h"
#include "quant/compress.h"
#include "runtime/session.h"
#include "zoo/graph_builder.h"
#include "zoo/structured_shape.h"
#include "zoo/zoo.h"

namespace {
std::atomic<long> operator_news{0};  // calls of a replaced operator new
std::atomic<long> mallocs{0};        // calls of a replaced malloc-family function
long Allocations() { return operator_news.load() + mallocs.load(); }

void* CountedAlignedAlloc(size_t size, size_t alignment) {
  ++operator_news;
  // aligned_alloc wants a multiple of the alignment.
  return std::aligned_alloc(alignment,
                            (std::max<size_t>(size, 1) + alignment - 1) / alignment * alignment);
}
}  // namespace

#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
#define TRIT_SANITIZED 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer) || __has_feature(thread_sanitizer) || \
    __has_feature(memory_sanitizer)
#define TRIT_SANITIZED 1
#endif
#endif
// A static link (the AArch64 build under qemu-user) cannot replace glibc's malloc: libc.a
// defines it beside its internals. Operator new is still counted there.
#if defined(__GLIBC__) && !defined(TRIT_SANITIZED) && !defined(TRIT_STATIC_LINK)
#define TRIT_COUNTS_MALLOC 1
// glibc lets a program replace malloc; these forward to glibc's allocator, so memory from
// either side may be freed by the other (free itself is not replaced).
extern "C" {
void* __libc_malloc(size_t size);
void* __libc_calloc(size_t count, size_t size);
void* __libc_realloc(void* p, size_t size);
void* __libc_memalign(size_t alignment, size_t size);
void* __libc_valloc(size_t size);
void* __libc_pvalloc(size_t size);

void* malloc(size_t size) {
  ++mallocs;
  return __libc_malloc(size);
}
void* calloc(size_t count, size_t size) {
  ++mallocs;
  return __libc_calloc(count, size);
}
void* realloc(void* p, size_t size) {
  ++mallocs;
  return __libc_realloc(p, size);
}
void* memalign(size_t alignment, size_t size) {
  ++mallocs;
  return __libc_memalign(alignment, size);
}
void* aligned_alloc(size_t alignment, size_t size) {
  ++mallocs;
  return __libc_memalign(alignment, size);
}
int posix_memalign(void** out, size_t alignment, size_t size) {
  ++mallocs;
  void* p = __libc_memalign(alignment, size);
  if (!p) return ENOMEM;
  *out = p;
  return 0;
}
void* valloc(size_t size) {
  ++mallocs;
  return __libc_valloc(size);
}
void* pvalloc(size_t size) {
  ++mallocs;
  return __libc_pvalloc(size);
}
}  // extern "C"
#endif

// None of the operators is inlined: GCC 12 would see malloc() reach operator delete, or free()
// get what operator new returned, and warn falsely (-Wmismatched-new-delete).
[[gnu::noinline]] void* operator new(size_t size) {
  ++operator_news;
  if (void* p = std::malloc(size ? size : 1)) return p;
  throw std::bad_alloc();
}
[[gnu::noinline]] void* operator new[](size_t size) { return operator new(size); }
[[gnu::noinline]] void* operator new(size_t size, const std::nothrow_t&) noexcept {
  ++operator_news;
  return std::malloc(size ? size : 1);
}
[[gnu::noinline]] void* operator new[](size_t size, const std::nothrow_t&) noexcept {
  ++operator_news;
  return std::malloc(size ? size : 1);
}
[[gnu::noinline]] void* operator new(size_t size, std::align_val_t alignment) {
  if (void* p = CountedAlignedAlloc(size, static_cast<size_t>(alignment))) return p;
  throw std::bad_alloc();
}
[[gnu::noinline]] void* operator new[](size_t size, std::align_val_t alignment) {
  return operator new(size, alignment);
}
[[gnu::noinline]] void* operator new(size_t size, std::align_val_t alignment,
                                     const std::nothrow_t&) noexcept {
  return CountedAlignedAlloc(size, static_cast<size_t>(alignment));
}
[[gnu::noinline]] void* operator new[](size_t size, std::align_val_t alignment,
                                       const std::nothrow_t&) noexcept {
  return CountedAlignedAlloc(size, static_cast<size_t>(alignment));
}
[[gnu::noinline]] void operator delete(void* p) noexcept { std::free(p); }
[[gnu::noinline]] void operator delete[](void* p) noexcept { std::free(p); }
[[gnu::noinline]] void operator delete(void* p, size_t) noexcept { std::free(p); }
[[gnu::noinline]] void operator delete[](void* p, size_t) noexcept { std::free(p); }
[[gnu::noinline]] void operator delete(void* p, const std::nothrow_t&) noexcept { std::free(p); }
[[gnu::noinline]] void operator delete[](void* p, const std::nothrow_t&) noexcept { std::free(p); }
[[gnu::noinline]] void operator delete(void* p, std::align_val_t) noexcept { std::free(p); }
[[gnu::noinline]] void operator delete[](void* p, std::align_val_t) noexcept { std::free(p); }
[[gnu::noinline]] void operator delete(void* p, size_t, std::align_val_t) noexcept { std::free(p); }
[[gnu::noinline]] void operator delete[](void* p, size_t, std::align_val_t) noexcept {
  std::free(p);
}
[[gnu::noinline]] void operator delete(void* p, std::align_val_t, const std::nothrow_t&) noexcept {
  std::free(p);
}
[[gnu::noinline]] void operator delete[](void* p, std::align_val_t,
                                         const std::nothrow_t&) noexcept {
  std::free(p);
}

namespace trit::runtime {
namespace {

void* volatile sink = nullptr;
// Stores `p` where the optimizer cannot see it, so no allocation is elided.
void* Kept(void* p) {
  sink = p;
  return p;
}

TEST(NoAllocation, RunAllocatesNothing) {
  for (const char* name : {"lenet5", "resnet20", "mlp"}) {
    auto session = Session::FromGraph(zoo::BuildZooModel(name, 1));
    std::memset(session->input_data(0), 0, session->input_bytes(0));
    session->Run();  // first run included: nothing is allocated lazily either
    const long before = Allocations();
    session->Run();
    session->Run();
    EXPECT_EQ(Allocations(), before) << name;
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
    const long before = Allocations();
    session->Run();
    session->Run();
    EXPECT_EQ(Allocations(), before) << static_cast<int>(type);
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
    const long before = Allocations();
    session->Run();
    session->Run();
    EXPECT_EQ(Allocations(), before) << (g == &fp32 ? "f32" : "int8");
  }
}

// The counters see every form, or the tests below could not fail.
TEST(NoAllocation, EveryFormOfAllocationIsCounted) {
  struct alignas(64) Line {
    char bytes[64];
  };
  auto counts = [&](std::atomic<long>& counter, auto allocate_and_free) {
    const long before = counter.load();
    allocate_and_free();
    return counter.load() > before;
  };
  EXPECT_TRUE(counts(operator_news, [&] { ::operator delete(Kept(::operator new(8))); }));
  EXPECT_TRUE(counts(operator_news, [&] { ::operator delete[](Kept(::operator new[](8))); }));
  EXPECT_TRUE(
      counts(operator_news, [&] { ::operator delete(Kept(::operator new(8, std::nothrow))); }));
  EXPECT_TRUE(counts(operator_news, [&] {
    ::operator delete (Kept(::operator new (8, std::align_val_t{64})), std::align_val_t{64});
  }));
  EXPECT_TRUE(counts(operator_news, [&] {
    ::operator delete (Kept(::operator new (8, std::align_val_t{64}, std::nothrow)),
                       std::align_val_t{64});
  }));
  EXPECT_TRUE(counts(operator_news, [&] {
    Line* line = new Line;  // an over-aligned type takes the aligned form
    Kept(line);
    delete line;
  }));
#ifdef TRIT_COUNTS_MALLOC
  EXPECT_TRUE(counts(mallocs, [&] { std::free(Kept(std::malloc(8))); }));
  EXPECT_TRUE(counts(mallocs, [&] { std::free(Kept(std::calloc(2, 8))); }));
  EXPECT_TRUE(counts(mallocs, [&] { std::free(Kept(std::aligned_alloc(64, 64))); }));
  EXPECT_TRUE(counts(mallocs, [&] {
    void* p = nullptr;
    ASSERT_EQ(posix_memalign(&p, 64, 64), 0);
    std::free(Kept(p));
  }));
#endif
}

// The embedder's setup: a caller-owned arena given after load, inputs and outputs bound to the
// caller's buffers, several threads. Giving the arena, binding and running allocate nothing.
TEST(NoAllocation, CallerArenaAndBoundBuffersAllocateNothing) {
  const Graph lenet = zoo::BuildZooModel("lenet5", 1);
  std::vector<float> calib(
      static_cast<size_t>(2 * NumElements(lenet.value(lenet.inputs()[0]).shape)), 0.5f);
  quant::CompressOptions options;
  options.weights.type = quant::WeightType::kInt8;
  options.range = quant::RangeMethod::kMinMax;
  std::vector<Graph> graphs;
  graphs.push_back(quant::Compress(lenet, 1, options, calib.data(), 2).compressed);
  std::vector<std::string> names = {"lenet5 int8"};
  for (const char* name : {"lenet5", "resnet20", "mobilenet"}) {
    graphs.push_back(zoo::BuildZooModel(name, 1));
    names.push_back(name);
  }
  for (size_t g = 0; g < graphs.size(); ++g) {
    const Graph& graph = graphs[g];
    for (const int threads : {1, 3}) {
      SessionOptions session_options;
      session_options.threads = threads;
      session_options.defer_arena = true;
      auto session = Session::FromGraph(graph, session_options);
      std::vector<std::byte> arena(session->arena_bytes() + Session::kArenaAlignment);
      auto* aligned = reinterpret_cast<std::byte*>(
          (reinterpret_cast<uintptr_t>(arena.data()) + Session::kArenaAlignment - 1) /
          Session::kArenaAlignment * Session::kArenaAlignment);
      std::vector<float> input(session->input_bytes(0) / 4, 0.25f);
      std::vector<std::byte> output(session->output_bytes(0)), other_output(output.size());
      const long before = Allocations();
      session->SetArena({aligned, session->arena_bytes()});
      session->BindInput(0, std::as_bytes(std::span<const float>(input)));
      session->BindOutput(0, output);
      session->Run();
      session->Run();
      session->BindOutput(0, other_output);
      session->Run();
      session->BindOutput(0, {});
      session->BindInput(0, {});
      session->Run();
      EXPECT_EQ(Allocations(), before) << names[g] << ", threads " << threads;
      EXPECT_EQ(output, other_output);
    }
  }
}

}  // namespace
}  // namespace trit::runtime
