// The x86 GEMM kernels on shapes from the zoo models (ConvNet, ResNet-44, AlexNet, BNN) and square
// GEMMs, beside oneDNN (Debian's libdnnl, when found) on the same shapes, in one run.
// Counters: GMAC/s and the share of the peak measured here by BM_Peak (a loop of independent
// VPDPBUSD, or FMA for fp32, on one core). Threads: the second argument; oneDNN follows
// OMP_NUM_THREADS, so run with OMP_NUM_THREADS equal to it (bench/kernels.sh does).
#include <benchmark/benchmark.h>
#include <immintrin.h>

#include <chrono>
#include <cstring>
#include <optional>
#include <random>
#include <string>
#include <unordered_map>
#include <vector>

#include "kernels/b1_gemm.h"
#include "kernels/f32_gemm.h"
#include "kernels/isa.h"
#include "kernels/lowbit_gemv.h"
#include "kernels/ref/quant_weights.h"
#include "kernels/requantize.h"
#include "kernels/sparse/ternary_gemv.h"
#include "kernels/x86/q8_gemm.h"
#include "runtime/ops/gemm_split.h"
#include "runtime/thread_pool.h"
#if defined(TRIT_HAVE_DNNL)
#include <oneapi/dnnl/dnnl.hpp>
#endif

