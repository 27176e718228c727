// Fluent testers of the Conv2D and Dense kernel tables (kernels/registry/linear.h), in the
// manner of XNNPACK's GEMM tester: describe a layer, then Test*() builds every row of the
// family's table that this CPU can run and compares it with the reference kernel (the oracle):
// bit for bit for 8-bit and binary layers, within the rounding bound for fp32. Every kernel runs
// twice, its rows in two parts and its column tiles in two parts, as two threads would.
//
//   ConvTester().input(9, 9).channels(17, 33).kernel(3, 3).stride(2, 2).TestQ8(rng);
//   DenseTester().rows(1).depth(300).channels(37).weights(DType::kI4).TestQ8(rng);
#pragma once

#include <algorithm>
#include <cmath>
#include <cstring>
#include <limits>
#include <numeric>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "kernel_tester.h"
#include "kernels/f32_winograd.h"
#include "kernels/ref/binarize.h"
#include "kernels/ref/conv2d.h"
#include "kernels/ref/dense.h"
#include "kernels/registry/linear.h"
#include "kernels/sparse/ternary_gemv.h"
#if defined(__x86_64__)
#include "kernels/x86/q8_gemm.h"
#endif

namespace trit::test {

// Runs a built kernel on `input` into `output` in two parts by rows, then again in two parts by
// column tiles; both must give the same bytes (returned: the first run's). A kernel that
// prepares in parts (TiledKernel::prepares_in_parts) also prepares in 2 and 3 parts, run last
// part first into scratch holding other bytes, and must give the same bytes again.
template <typename T>
std::vector<T> RunInParts(const TiledKernel& kernel, const void* input, size_t outputs) {
  std::vector<uint8_t> storage(kernel.scratch_bytes() + 128, 0x5a);
  void* scratch = storage.data() + (64 - reinterpret_cast<uintptr_t>(storage.data()) % 64);
  const void* prepared = kernel.Prepare(input, scratch);
  std::vector<T> by_rows(outputs), by_tiles(outputs);
  const int64_t half_rows = kernel.rows() / kernel.rows_per_call() / 2 * kernel.rows_per_call();
  kernel.Compute(prepared, by_rows.data(), 0, half_rows, 0, kernel.tiles());
  kernel.Compute(prepared, by_rows.data(), half_rows, kernel.rows(), 0, kernel.tiles());
  const int64_t half_tiles = kernel.tiles() / 2;
  kernel.Compute(prepared, by_tiles.data(), 0, kernel.rows(), 0, half_tiles);
  kernel.Compute(prepared, by_tiles.data(), 0, kernel.rows(), half_tiles, kernel.tiles());
  EXPECT_TRUE(std::equal(by_rows.begin(), by_rows.end(), by_tiles.begin(),
                         [](T a, T b) { return std::memcmp(&a, &b, sizeof(T)) == 0; }))
      << kernel.name() << ": the split by tiles differs from the split by rows";
  if (kernel.prepares_in_parts()) {
    for (const int64_t parts : {2, 3}) {
      std::vector<uint8_t> other(kernel.scratch_bytes() + 128, 0xa5);
      void* part_scratch = other.data() + (64 - reinterpret_cast<uintptr_t>(other.data()) % 64);
      const void* part_prepared = nullptr;
      for (int64_t part = parts - 1; part >= 0; --part) {
        part_prepared = kernel.PreparePart(input, part_scratch, part, parts);
      }
      std::vector<T> from_parts(outputs);
      kernel.Compute(part_prepared, from_parts.data(), 0, kernel.rows(), 0, kernel.tiles());
      EXPECT_TRUE(std::equal(by_rows.begin(), by_rows.end(), from_parts.begin(),
                             [](T a, T b) { return std::memcmp(&a, &b, sizeof(T)) == 0; }))
          << kernel.name() << ": preparing in " << parts << " parts changes the result";
    }
  }
  return by_rows;
}

inline std::vector<float> RandomFloats(Rng& rng, int64_t count) {
  std::vector<float> v(static_cast<size_t>(count));
  for (float& x : v) x = static_cast<float>(rng.Real(-1, 1));
  return v;
}

inline std::vector<float> Magnitudes(std::vector<float> v) {
  for (float& x : v) x = std::fabs(x);
  return v;
}

// The Winograd rows of the fp32 table round more than a direct sum: their bound grows by
// WinogradRoundingGrowth (kernels/f32_winograd.h); every other row's is the direct sum's.
inline double RoundingGrowth(std::string_view kernel) {
  if (kernel.find("winograd_f4x4") != std::string_view::npos) return WinogradRoundingGrowth(4);
  if (kernel.find("winograd_f2x2") != std::string_view::npos) return WinogradRoundingGrowth(2);
  return 1.0;
}

// Levels drawn in the range of a stored low-bit type: int4 and int2 uniform; ternary
// {+pos, 0, -neg} per channel (asymmetric or not, `zero_share` zeros, or a random share when
// negative); binary +-1. i8: left as they are (RandomQ8Case's patterns).
inline void DrawLevels(Rng& rng, DType type, double zero_share, int64_t channels, int64_t depth,
                       std::vector<int8_t>& levels) {
  switch (type) {
    case DType::kI4:
    case DType::kI2: {
      const int lowest = type == DType::kI4 ? -8 : -2;
      for (int8_t& w : levels) w = static_cast<int8_t>(rng.Int(lowest, -lowest - 1));
      return;
    }
    case DType::kTernary:
    case DType::kBinary: {
      const bool symmetric = rng.Bool();
      const double zeros = zero_share >= 0 ? zero_share : rng.Real(0, 1);
      for (int64_t ch = 0; ch < channels; ++ch) {
        const int pos = rng.Int(1, 127), neg = symmetric ? pos : rng.Int(1, 127);
        for (int64_t k = 0; k < depth; ++k) {
          int8_t& w = levels[static_cast<size_t>(ch * depth + k)];
          if (type == DType::kBinary) {
            w = rng.Bool() ? 1 : -1;
          } else {
            w = static_cast<int8_t>(rng.Real(0, 1) < zeros ? 0 : (rng.Bool() ? pos : -neg));
          }
        }
      }
      return;
    }
    default:
      return;
  }
}

// Zeroes blocks of 16 channels x 1 tap x 4 input channels ([channels][taps][in_c] levels),
// each with probability `share`: the blocks the AVX-512 block lists skip.
inline void ZeroBlocks(Rng& rng, double share, int64_t channels, int64_t taps, int64_t in_c,
                       std::vector<int8_t>& levels) {
  for (int64_t c0 = 0; c0 < channels; c0 += 16) {
    for (int64_t tap = 0; tap < taps; ++tap) {
      for (int64_t k0 = 0; k0 < in_c; k0 += 4) {
        if (rng.Real(0, 1) >= share) continue;
        for (int64_t c = c0; c < std::min(channels, c0 + 16); ++c) {
          for (int64_t k = k0; k < std::min(in_c, k0 + 4); ++k)
            levels[static_cast<size_t>((c * taps + tap) * in_c + k)] = 0;
        }
      }
    }
  }
}

// Levels of a low-bit type as a model stores them: bit-packed codes, and for ternary the
// per-channel magnitudes (a channel without a positive or negative level gets 1 there).
struct StoredWeights {
  std::vector<uint8_t> bits;
  std::vector<int8_t> pos, neg;
  ref::QuantWeights view;