namespace {

using trit::Isa;

// A layer as a (possibly indirect) GEMM. Dense and square GEMMs have kernel 1.
struct Shape {
  const char* name;
  int batch_rows;  // Dense: M; convolutions: 0 (M = out_h * out_w)
  int in_h, in_w, in_c, out_c, kernel, stride, pad;
  int out_h() const { return batch_rows ? 1 : (in_h + 2 * pad - kernel) / stride + 1; }
  int out_w() const { return batch_rows ? 1 : (in_w + 2 * pad - kernel) / stride + 1; }
  int64_t m() const { return batch_rows ? batch_rows : int64_t{out_h()} * out_w(); }
  int64_t depth() const { return int64_t{kernel} * kernel * in_c; }
  int64_t macs() const { return m() * depth() * out_c; }
};

const Shape kShapes[] = {
    {"gemm_64x4096x4096", 64, 1, 1, 4096, 4096, 1, 1, 0},
    {"gemm_256x1024x1024", 256, 1, 1, 1024, 1024, 1, 1, 0},
    {"gemv_4096x4096", 1, 1, 1, 4096, 4096, 1, 1, 0},
    {"alexnet_fc16_9216x4096", 1, 1, 1, 9216, 4096, 1, 1, 0},
    {"alexnet_fc21_4096x1000", 1, 1, 1, 4096, 1000, 1, 1, 0},
    {"gemv_16384x16384", 1, 1, 1, 16384, 16384, 1, 1, 0},
    {"alexnet_conv1_224x3_11x11s4", 0, 224, 224, 3, 64, 11, 4, 2},
    {"alexnet_conv4_27x64_5x5", 0, 27, 27, 64, 192, 5, 1, 2},
    {"alexnet_conv7_13x192_3x3", 0, 13, 13, 192, 384, 3, 1, 1},
    {"resnet44_32x16_3x3", 0, 32, 32, 16, 16, 3, 1, 1},
    {"resnet44_16x32_3x3", 0, 16, 16, 32, 32, 3, 1, 1},
    {"resnet44_8x64_3x3", 0, 8, 8, 64, 64, 3, 1, 1},
    {"convnet_conv7_18x64_3x3", 0, 18, 18, 64, 64, 3, 1, 1},
    {"convnet_conv21_5x128_5x5", 0, 5, 5, 128, 512, 5, 1, 0},
    {"bnn_conv4_28x64_3x3", 0, 28, 28, 64, 128, 3, 1, 1},
    {"bnn_conv8_14x128_3x3", 0, 14, 14, 128, 256, 3, 1, 1},
    {"bnn_fc13_12544x512", 1, 1, 1, 12544, 512, 1, 1, 0},
};
constexpr int kShapeCount = sizeof(kShapes) / sizeof(kShapes[0]);

std::vector<int32_t> Indirection(const Shape& s) {
  if (s.batch_rows) {
    std::vector<int32_t> rows(static_cast<size_t>(s.batch_rows));
    for (int r = 0; r < s.batch_rows; ++r) rows[static_cast<size_t>(r)] = r;
    return rows;
  }
  return trit::x86::ConvIndirection(1, s.in_h, s.in_w, s.out_h(), s.out_w(), s.kernel, s.kernel,
                                    s.stride, s.stride, s.pad, s.pad, 1, 1);
}

int64_t Vectors(const Shape& s) { return s.batch_rows ? s.batch_rows : int64_t{s.in_h} * s.in_w; }

// A convolution's geometry, as the runtime gives it to the int8 GEMM (nothing for Dense).
std::optional<trit::ref::ConvGeometry> Geometry(const Shape& s) {
  if (s.batch_rows) return std::nullopt;
  trit::ref::ConvGeometry g;
  g.in_h = s.in_h;
  g.in_w = s.in_w;
  g.in_c = s.in_c;
  g.out_h = s.out_h();
  g.out_w = s.out_w();
  g.out_c = s.out_c;
  g.kernel_h = g.kernel_w = s.kernel;
  g.stride_h = g.stride_w = s.stride;
  g.pad_top = g.pad_left = s.pad;
  return g;
}

// One core's peak in MAC/s, measured once: a loop of 24 independent VPDPBUSD (or FMA) on
// registers, in assembly so that the compiler cannot add moves or spills to it.
#define TRIT_24(OP)                                                                                \
  OP " %%zmm0, %%zmm1, %%zmm2\n" OP " %%zmm0, %%zmm1, %%zmm3\n" OP " %%zmm0, %%zmm1, %%zmm4\n" OP  \
     " %%zmm0, %%zmm1, %%zmm5\n" OP " %%zmm0, %%zmm1, %%zmm6\n" OP " %%zmm0, %%zmm1, %%zmm7\n" OP  \
     " %%zmm0, %%zmm1, %%zmm8\n" OP " %%zmm0, %%zmm1, %%zmm9\n" OP " %%zmm0, %%zmm1, %%zmm10\n" OP \
     " %%zmm0, %%zmm1, %%zmm11\n" OP " %%zmm0, %%zmm1, %%zmm12\n" OP                               \
     " %%zmm0, %%zmm1, %%zmm13\n" OP " %%zmm0, %%zmm1, %%zmm14\n" OP                               \
     " %%zmm0, %%zmm1, %%zmm15\n" OP " %%zmm0, %%zmm1, %%zmm16\n" OP                               \
     " %%zmm0, %%zmm1, %%zmm17\n" OP " %%zmm0, %%zmm1, %%zmm18\n" OP                               \
     " %%zmm0, %%zmm1, %%zmm19\n" OP " %%zmm0, %%zmm1, %%zmm20\n" OP                               \
     " %%zmm0, %%zmm1, %%zmm21\n" OP " %%zmm0, %%zmm1, %%zmm22\n" OP                               \
     " %%zmm0, %%zmm1, %%zmm23\n" OP " %%zmm0, %%zmm1, %%zmm24\n" OP " %%zmm0, %%zmm1, %%zmm25\n"

#define TRIT_CLOBBERS                                                                           \
  "xmm0", "xmm1", "xmm2", "xmm3", "xmm4", "xmm5", "xmm6", "xmm7", "xmm8", "xmm9", "xmm10",      \
      "xmm11", "xmm12", "xmm13", "xmm14", "xmm15", "xmm16", "xmm17", "xmm18", "xmm19", "xmm20", \
      "xmm21", "xmm22", "xmm23", "xmm24", "xmm25"

__attribute__((target("avx512f,avx512vnni"))) double MeasurePeak(bool vnni) {
  const int64_t iterations = 10000000;
  const auto start = std::chrono::steady_clock::now();
  for (int64_t it = 0; it < iterations; ++it) {
    if (vnni) {
      asm volatile(TRIT_24("vpdpbusd")::: TRIT_CLOBBERS);
    } else {
      asm volatile(TRIT_24("vfmadd231ps")::: TRIT_CLOBBERS);
    }
  }
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  return static_cast<double>(iterations) * 24 * (vnni ? 64 : 16) / seconds;
}

double VnniPeak() {
  static const double peak = trit::DetectedIsa() == Isa::kAvx512 ? MeasurePeak(true) : 0.0;
  return peak;
}
double FmaPeak() {
  static const double peak = trit::DetectedIsa() == Isa::kAvx512 ? MeasurePeak(false) : 0.0;
  return peak;
}

void SetCounters(benchmark::State& state, const Shape& s, double peak, int threads) {
  state.counters["GMAC/s"] = benchmark::Counter(static_cast<double>(s.macs()) * 1e-9,
                                                benchmark::Counter::kIsIterationInvariantRate);
  if (peak > 0) {
    state.counters["peak%"] =
        benchmark::Counter(100.0 * static_cast<double>(s.macs()) / (peak * threads),
                           benchmark::Counter::kIsIterationInvariantRate);
  }
  state.SetLabel(s.name);
}

// Weight bytes streamed per second, beside GMAC/s (the GEMV shapes are bound by them).
void SetBandwidth(benchmark::State& state, double weight_bytes) {
  state.counters["weight GB/s"] =
      benchmark::Counter(weight_bytes * 1e-9, benchmark::Counter::kIsIterationInvariantRate);
}

template <typename T>
std::vector<T> Random(size_t count, int lo, int hi) {
  std::mt19937 rng(1);
  std::uniform_int_distribution<int> dist(lo, hi);
  std::vector<T> v(count);
  for (T& x : v) x = static_cast<T>(dist(rng));
  return v;
}

// The shape as the int8 GEMM's layer: u8 input (zero point 128) and output (ReLU's range), the
// given bias and per-channel requantization; the caller sets the weights.
trit::x86::Q8GemmLayer Q8LayerOf(const Shape& s, const std::vector<int32_t>& bias,
                                 const std::vector<trit::Requant>& requant) {
  trit::x86::Q8GemmLayer layer;
  layer.m = s.m();
  layer.n = s.out_c;
  layer.taps = int64_t{s.kernel} * s.kernel;
  layer.depth = s.in_c;
  layer.vectors = Vectors(s);
  layer.indirection = Indirection(s);
  layer.conv = Geometry(s);
  layer.bias = bias.data();
  layer.requant = requant.data();
  layer.per_channel = true;
  layer.input_type = trit::DType::kU8;
  layer.input_zero_point = 128;
  layer.output_type = trit::DType::kU8;
  layer.lo = 0;
  layer.hi = 255;
  return layer;
}

void BM_TritQ8(benchmark::State& state, Isa isa) {
  if (static_cast<int>(trit::DetectedIsa()) < static_cast<int>(isa)) {
    state.SkipWithError("ISA not available");
    return;
  }
  const Shape& s = kShapes[state.range(0)];
  const int threads = static_cast<int>(state.range(1));
  const std::vector<int8_t> levels =
      Random<int8_t>(static_cast<size_t>(s.out_c * s.depth()), -127, 127);
  const std::vector<int32_t> bias = Random<int32_t>(static_cast<size_t>(s.out_c), -1000, 1000);
  const std::vector<uint8_t> input =
      Random<uint8_t>(static_cast<size_t>(Vectors(s) * s.in_c), 0, 255);
  std::vector<trit::Requant> requant(static_cast<size_t>(s.out_c),
                                     trit::QuantizeMultiplier(0.0001));
  trit::x86::Q8GemmLayer layer = Q8LayerOf(s, bias, requant);
  layer.levels = levels.data();
  const trit::x86::Q8Gemm gemm(isa, layer);
  trit::x86::AlignedArray<uint8_t> scratch(gemm.scratch_bytes() + 64);
  std::vector<uint8_t> output(static_cast<size_t>(s.m() * s.out_c));
  trit::runtime::ThreadPool pool(threads);
  for (auto _ : state) {
    trit::runtime::GemmSplit<trit::x86::Q8Gemm, void, void>::Run(
        gemm, gemm.Prepare(input.data(), scratch.data()), output.data(), &pool);
    benchmark::ClobberMemory();
  }
  SetCounters(state, s, VnniPeak(), threads);
  if (s.batch_rows == 1) SetBandwidth(state, static_cast<double>(s.out_c) * s.in_c);
}

// Random weights in a low-bit type's stored codes (ternary: +37 / -23 per channel), and the
// same weights as int8 levels.
struct CodedWeights {
  CodedWeights(trit::DType type, int64_t channels, int64_t depth)
      : stored(trit::StorageBytes(type, channels * depth)),
        levels(static_cast<size_t>(channels * depth)),
        pos(static_cast<size_t>(channels), 37),
        neg(static_cast<size_t>(channels), 23) {
    const int bits = trit::BitsPerElement(type);
    const int64_t count = channels * depth;
    const std::vector<uint8_t> random = Random<uint8_t>(static_cast<size_t>(count), 0, 255);
    for (int64_t i = 0; i < count; ++i) {
      uint32_t code = random[static_cast<size_t>(i)] & ((1u << bits) - 1u);
      if (type == trit::DType::kTernary && code == 2) code = 0;  // 2 is not a ternary code
      stored[static_cast<size_t>(i * bits / 8)] |= static_cast<uint8_t>(code << (i * bits % 8));
    }
    codes.type = type;
    codes.data = stored.data();
    codes.ternary_pos = pos.data();
    codes.ternary_neg = neg.data();
    codes.per_channel = true;
    for (int64_t i = 0; i < count; ++i) {
      levels[static_cast<size_t>(i)] =
          static_cast<int8_t>(trit::ref::WeightLevel(codes, i, static_cast<int>(i / depth)));
    }
  }
  CodedWeights(const CodedWeights&) = delete;
  CodedWeights& operator=(const CodedWeights&) = delete;