  StoredWeights(DType type, const std::vector<int8_t>& levels, int64_t channels, int64_t depth)
      : bits(StorageBytes(type, channels * depth)) {
    const int b = BitsPerElement(type);
    if (type == DType::kTernary) {
      pos.assign(static_cast<size_t>(channels), 1);
      neg.assign(static_cast<size_t>(channels), 1);
    }
    for (int64_t i = 0; i < channels * depth; ++i) {
      const int level = levels[static_cast<size_t>(i)];
      const size_t ch = static_cast<size_t>(i / depth);
      int code_level = level;
      if (type == DType::kTernary) {
        if (level > 0) pos[ch] = static_cast<int8_t>(level);
        if (level < 0) neg[ch] = static_cast<int8_t>(-level);
        code_level = level > 0 ? 1 : (level < 0 ? -1 : 0);
      }
      bits[static_cast<size_t>(i * b / 8)] |=
          static_cast<uint8_t>(LevelCode(type, code_level) << (i * b % 8));
    }
    view.type = type;
    view.data = bits.data();
    view.ternary_pos = pos.data();
    view.ternary_neg = neg.data();
    view.per_channel = true;
  }
};

// The GEMM table run again on the layer's weights as stored codes (the kernels that keep them
// packed), where the weight type is a low-bit one.
template <typename Check>
int ForEachRunnableRowOnCodes(DType type, Q8GemmLayer layer, int64_t channels, int64_t depth,
                              const std::vector<int8_t>& levels, const Check& check) {
  if (type == DType::kI8) return 0;
  const StoredWeights stored(type, levels, channels, depth);
  layer.levels = nullptr;
  layer.codes = stored.view;
  return ForEachRunnableRow(Q8GemmKernels(), layer, [&](const auto& row) { check(row, layer); });
}

class ConvTester {
 public:
  ConvTester& batch(int n) { return Set(geometry_.batch, n); }
  ConvTester& input(int h, int w) {
    geometry_.in_h = h;
    geometry_.in_w = w;
    return *this;
  }
  ConvTester& channels(int in, int out) {
    geometry_.in_c = in;
    geometry_.out_c = out;
    return *this;
  }
  ConvTester& kernel(int h, int w) {
    geometry_.kernel_h = h;
    geometry_.kernel_w = w;
    return *this;
  }
  ConvTester& stride(int h, int w) {
    geometry_.stride_h = h;
    geometry_.stride_w = w;
    return *this;
  }
  ConvTester& dilation(int d) {
    geometry_.dilation_h = geometry_.dilation_w = d;
    return *this;
  }
  ConvTester& padding(int top, int left, int bottom, int right) {
    geometry_.pad_top = top;
    geometry_.pad_left = left;
    pad_bottom_ = bottom;
    pad_right_ = right;
    return *this;
  }
  // Groups = input channels = output channels (the depthwise tables).
  ConvTester& depthwise(int channels) {
    depthwise_ = true;
    geometry_.in_c = geometry_.out_c = geometry_.groups = channels;
    return *this;
  }
  // Also run the 8-bit GEMM with the convolution's geometry (layers of few input channels then
  // run with the kernel's rows as taps).
  ConvTester& with_geometry(bool on) { return Set(with_geometry_, on); }
  // The stored weight type (DrawLevels); low-bit types also run the GEMM on their codes.
  ConvTester& weights(DType type) { return Set(weights_, type); }
  // Zeroes 16 x 4 blocks of the weights with this probability (ZeroBlocks), and also runs the
  // AVX-512 GEMM with its block lists forced on and off, whatever the share.
  ConvTester& zero_blocks(double share) { return Set(zero_blocks_, share); }

  // A random geometry: sizes across the tile edges, kernels 1x1 to 7x5, padding, strides,
  // dilation, batch 1 or 2.
  static ConvTester Random(Rng& rng, bool depthwise) {
    ConvTester t;
    t.batch(rng.Int(1, 2));
    const int kh = rng.Int(1, depthwise ? 7 : 5);
    t.kernel(kh, rng.Int(0, 3) ? kh : rng.Int(1, 5)).dilation(rng.Int(0, 4) ? 1 : 2);
    const ref::ConvGeometry& g = t.geometry_;
    t.input(rng.Int((g.kernel_h - 1) * g.dilation_h + 1, depthwise ? 14 : 12),
            rng.Int((g.kernel_w - 1) * g.dilation_w + 1, depthwise ? 14 : 12));
    if (depthwise) {
      t.depthwise(rng.Pick(kTileEdges) + (rng.Int(0, 5) == 0 ? 64 : 0));
    } else {
      t.channels(rng.Pick(kTileEdges), rng.Pick(kTileEdges));
    }
    const int sh = rng.Int(1, depthwise ? 2 : 3);
    t.stride(sh, rng.Int(0, 2) ? sh : rng.Int(1, depthwise ? 2 : 3));
    t.padding(rng.Int(0, g.kernel_h - 1), rng.Int(0, g.kernel_w - 1), rng.Int(0, g.kernel_h - 1),
              rng.Int(0, g.kernel_w - 1));
    t.with_geometry(rng.Bool());
    const DType types[] = {DType::kI8, DType::kI8,      DType::kI4,
                           DType::kI2, DType::kTernary, DType::kBinary};
    t.weights(rng.Pick(types));
    return t;
  }