  std::vector<uint8_t> stored;
  std::vector<int8_t> levels;
  std::vector<int8_t> pos, neg;
  trit::ref::QuantWeights codes;
};

// The int8 GEMM on low-bit weights (codes: 4 int4, 2 int2, 3 ternary +37 / -23, 1 binary) in
// two forms on the same layer, in one run: decoded to int8 at load (form 0, what int8 weights
// get) and kept as a code panel expanded per column tile (form 1, what low-bit weights get).
// Counter "weight KiB": what the kernel keeps.
void BM_TritQ8Codes(benchmark::State& state, Isa isa) {
  if (static_cast<int>(trit::DetectedIsa()) < static_cast<int>(isa)) {
    state.SkipWithError("ISA not available");
    return;
  }
  const Shape& s = kShapes[state.range(0)];
  const int kind = static_cast<int>(state.range(1));
  const bool panel = state.range(2) == 1;
  const trit::DType type = kind == 4   ? trit::DType::kI4
                           : kind == 2 ? trit::DType::kI2
                           : kind == 3 ? trit::DType::kTernary
                                       : trit::DType::kBinary;
  const CodedWeights weights(type, s.out_c, s.depth());
  const std::vector<int32_t> bias = Random<int32_t>(static_cast<size_t>(s.out_c), -1000, 1000);
  const std::vector<uint8_t> input =
      Random<uint8_t>(static_cast<size_t>(Vectors(s) * s.in_c), 0, 255);
  std::vector<trit::Requant> requant(static_cast<size_t>(s.out_c),
                                     trit::QuantizeMultiplier(0.0001));
  trit::x86::Q8GemmLayer layer = Q8LayerOf(s, bias, requant);
  layer.levels = panel ? nullptr : weights.levels.data();
  layer.codes = weights.codes;
  const trit::x86::Q8Gemm gemm(isa, layer);
  trit::x86::AlignedArray<uint8_t> scratch(gemm.scratch_bytes() + 64);
  std::vector<uint8_t> output(static_cast<size_t>(s.m() * s.out_c));
  for (auto _ : state) {
    gemm.Run(input.data(), output.data(), scratch.data());
    benchmark::ClobberMemory();
  }
  SetCounters(state, s, VnniPeak(), 1);
  state.counters["weight KiB"] = static_cast<double>(gemm.weight_bytes()) / 1024.0;
}

// Small batches of a Dense layer with asymmetric ternary weights (+37 / -23), 1 thread: the
// int8 GEMM on weights decoded at load (form 0), on the 2-bit panel (form 1), and the low-bit
// GEMV repeating its lookups per row (form 2), in one run: where the GEMV table hands over.
void BM_LowBitRows(benchmark::State& state) {
  if (trit::DetectedIsa() != Isa::kAvx512) {
    state.SkipWithError("no AVX-512 VNNI");
    return;
  }
  Shape s = kShapes[state.range(0)];
  s.batch_rows = static_cast<int>(state.range(1));
  if (s.kernel != 1) {  // a convolution over its whole input: a Dense of its taps x channels
    s.in_c = static_cast<int>(s.depth());
    s.in_h = s.in_w = s.kernel = 1;
    s.pad = 0;
  }
  const int form = static_cast<int>(state.range(2));
  const CodedWeights weights(trit::DType::kTernary, s.out_c, s.in_c);
  const std::vector<int32_t> bias = Random<int32_t>(static_cast<size_t>(s.out_c), -1000, 1000);
  const std::vector<uint8_t> input = Random<uint8_t>(static_cast<size_t>(s.m() * s.in_c), 0, 255);
  std::vector<trit::Requant> requant(static_cast<size_t>(s.out_c),
                                     trit::QuantizeMultiplier(0.0001));
  std::vector<uint8_t> output(static_cast<size_t>(s.m() * s.out_c));
  if (form == 2) {
    trit::GemvLayer layer;
    layer.rows = s.m();
    layer.n = s.out_c;
    layer.depth = s.in_c;
    layer.codes = weights.codes;
    layer.bias = bias.data();
    layer.requant = requant.data();
    layer.per_channel = true;
    layer.input_type = trit::DType::kU8;
    layer.input_zero_point = 128;
    layer.lo = 0;
    layer.hi = 255;
    const trit::LowBitGemv gemv(Isa::kAvx512, layer, trit::LowBitGemv::Codes::kTernary);
    trit::x86::AlignedArray<uint8_t> scratch(gemv.scratch_bytes());
    for (auto _ : state) {
      gemv.Compute(gemv.Prepare(input.data(), scratch.data()), output.data(), 0, gemv.blocks());
      benchmark::ClobberMemory();
    }
  } else {
    trit::x86::Q8GemmLayer layer = Q8LayerOf(s, bias, requant);
    layer.levels = form == 0 ? weights.levels.data() : nullptr;
    layer.codes = weights.codes;
    const trit::x86::Q8Gemm gemm(Isa::kAvx512, layer);
    trit::x86::AlignedArray<uint8_t> scratch(gemm.scratch_bytes() + 64);
    for (auto _ : state) {
      gemm.Run(input.data(), output.data(), scratch.data());
      benchmark::ClobberMemory();
    }
  }
  SetCounters(state, s, VnniPeak(), 1);
}

// Block sparsity: int8 weights with a share of their 16-channel x 4-depth blocks at one tap
// zeroed at random (the pruner's blocks), run dense (form 0; AVX-512: the 8 x 32 kernel) and
// walking the block lists (form 1; AVX-512: 16 x 16), in one run. GMAC/s count the dense layer's
// MACs, so they compare as speed; the crossover in q8_gemm.h is where form 1 passes form 0.
void BM_TritQ8Blocks(benchmark::State& state, Isa isa) {
  if (static_cast<int>(trit::DetectedIsa()) < static_cast<int>(isa)) {
    state.SkipWithError("ISA not available");
    return;
  }
  const Shape& s = kShapes[state.range(0)];
  const double share = static_cast<double>(state.range(1)) / 100.0;
  const bool lists = state.range(2) == 1;
  std::vector<int8_t> levels = Random<int8_t>(static_cast<size_t>(s.out_c * s.depth()), -127, 127);
  std::mt19937 rng(7);
  std::uniform_real_distribution<double> uniform(0.0, 1.0);
  const int64_t taps = int64_t{s.kernel} * s.kernel;
  for (int64_t c0 = 0; c0 < s.out_c; c0 += 16) {
    for (int64_t tap = 0; tap < taps; ++tap) {
      for (int64_t k0 = 0; k0 < s.in_c; k0 += 4) {
        if (uniform(rng) >= share) continue;
        for (int64_t c = c0; c < std::min<int64_t>(s.out_c, c0 + 16); ++c) {
          for (int64_t k = k0; k < std::min<int64_t>(s.in_c, k0 + 4); ++k)
            levels[static_cast<size_t>((c * taps + tap) * s.in_c + k)] = 0;
        }
      }
    }
  }
  const std::vector<int32_t> bias = Random<int32_t>(static_cast<size_t>(s.out_c), -1000, 1000);
  const std::vector<uint8_t> input =
      Random<uint8_t>(static_cast<size_t>(Vectors(s) * s.in_c), 0, 255);
  std::vector<trit::Requant> requant(static_cast<size_t>(s.out_c),
                                     trit::QuantizeMultiplier(0.0001));
  trit::x86::Q8GemmLayer layer = Q8LayerOf(s, bias, requant);
  layer.levels = levels.data();
  const trit::x86::Q8Gemm gemm(
      isa, layer, lists ? trit::x86::Q8Sparsity::kBlocks : trit::x86::Q8Sparsity::kDense);
  trit::x86::AlignedArray<uint8_t> scratch(gemm.scratch_bytes() + 64);
  std::vector<uint8_t> output(static_cast<size_t>(s.m() * s.out_c));
  for (auto _ : state) {
    gemm.Run(input.data(), output.data(), scratch.data());
    benchmark::ClobberMemory();
  }
  SetCounters(state, s, VnniPeak(), 1);
  state.counters["zero blocks"] =
      trit::Q8GemmPlan::ZeroBlockShare(layer, 16, isa == Isa::kAvx512 ? 4 : 2);
}

// Binary activations x binary weights (xor + popcount). "x VNNI peak": its MAC rate over the
// int8 VPDPBUSD peak of as many cores.
void BM_TritB1(benchmark::State& state, Isa isa) {
  if (static_cast<int>(trit::DetectedIsa()) < static_cast<int>(isa) ||
      (isa == Isa::kAvx512 && !trit::HasAvx512Vpopcntdq())) {
    state.SkipWithError("ISA not available");
    return;
  }
  const Shape& s = kShapes[state.range(0)];
  const int threads = static_cast<int>(state.range(1));
  std::vector<int8_t> levels = Random<int8_t>(static_cast<size_t>(s.out_c * s.depth()), 0, 1);
  for (int8_t& w : levels) w = w ? 1 : -1;
  const std::vector<int32_t> bias = Random<int32_t>(static_cast<size_t>(s.out_c), -1000, 1000);
  const std::vector<uint8_t> bits =
      Random<uint8_t>(static_cast<size_t>((Vectors(s) * s.in_c + 7) / 8), 0, 255);
  std::vector<trit::Requant> requant(static_cast<size_t>(s.out_c), trit::QuantizeMultiplier(0.01));
  trit::B1GemmLayer layer;
  layer.m = s.m();
  layer.n = s.out_c;
  layer.taps = int64_t{s.kernel} * s.kernel;
  layer.depth = s.in_c;
  layer.vectors = Vectors(s);
  layer.indirection = Indirection(s);
  layer.levels = levels.data();
  layer.bias = bias.data();
  layer.requant = requant.data();
  layer.per_channel = true;
  layer.output_type = trit::DType::kU8;
  layer.lo = 0;
  layer.hi = 255;
  const trit::B1Gemm gemm(isa, layer);
  trit::x86::AlignedArray<uint32_t> scratch(gemm.scratch_bytes() / 4 + 16);
  std::vector<uint8_t> output(static_cast<size_t>(s.m() * s.out_c));
  trit::runtime::ThreadPool pool(threads);
  for (auto _ : state) {
    trit::runtime::GemmSplit<trit::B1Gemm, uint32_t, void>::Run(
        gemm, gemm.Prepare(bits.data(), scratch.data()), output.data(), &pool);
    benchmark::ClobberMemory();
  }
  SetCounters(state, s, 0.0, threads);
  state.counters["x VNNI peak"] =
      benchmark::Counter(static_cast<double>(s.macs()) / (VnniPeak() * threads),
                         benchmark::Counter::kIsIterationInvariantRate);
  if (s.batch_rows == 1) SetBandwidth(state, static_cast<double>(s.out_c) * s.in_c / 8);
}

void BM_TritF32(benchmark::State& state, Isa isa) {
  if (static_cast<int>(trit::DetectedIsa()) < static_cast<int>(isa)) {
    state.SkipWithError("ISA not available");
    return;
  }
  const Shape& s = kShapes[state.range(0)];
  const int threads = static_cast<int>(state.range(1));
  std::vector<float> weights(static_cast<size_t>(s.out_c * s.depth()), 0.01f);
  std::vector<float> bias(static_cast<size_t>(s.out_c), 0.1f);
  std::vector<float> input(static_cast<size_t>(Vectors(s) * s.in_c), 0.5f);
  trit::F32GemmLayer layer;
  layer.m = s.m();
  layer.n = s.out_c;
  layer.taps = int64_t{s.kernel} * s.kernel;
  layer.depth = s.in_c;
  layer.vectors = Vectors(s);
  layer.indirection = Indirection(s);
  layer.weights = weights.data();
  layer.bias = bias.data();
  const trit::F32Gemm gemm(isa, layer);
  trit::x86::AlignedArray<uint8_t> scratch(gemm.scratch_bytes() + 64);
  std::vector<float> output(static_cast<size_t>(s.m() * s.out_c));
  trit::runtime::ThreadPool pool(threads);
  for (auto _ : state) {
    trit::runtime::GemmSplit<trit::F32Gemm, const float, float>::Run(
        gemm, gemm.Prepare(input.data(), scratch.data()), output.data(), &pool);
    benchmark::ClobberMemory();
  }
  SetCounters(state, s, FmaPeak(), threads);
}

// int4 (third argument 4), int2 (2) or ternary (3: asymmetric, 1: symmetric) weights at batch 1,
// unpacked in registers.
void BM_TritLowBit(benchmark::State& state) {
  const Shape& s = kShapes[state.range(0)];
  if (trit::DetectedIsa() != Isa::kAvx512 || s.batch_rows != 1) {
    state.SkipWithError(s.batch_rows != 1 ? "not a GEMV shape" : "no AVX-512 VNNI");
    return;
  }
  const int threads = static_cast<int>(state.range(1));
  const int kind = static_cast<int>(state.range(2));
  const bool ternary = kind == 3 || kind == 1;
  std::vector<int8_t> levels =
      Random<int8_t>(static_cast<size_t>(s.out_c * s.depth()), kind == 4 ? -8 : (ternary ? -1 : -2),
                     kind == 4 ? 7 : 1);
  // Asymmetric ternary: +37 / -23 (TTQ-like); symmetric: +-37.
  if (ternary) {
    for (int8_t& w : levels)
      w = static_cast<int8_t>(w > 0 ? 37 : (w < 0 ? (kind == 3 ? -23 : -37) : 0));
  }
  const int bits = kind == 4 ? 4 : 2;
  const auto codes = kind == 4 ? trit::LowBitGemv::Codes::kInt4
                     : ternary ? trit::LowBitGemv::Codes::kTernary
                               : trit::LowBitGemv::Codes::kInt2;
  const std::vector<int32_t> bias = Random<int32_t>(static_cast<size_t>(s.out_c), -1000, 1000);
  const std::vector<uint8_t> input = Random<uint8_t>(static_cast<size_t>(s.in_c), 0, 255);
  const trit::Requant requant = trit::QuantizeMultiplier(0.0001);
  trit::GemvLayer layer;
  layer.n = s.out_c;
  layer.depth = s.in_c;
  layer.levels = levels.data();
  layer.bias = bias.data();
  layer.requant = &requant;
  layer.input_type = trit::DType::kU8;
  layer.input_zero_point = 128;
  layer.lo = 0;
  layer.hi = 255;
  const trit::LowBitGemv gemv(trit::Isa::kAvx512, layer, codes);
  levels.clear();
  levels.shrink_to_fit();
  trit::x86::AlignedArray<uint8_t> scratch(gemv.scratch_bytes());
  std::vector<uint8_t> output(static_cast<size_t>(s.out_c));
  trit::runtime::ThreadPool pool(threads);
  struct Job {
    const trit::LowBitGemv* gemv;
    const uint8_t* prepared;
    uint8_t* output;
    int64_t parts;
  };
  for (auto _ : state) {
    Job job{&gemv, gemv.Prepare(input.data(), scratch.data()), output.data(), threads};
    pool.Parallelize(
        threads,
        [](void* context, int64_t i) {
          const Job& j = *static_cast<const Job*>(context);
          const int64_t blocks = j.gemv->blocks();
          j.gemv->Compute(j.prepared, j.output, blocks * i / j.parts, blocks * (i + 1) / j.parts);
        },
        &job);
    benchmark::ClobberMemory();
  }
  SetCounters(state, s, VnniPeak(), threads);
  SetBandwidth(state, static_cast<double>(s.out_c) * static_cast<double>(s.in_c) * bits / 8);
}

void BM_SparseT(benchmark::State& state) {
  const Shape& s = kShapes[state.range(0)];
  const double sparsity = static_cast<double>(state.range(2)) / 100.0;
  std::mt19937 rng(3);
  std::uniform_real_distribution<double> uniform(0.0, 1.0);
  std::vector<int8_t> levels(static_cast<size_t>(s.out_c) * static_cast<size_t>(s.in_c));
  for (int8_t& v : levels) v = uniform(rng) < sparsity ? 0 : (uniform(rng) < 0.5 ? 37 : -29);
  const std::vector<uint8_t> input = Random<uint8_t>(static_cast<size_t>(s.in_c), 0, 255);
  const trit::Requant requant = trit::QuantizeMultiplier(0.0001);
  trit::GemvLayer layer;
  layer.n = s.out_c;
  layer.depth = s.in_c;
  layer.levels = levels.data();
  layer.requant = &requant;
  layer.input_type = trit::DType::kU8;
  layer.input_zero_point = 128;
  layer.lo = 0;
  layer.hi = 255;
  const trit::sparse::TernaryGemv gemv(layer);
  std::vector<uint8_t> output(static_cast<size_t>(s.out_c));
  for (auto _ : state) {
    gemv.Run(input.data(), output.data());
    benchmark::ClobberMemory();
  }
  SetCounters(state, s, VnniPeak(), 1);
  SetBandwidth(state, static_cast<double>(gemv.nonzeros()) * 2);
}

// Read bandwidth: sums an array split across the threads, with the low-bit GEMV's software
// prefetch (4 KiB ahead), so that the GEMV is measured against the best plain read.
__attribute__((target("avx512f"))) void SumRange(const int64_t* data, int64_t count,
                                                 int64_t* result) {
  __m512i a = _mm512_setzero_si512(), b = _mm512_setzero_si512();
  for (int64_t i = 0; i + 16 <= count; i += 16) {
    _mm_prefetch(reinterpret_cast<const char*>(data + i + 512), _MM_HINT_T0);
    _mm_prefetch(reinterpret_cast<const char*>(data + i + 520), _MM_HINT_T0);
    a = _mm512_add_epi64(a, _mm512_load_si512(data + i));
    b = _mm512_add_epi64(b, _mm512_load_si512(data + i + 8));
  }
  *result = _mm512_reduce_add_epi64(_mm512_add_epi64(a, b));
}

void ReadBandwidth(benchmark::State& state, int64_t bytes, int threads) {
  const int64_t count = bytes / 8 / 16 * 16;
  trit::x86::AlignedArray<int64_t> data(static_cast<size_t>(count));
  for (int64_t i = 0; i < count; ++i) data.data()[i] = i;
  std::vector<int64_t> sums(static_cast<size_t>(threads));
  trit::runtime::ThreadPool pool(threads);
  struct Job {
    const int64_t* data;
    int64_t count, parts;
    int64_t* sums;
  } job{data.data(), count, threads, sums.data()};
  for (auto _ : state) {
    pool.Parallelize(
        threads,
        [](void* context, int64_t i) {
          const Job& j = *static_cast<const Job*>(context);
          const int64_t begin = j.count * i / j.parts / 16 * 16;
          const int64_t end = j.count * (i + 1) / j.parts / 16 * 16;
          SumRange(j.data + begin, end - begin, j.sums + i);
        },
        &job);
    benchmark::DoNotOptimize(sums.data());
  }
  state.counters["GB/s"] = benchmark::Counter(static_cast<double>(count * 8) * 1e-9,
                                              benchmark::Counter::kIsIterationInvariantRate);
}

// DRAM: a 1 GiB array, far above the L3 of most machines.
void BM_DramRead(benchmark::State& state) {
  if (trit::DetectedIsa() != Isa::kAvx512) {
    state.SkipWithError("no AVX-512");
    return;
  }
  ReadBandwidth(state, int64_t{1} << 30, static_cast<int>(state.range(1)));
  state.SetLabel("dram_read_1GiB");
}

// The memory wall of one GEMV: the read bandwidth over as many bytes as its 2- or 4-bit codes
// (the third argument), from whatever level of the hierarchy holds them (a large L3 can).
void BM_ReadAtGemvSize(benchmark::State& state) {
  const Shape& s = kShapes[state.range(0)];
  if (trit::DetectedIsa() != Isa::kAvx512) {
    state.SkipWithError("no AVX-512");
    return;
  }
  const int64_t bits = state.range(2);
  ReadBandwidth(state, int64_t{s.out_c} * s.in_c * bits / 8, static_cast<int>(state.range(1)));
  state.SetLabel(std::string(s.name) + "_read");
}

#if defined(TRIT_HAVE_DNNL)
// oneDNN on the same shapes: u8 x s8 -> u8 with per-channel output scales (our epilogue), or
// f32; matmul for GEMM shapes, NHWC convolution for the others; weights in the layout oneDNN
// picks (reordered once, outside the timing, as our packing is).
void BM_OneDnn(benchmark::State& state, bool int8) {
  using namespace dnnl;
  const Shape& s = kShapes[state.range(0)];
  const int threads = static_cast<int>(state.range(1));
  engine eng(engine::kind::cpu, 0);
  stream strm(eng);
  const auto src_type = int8 ? memory::data_type::u8 : memory::data_type::f32;
  const auto wei_type = int8 ? memory::data_type::s8 : memory::data_type::f32;
  const auto dst_type = int8 ? memory::data_type::u8 : memory::data_type::f32;
  primitive_attr attr;
  if (int8) attr.set_output_scales(2, std::vector<float>(static_cast<size_t>(s.out_c), 1e-4f));
  primitive prim;
  memory src, weights, dst;
  if (s.batch_rows) {
    const memory::desc src_md({s.batch_rows, s.in_c}, src_type, memory::format_tag::ab);
    const memory::desc wei_any({s.in_c, s.out_c}, wei_type, memory::format_tag::any);
    const memory::desc dst_md({s.batch_rows, s.out_c}, dst_type, memory::format_tag::ab);
    const matmul::primitive_desc pd(matmul::desc(src_md, wei_any, dst_md), attr, eng);
    prim = matmul(pd);
    src = memory(src_md, eng);
    weights = memory(pd.weights_desc(), eng);
    dst = memory(dst_md, eng);
  } else {
    const memory::dims src_dims = {1, s.in_c, s.in_h, s.in_w};
    const memory::dims wei_dims = {s.out_c, s.in_c, s.kernel, s.kernel};
    const memory::dims dst_dims = {1, s.out_c, s.out_h(), s.out_w()};
    const memory::desc src_md(src_dims, src_type, memory::format_tag::nhwc);
    const memory::desc wei_any(wei_dims, wei_type, memory::format_tag::any);
    const memory::desc dst_md(dst_dims, dst_type, memory::format_tag::nhwc);
    const convolution_forward::primitive_desc pd(
        convolution_forward::desc(prop_kind::forward_inference, algorithm::convolution_direct,
                                  src_md, wei_any, dst_md, {s.stride, s.stride}, {s.pad, s.pad},
                                  {s.pad, s.pad}),
        attr, eng);
    prim = convolution_forward(pd);
    src = memory(src_md, eng);
    weights = memory(pd.weights_desc(), eng);
    dst = memory(dst_md, eng);
  }
  std::memset(src.get_data_handle(), 1, src.get_desc().get_size());
  std::memset(weights.get_data_handle(), 1, weights.get_desc().get_size());
  const std::unordered_map<int, memory> args = {
      {DNNL_ARG_SRC, src}, {DNNL_ARG_WEIGHTS, weights}, {DNNL_ARG_DST, dst}};
  for (auto _ : state) {
    prim.execute(strm, args);
    strm.wait();
  }
  SetCounters(state, s, int8 ? VnniPeak() : FmaPeak(), threads);
}
#endif

void Shapes(benchmark::internal::Benchmark* b) {
  for (int i = 0; i < kShapeCount; ++i) {
    for (const int threads : {1, 2}) b->Args({i, threads});
  }
  b->ArgNames({"shape", "threads"})->UseRealTime();
}

BENCHMARK(BM_DramRead)->Args({0, 1})->Args({0, 2})->ArgNames({"shape", "threads"})->UseRealTime();
BENCHMARK(BM_ReadAtGemvSize)
    ->Apply([](benchmark::internal::Benchmark* b) {
      for (int i = 0; i < kShapeCount; ++i) {
        if (kShapes[i].batch_rows != 1) continue;
        for (const int threads : {1, 2}) {
          for (const int bits : {4, 2}) b->Args({i, threads, bits});
        }
      }
    })
    ->ArgNames({"shape", "threads", "bits"})
    ->UseRealTime();
BENCHMARK(BM_TritLowBit)
    ->Apply([](benchmark::internal::Benchmark* b) {
      for (int i = 0; i < kShapeCount; ++i) {
        if (kShapes[i].batch_rows != 1) continue;
        for (const int threads : {1, 2}) {
          for (const int kind : {4, 2, 3, 1}) b->Args({i, threads, kind});
        }
      }
    })
    ->ArgNames({"shape", "threads", "codes"})
    ->UseRealTime();
BENCHMARK(BM_LowBitRows)
    ->ArgsProduct({{3, 13, 16}, {1, 2, 3, 4, 6, 8}, {0, 1, 2}})
    ->ArgNames({"shape", "rows", "form"})
    ->UseRealTime();
BENCHMARK(BM_SparseT)
    ->ArgsProduct({{2, 3}, {1}, {50, 70, 90, 95, 98}})
    ->ArgNames({"shape", "threads", "sparsity"})
    ->UseRealTime();
BENCHMARK_CAPTURE(BM_TritB1, avx512vpopcntdq, Isa::kAvx512)->Apply(Shapes);
BENCHMARK_CAPTURE(BM_TritB1, avx2, Isa::kAvx2)->Apply(Shapes);
// Batch-1 shapes run the GEMV kernels at AVX-512, so only AVX2 takes them here (the largest,
// 16384 x 16384, left out: a quarter of a GiB of int8 per form).
template <bool kWithGemv>
void CodeShapes(benchmark::internal::Benchmark* b) {
  for (int i = 0; i < kShapeCount; ++i) {
    if (kShapes[i].batch_rows == 1 && (!kWithGemv || kShapes[i].macs() > (int64_t{1} << 26))) {
      continue;
    }
    for (const int kind : {3, 2, 4, 1}) {
      for (const int form : {0, 1}) b->Args({i, kind, form});
    }
  }
  b->ArgNames({"shape", "codes", "panel"})->UseRealTime();
}
// A batched Dense and the convolutions of 16 and more input channels (the first layers run
// with row taps).
void BlockShapes(benchmark::internal::Benchmark* b) {
  b->ArgsProduct({{1, 7, 8, 9, 10, 11, 12, 14}, {0, 25, 50, 75, 90}, {0, 1}})
      ->ArgNames({"shape", "zero_blocks", "lists"})
      ->UseRealTime();
}
BENCHMARK_CAPTURE(BM_TritQ8Blocks, avx512vnni, Isa::kAvx512)->Apply(BlockShapes);
BENCHMARK_CAPTURE(BM_TritQ8Blocks, avx2, Isa::kAvx2)->Apply(BlockShapes);
BENCHMARK_CAPTURE(BM_TritQ8Codes, avx512vnni, Isa::kAvx512)->Apply(CodeShapes<false>);
BENCHMARK_CAPTURE(BM_TritQ8Codes, avx2, Isa::kAvx2)->Apply(CodeShapes<true>);
BENCHMARK_CAPTURE(BM_TritQ8, avx512vnni, Isa::kAvx512)->Apply(Shapes);
BENCHMARK_CAPTURE(BM_TritQ8, avx2, Isa::kAvx2)->Apply(Shapes);
BENCHMARK_CAPTURE(BM_TritF32, avx512, Isa::kAvx512)->Apply(Shapes);
#if defined(TRIT_HAVE_DNNL)
BENCHMARK_CAPTURE(BM_OneDnn, u8s8, true)->Apply(Shapes);
BENCHMARK_CAPTURE(BM_OneDnn, f32, false)->Apply(Shapes);
#endif

}  // namespace

BENCHMARK_MAIN();