  ref::ConvGeometry geometry() const {
    ref::ConvGeometry g = geometry_;
    g.out_h =
        (g.in_h + g.pad_top + pad_bottom_ - (g.kernel_h - 1) * g.dilation_h - 1) / g.stride_h + 1;
    g.out_w =
        (g.in_w + g.pad_left + pad_right_ - (g.kernel_w - 1) * g.dilation_w - 1) / g.stride_w + 1;
    return g;
  }
  std::string Describe() const {
    const ref::ConvGeometry g = geometry();
    return std::to_string(g.batch) + "x" + std::to_string(g.in_h) + "x" + std::to_string(g.in_w) +
           "x" + std::to_string(g.in_c) + " -> " + std::to_string(g.out_c) + ", kernel " +
           std::to_string(g.kernel_h) + "x" + std::to_string(g.kernel_w) + " stride " +
           std::to_string(g.stride_h) + "," + std::to_string(g.stride_w) + " dilation " +
           std::to_string(g.dilation_h) + " pads " + std::to_string(g.pad_top) + "," +
           std::to_string(g.pad_left) + "," + std::to_string(pad_bottom_) + "," +
           std::to_string(pad_right_) + (depthwise_ ? " depthwise" : "");
  }

  // 8-bit input and output, int8 levels: every runnable row of the Q8 GEMM (groups 1) or Q8
  // depthwise table against ref::Conv2DQ8. Returns the rows run.
  int TestQ8(Rng& rng) const {
    SCOPED_TRACE(Describe());
    const ref::ConvGeometry g = geometry();
    const int64_t taps = int64_t{g.kernel_h} * g.kernel_w;
    const int64_t depth = depthwise_ ? taps : taps * g.in_c;
    Q8Case c = RandomQ8Case(rng, Inputs(g), g.out_c, depth);
    DrawLevels(rng, weights_, -1, g.out_c, depth, c.levels);
    if (zero_blocks_ >= 0) ZeroBlocks(rng, zero_blocks_, g.out_c, taps, g.in_c, c.levels);
    std::vector<int8_t> expected(static_cast<size_t>(Outputs(g)));
    std::vector<int32_t> scratch(static_cast<size_t>(ref::Conv2DQ8ScratchCount(g)));
    WithTypes(c.input_type, c.output_type, [&](auto in, auto out) {
      ref::Conv2DQ8(g, reinterpret_cast<const decltype(in)*>(c.input.data()), c.input_zero_point,
                    I8Weights(c), c.bias.data(), c.out,
                    reinterpret_cast<decltype(out)*>(expected.data()), scratch.data());
    });
    const auto check = [&](const auto& row, const auto& layer) {
      const auto kernel = row.entry(row.isa, layer);
      EXPECT_EQ(RunInParts<int8_t>(*kernel, c.input.data(), expected.size()), expected)
          << kernel->name();
    };
    if (depthwise_) {
      Q8DepthwiseLayer layer;
      layer.geometry = g;
      SetCase(layer, c);
      return ForEachRunnableRow(Q8DepthwiseKernels(), layer,
                                [&](const auto& row) { check(row, layer); });
    }
    Q8GemmLayer layer = GemmLayer<Q8GemmLayer>(g);
    SetCase(layer, c);
    if (with_geometry_) layer.conv = g;
    int ran =
        ForEachRunnableRow(Q8GemmKernels(), layer, [&](const auto& row) { check(row, layer); }) +
        ForEachRunnableRowOnCodes(weights_, layer, g.out_c, depth, c.levels, check);
#if defined(__x86_64__)
    const auto& isas = RunnableIsas();
    for (const Isa isa : {Isa::kAvx512, Isa::kAvx2}) {
      if (zero_blocks_ < 0 || std::find(isas.begin(), isas.end(), isa) == isas.end()) continue;
      std::optional<StoredWeights> stored;
      if (weights_ != DType::kI8) stored.emplace(weights_, c.levels, g.out_c, depth);
      for (const x86::Q8Sparsity sparsity : {x86::Q8Sparsity::kBlocks, x86::Q8Sparsity::kDense}) {
        Q8GemmLayer forced = layer;
        if (stored) {
          forced.levels = nullptr;
          forced.codes = stored->view;
        }
        const TiledKernelOf<x86::Q8Gemm> kernel(isa, forced, sparsity);
        EXPECT_EQ(RunInParts<int8_t>(kernel, c.input.data(), expected.size()), expected)
            << kernel.name();
        const bool lists = kernel.name().find("_blocks16x") != std::string_view::npos;
        EXPECT_EQ(lists, sparsity == x86::Q8Sparsity::kBlocks && !Q8GemmPlan::UsesRowTaps(forced))
            << kernel.name();
        ++ran;
      }
    }
#endif
    return ran;
  }

  // fp32 with a random fused clamp: the F32 GEMM or depthwise table against ref::Conv2DF32.
  int TestF32(Rng& rng) const {
    SCOPED_TRACE(Describe());
    const ref::ConvGeometry g = geometry();
    const int64_t taps = int64_t{g.kernel_h} * g.kernel_w;
    const int64_t depth = depthwise_ ? taps : taps * g.in_c;
    const std::vector<float> x = RandomFloats(rng, Inputs(g));
    const std::vector<float> w = RandomFloats(rng, g.out_c * depth), b = RandomFloats(rng, g.out_c);
    const float inf = std::numeric_limits<float>::infinity();
    const bool relu = rng.Bool();
    const float lo = relu ? 0.0f : -inf, hi = relu && rng.Bool() ? 0.5f : inf;
    std::vector<float> expected(static_cast<size_t>(Outputs(g))), magnitude(expected.size());
    ref::Conv2DF32(g, x.data(), w.data(), b.data(), lo, hi, expected.data());
    ref::Conv2DF32(g, Magnitudes(x).data(), Magnitudes(w).data(), Magnitudes(b).data(), -inf, inf,
                   magnitude.data());
    const auto check = [&](const auto& row, const auto& layer) {
      const auto kernel = row.entry(row.isa, layer);
      SCOPED_TRACE(std::string(kernel->name()));
      ExpectWithinRounding(RunInParts<float>(*kernel, x.data(), expected.size()), expected,
                           magnitude, static_cast<double>(depth), RoundingGrowth(kernel->name()));
    };
    if (depthwise_) {
      F32DepthwiseLayer layer;
      layer.geometry = g;
      layer.weights = w.data();
      layer.bias = b.data();
      layer.lo = lo;
      layer.hi = hi;
      return ForEachRunnableRow(F32DepthwiseKernels(), layer,
                                [&](const auto& row) { check(row, layer); });
    }
    F32GemmLayer layer = GemmLayer<F32GemmLayer>(g);
    layer.weights = w.data();
    layer.bias = b.data();
    layer.lo = lo;
    layer.hi = hi;
    layer.conv = g;  // as the runtime gives it (the Winograd rows need it)
    return ForEachRunnableRow(F32GemmKernels(), layer, [&](const auto& row) { check(row, layer); });
  }

  // Binary input (packed bits, pixels starting mid-byte) and +-1 weights: the binary table
  // against ref::Conv2DQ8 on the bits unpacked to +-1 with zero point 0.
  int TestB1(Rng& rng) const {
    SCOPED_TRACE(Describe());
    const ref::ConvGeometry g = geometry();
    const int64_t depth = int64_t{g.kernel_h} * g.kernel_w * g.in_c;
    Q8Case c = RandomQ8Case(rng, 0, g.out_c, depth);
    for (int8_t& w : c.levels) w = rng.Bool() ? 1 : -1;
    std::vector<uint8_t> bits(static_cast<size_t>((Inputs(g) + 7) / 8));
    for (uint8_t& v : bits) v = static_cast<uint8_t>(rng.Int(0, 255));
    std::vector<int8_t> levels(static_cast<size_t>(Inputs(g)));
    ref::UnpackBinary(Inputs(g), bits.data(), levels.data());
    std::vector<int8_t> expected(static_cast<size_t>(Outputs(g)));
    std::vector<int32_t> scratch(static_cast<size_t>(ref::Conv2DQ8ScratchCount(g)));
    WithTypes(DType::kI8, c.output_type, [&](auto, auto out) {
      ref::Conv2DQ8(g, levels.data(), 0, I8Weights(c), c.bias.data(), c.out,
                    reinterpret_cast<decltype(out)*>(expected.data()), scratch.data());
    });
    B1GemmLayer layer = GemmLayer<B1GemmLayer>(g);
    SetCase(layer, c);
    return ForEachRunnableRow(B1GemmKernels(), layer, [&](const auto& row) {
      const auto kernel = row.entry(row.isa, layer);
      EXPECT_EQ(RunInParts<int8_t>(*kernel, bits.data(), expected.size()), expected)
          << kernel->name();
    });
  }

 private:
  template <typename T>
  ConvTester& Set(T& field, T value) {
    field = value;
    return *this;
  }
  static int64_t Inputs(const ref::ConvGeometry& g) {
    return int64_t{g.batch} * g.in_h * g.in_w * g.in_c;
  }
  static int64_t Outputs(const ref::ConvGeometry& g) {
    return int64_t{g.batch} * g.out_h * g.out_w * g.out_c;
  }
  template <typename Layer>
  static Layer GemmLayer(const ref::ConvGeometry& g) {
    Layer layer;
    layer.m = int64_t{g.batch} * g.out_h * g.out_w;
    layer.n = g.out_c;
    layer.taps = int64_t{g.kernel_h} * g.kernel_w;
    layer.depth = g.in_c;
    layer.vectors = int64_t{g.batch} * g.in_h * g.in_w;
    layer.indirection =
        ConvIndirection(g.batch, g.in_h, g.in_w, g.out_h, g.out_w, g.kernel_h, g.kernel_w,
                        g.stride_h, g.stride_w, g.pad_top, g.pad_left, g.dilation_h, g.dilation_w);
    return layer;
  }

  ref::ConvGeometry geometry_{.batch = 1,
                              .in_h = 5,
                              .in_w = 5,
                              .in_c = 1,
                              .out_h = 0,
                              .out_w = 0,
                              .out_c = 1,
                              .kernel_h = 1,
                              .kernel_w = 1};
  int pad_bottom_ = 0, pad_right_ = 0;
  bool depthwise_ = false;
  bool with_geometry_ = false;
  DType weights_ = DType::kI8;
  double zero_blocks_ = -1;
};

class DenseTester {
 public:
  DenseTester& rows(int m) { return Set(rows_, m); }
  DenseTester& depth(int k) { return Set(depth_, k); }
  DenseTester& channels(int n) { return Set(channels_, n); }
  // The stored weight type: the levels drawn in its range (i8 also in the RandomQ8Case
  // patterns); ternary and binary per channel {+pos, 0, -neg} ({+1, -1}), asymmetric or not.
  DenseTester& weights(DType type) { return Set(weights_, type); }
  // Ternary weights: this share of them zero (else random).
  DenseTester& zero_share(double share) { return Set(zero_share_, share); }

  std::string Describe() const {
    return std::to_string(rows_) + "x" + std::to_string(depth_) + " -> " +
           std::to_string(channels_) + " " + std::string(DTypeName(weights_)) + " weights";
  }

  // 8-bit input and output: every runnable row of the Q8 GEMM table, and up to kQ8GemvMaxRows
  // rows of the GEMV table, against ref::DenseQ8. Returns the rows run.
  int TestQ8(Rng& rng) const {
    SCOPED_TRACE(Describe());
    Q8Case c = RandomQ8Case(rng, int64_t{rows_} * depth_, channels_, depth_);
    DrawLevels(rng, weights_, zero_share_, channels_, depth_, c.levels);
    std::vector<int8_t> expected(static_cast<size_t>(rows_ * channels_));
    std::vector<int32_t> scratch(static_cast<size_t>(depth_));
    WithTypes(c.input_type, c.output_type, [&](auto in, auto out) {
      ref::DenseQ8(rows_, depth_, channels_, reinterpret_cast<const decltype(in)*>(c.input.data()),
                   c.input_zero_point, I8Weights(c), c.bias.data(), c.out,
                   reinterpret_cast<decltype(out)*>(expected.data()), scratch.data());
    });
    const auto check = [&](const auto& row, const auto& problem) {
      const auto kernel = row.entry(row.isa, problem);
      EXPECT_EQ(RunInParts<int8_t>(*kernel, c.input.data(), expected.size()), expected)
          << kernel->name();
    };
    Q8GemmLayer layer = GemmLayer<Q8GemmLayer>();
    SetCase(layer, c);
    int ran =
        ForEachRunnableRow(Q8GemmKernels(), layer, [&](const auto& row) { check(row, layer); });
    ran += ForEachRunnableRowOnCodes(weights_, layer, channels_, depth_, c.levels, check);
    if (rows_ <= kQ8GemvMaxRows) {
      Q8GemvProblem problem;
      problem.layer.rows = rows_;
      problem.layer.n = channels_;
      problem.layer.depth = depth_;
      SetCase(problem.layer, c);
      problem.weights = weights_;
      problem.ternary_per_channel = IsTernaryPerChannel(c.levels.data(), channels_, depth_);
      problem.fits_index_lists = sparse::TernaryGemv::Fits(c.levels.data(), channels_, depth_);
      problem.zero_share = static_cast<double>(std::count(c.levels.begin(), c.levels.end(), 0)) /
                           static_cast<double>(c.levels.size());
      ran += ForEachRunnableRow(Q8GemvKernels(), problem,
                                [&](const auto& row) { check(row, problem); });
      if (weights_ != DType::kI8) {  // the same kernels reading the stored codes row by row
        const StoredWeights stored(weights_, c.levels, channels_, depth_);
        problem.layer.levels = nullptr;
        problem.layer.codes = stored.view;
        EXPECT_EQ(IsTernaryPerChannel(problem.layer), problem.ternary_per_channel);
        ran += ForEachRunnableRow(Q8GemvKernels(), problem,
                                  [&](const auto& row) { check(row, problem); });
      }
    }
    return ran;
  }

  int TestF32(Rng& rng) const {
    SCOPED_TRACE(Describe());
    const std::vector<float> x = RandomFloats(rng, int64_t{rows_} * depth_);
    const std::vector<float> w = RandomFloats(rng, int64_t{channels_} * depth_);
    const std::vector<float> b = RandomFloats(rng, channels_);
    const float inf = std::numeric_limits<float>::infinity();
    const bool relu = rng.Bool();
    const float lo = relu ? 0.0f : -inf, hi = relu && rng.Bool() ? 0.5f : inf;
    std::vector<float> expected(static_cast<size_t>(rows_ * channels_)), magnitude(expected.size());
    ref::DenseF32(rows_, depth_, channels_, x.data(), w.data(), b.data(), lo, hi, expected.data());
    ref::DenseF32(rows_, depth_, channels_, Magnitudes(x).data(), Magnitudes(w).data(),
                  Magnitudes(b).data(), -inf, inf, magnitude.data());
    F32GemmLayer layer = GemmLayer<F32GemmLayer>();
    layer.weights = w.data();
    layer.bias = b.data();
    layer.lo = lo;
    layer.hi = hi;
    return ForEachRunnableRow(F32GemmKernels(), layer, [&](const auto& row) {
      const auto kernel = row.entry(row.isa, layer);
      SCOPED_TRACE(std::string(kernel->name()));
      ExpectWithinRounding(RunInParts<float>(*kernel, x.data(), expected.size()), expected,
                           magnitude, static_cast<double>(depth_));
    });
  }

  int TestB1(Rng& rng) const {
    SCOPED_TRACE(Describe());
    Q8Case c = RandomQ8Case(rng, 0, channels_, depth_);
    for (int8_t& w : c.levels) w = rng.Bool() ? 1 : -1;
    const int64_t inputs = int64_t{rows_} * depth_;
    std::vector<uint8_t> bits(static_cast<size_t>((inputs + 7) / 8));
    for (uint8_t& v : bits) v = static_cast<uint8_t>(rng.Int(0, 255));
    std::vector<int8_t> levels(static_cast<size_t>(inputs));
    ref::UnpackBinary(inputs, bits.data(), levels.data());
    std::vector<int8_t> expected(static_cast<size_t>(rows_ * channels_));
    std::vector<int32_t> scratch(static_cast<size_t>(depth_));
    WithTypes(DType::kI8, c.output_type, [&](auto, auto out) {
      ref::DenseQ8(rows_, depth_, channels_, levels.data(), 0, I8Weights(c), c.bias.data(), c.out,
                   reinterpret_cast<decltype(out)*>(expected.data()), scratch.data());
    });
    B1GemmLayer layer = GemmLayer<B1GemmLayer>();
    SetCase(layer, c);
    return ForEachRunnableRow(B1GemmKernels(), layer, [&](const auto& row) {
      const auto kernel = row.entry(row.isa, layer);
      EXPECT_EQ(RunInParts<int8_t>(*kernel, bits.data(), expected.size()), expected)
          << kernel->name();
    });
  }

 private:
  template <typename T>
  DenseTester& Set(T& field, T value) {
    field = value;
    return *this;
  }

  template <typename Layer>
  Layer GemmLayer() const {
    Layer layer;
    layer.m = rows_;
    layer.n = channels_;
    layer.depth = depth_;
    layer.vectors = rows_;
    layer.indirection.resize(static_cast<size_t>(rows_));
    std::iota(layer.indirection.begin(), layer.indirection.end(), 0);
    return layer;
  }

  int rows_ = 1, depth_ = 1, channels_ = 1;
  DType weights_ = DType::kI8;
  double zero_share_ = -1;
};

}  // namespace trit::test
