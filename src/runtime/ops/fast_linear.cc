#include "runtime/ops/fast_linear.h"

#include <algorithm>
#include <numeric>
#include <optional>
#include <utility>
#include <vector>

#include "kernels/isa.h"
#include "kernels/sparse/ternary_gemv.h"
#include "runtime/ops/binary_input.h"
#include "runtime/ops/gemm_split.h"
#include "runtime/ops/quantized_linear.h"
#include "runtime/thread_pool.h"
#if defined(__x86_64__)
#include "kernels/x86/b1_gemm.h"
#include "kernels/x86/f32_depthwise.h"
#include "kernels/x86/f32_gemm.h"
#include "kernels/x86/lowbit_gemv.h"
#include "kernels/x86/q8_depthwise.h"
#include "kernels/x86/q8_gemm.h"
#endif

namespace trit::runtime {

#if defined(__x86_64__)
namespace {

// Every weight type as int8 levels (ternary: {-neg, 0, +pos}), or nothing where a level does
// not fit (it always does for the types the format stores).
bool DecodeLevels(const QuantizedLinear& linear, int64_t channels, int64_t depth,
                  std::vector<int8_t>& levels) {
  std::vector<int32_t> channel(static_cast<size_t>(depth));
  levels.resize(static_cast<size_t>(channels * depth));
  for (int64_t c = 0; c < channels; ++c) {
    ref::DecodeChannel(linear.weights, static_cast<int>(c), c * depth, depth, channel.data());
    for (int64_t i = 0; i < depth; ++i) {
      const int32_t v = channel[static_cast<size_t>(i)];
      if (v < -128 || v > 127) return false;
      levels[static_cast<size_t>(c * depth + i)] = static_cast<int8_t>(v);
    }
  }
  return true;
}

// The integer parts every quantized layer struct shares: levels, bias, requantization, the
// input's zero point and type (binary inputs reach the int8 kernels unpacked to levels +-1),
// and the output's zero point, type and clamp.
template <typename Layer>
void SetQuantized(Layer& layer, const QuantizedLinear& linear, const Graph& g, const Node& node,
                  const std::vector<int8_t>& levels) {
  layer.levels = levels.data();
  layer.bias = linear.bias;
  layer.requant = linear.requant.data();
  layer.per_channel = linear.output.per_channel;
  if constexpr (requires { layer.input_type; }) {
    const DType input = Input(g, node, 0).dtype;
    layer.input_type = input == DType::kBinary ? DType::kI8 : input;
    layer.input_zero_point = linear.input_zero_point;
  }
  if constexpr (requires { layer.output_type; }) layer.output_type = Output(g, node).dtype;
  layer.output_zero_point = linear.output.zero_point;
  layer.lo = linear.output.lo;
  layer.hi = linear.output.hi;
}

class Q8GemmKernel final : public OpKernel {
 public:
  Q8GemmKernel(Isa isa, const QuantizedLinear& linear, const Graph& g, const Node& node,
               x86::Q8GemmLayer layer, const std::vector<int8_t>& levels, ThreadPool* pool)
      : gemm_(isa, Complete(std::move(layer), linear, g, node, levels)), pool_(pool) {}

  void Run(const void* const* inputs, void* const* outputs, void* scratch) override {
    GemmSplit<x86::Q8Gemm, void, void>::Run(gemm_, gemm_.Prepare(inputs[0], scratch), outputs[0],
                                            pool_);
  }
  size_t scratch_bytes() const override { return gemm_.scratch_bytes(); }
  std::string_view name() const override { return gemm_.name(); }

 private:
  static x86::Q8GemmLayer Complete(x86::Q8GemmLayer layer, const QuantizedLinear& linear,
                                   const Graph& g, const Node& node,
                                   const std::vector<int8_t>& levels) {
    SetQuantized(layer, linear, g, node, levels);
    return layer;
  }

  x86::Q8Gemm gemm_;
  ThreadPool* pool_;
};

std::unique_ptr<OpKernel> MakeQ8Gemm(const Graph& g, const Node& node, x86::Q8GemmLayer layer,
                                     Activation activation, ThreadPool* pool) {
  const Isa isa = ActiveIsa();
  if (isa == Isa::kRef) return nullptr;
  const QuantizedLinear linear(g, node, layer.n, layer.taps * layer.depth, activation);
  std::vector<int8_t> levels;
  if (!DecodeLevels(linear, layer.n, layer.taps * layer.depth, levels)) return nullptr;
  return std::make_unique<Q8GemmKernel>(isa, linear, g, node, std::move(layer), levels, pool);
}

class Q8DepthwiseKernel final : public OpKernel {
 public:
  Q8DepthwiseKernel(Isa isa, const x86::Q8DepthwiseLayer& layer, ThreadPool* pool)
      : conv_(isa, layer), pool_(pool) {}

  void Run(const void* const* inputs, void* const* outputs, void*) override {
    GemmSplit<x86::Q8Depthwise, void, void>::Run(conv_, inputs[0], outputs[0], pool_);
  }
  std::string_view name() const override { return conv_.name(); }

 private:
  x86::Q8Depthwise conv_;
  ThreadPool* pool_;
};

std::unique_ptr<OpKernel> MakeQ8Depthwise(const Graph& g, const Node& node,
                                          const ref::ConvGeometry& geo, Activation activation,
                                          ThreadPool* pool) {
  const Isa isa = ActiveIsa();
  if (isa == Isa::kRef) return nullptr;
  const int64_t taps = int64_t{geo.kernel_h} * geo.kernel_w;
  const QuantizedLinear linear(g, node, geo.out_c, taps, activation);
  std::vector<int8_t> levels;
  if (!DecodeLevels(linear, geo.out_c, taps, levels)) return nullptr;
  x86::Q8DepthwiseLayer layer;
  layer.geometry = geo;
  SetQuantized(layer, linear, g, node, levels);
  return std::make_unique<Q8DepthwiseKernel>(isa, layer, pool);
}

class B1GemmKernel final : public OpKernel {
 public:
  explicit B1GemmKernel(const x86::B1GemmLayer& layer, ThreadPool* pool)
      : gemm_(layer), pool_(pool) {}

  void Run(const void* const* inputs, void* const* outputs, void* scratch) override {
    GemmSplit<x86::B1Gemm, uint32_t, void>::Run(gemm_, gemm_.Prepare(inputs[0], scratch),
                                                outputs[0], pool_);
  }
  size_t scratch_bytes() const override { return gemm_.scratch_bytes(); }
  std::string_view name() const override { return gemm_.name(); }

 private:
  x86::B1Gemm gemm_;
  ThreadPool* pool_;
};

// A layer with binary inputs, given as the int8 GEMM's shape: binary weights run the xor +
// popcount GEMM where the CPU has VPOPCNTDQ; otherwise the input is unpacked to int8 levels
// for the int8 GEMM.
std::unique_ptr<OpKernel> MakeBinaryInputGemm(const Graph& g, const Node& node,
                                              x86::Q8GemmLayer layer, Activation activation,
                                              ThreadPool* pool) {
  const Isa isa = ActiveIsa();
  if (isa == Isa::kRef) return nullptr;
  const int64_t input_count = NumElements(Input(g, node, 0).shape);
  const DType weights = Input(g, node, 1).dtype;
  if (isa == Isa::kAvx512 && HasAvx512Vpopcntdq() && weights == DType::kBinary) {
    const QuantizedLinear linear(g, node, layer.n, layer.taps * layer.depth, activation);
    std::vector<int8_t> levels;
    if (!DecodeLevels(linear, layer.n, layer.taps * layer.depth, levels)) return nullptr;
    x86::B1GemmLayer binary;
    binary.m = layer.m;
    binary.n = layer.n;
    binary.taps = layer.taps;
    binary.depth = layer.depth;
    binary.vectors = layer.vectors;
    binary.indirection = std::move(layer.indirection);
    SetQuantized(binary, linear, g, node, levels);
    return std::make_unique<B1GemmKernel>(binary, pool);
  }
  auto int8 = MakeQ8Gemm(g, node, std::move(layer), activation, pool);
  if (!int8) return nullptr;
  const std::string name = std::string(int8->name()) + "_from_b1";
  return std::make_unique<UnpackedBinaryInput>(std::move(int8), input_count, node.inputs.size(),
                                               name);
}

// Batch-1 Dense kernels (x86/lowbit_gemv.h, sparse/ternary_gemv.h): the input
// prepared once, output channel blocks split across the threads.
template <typename Gemv>
class GemvKernel final : public OpKernel {
 public:
  template <typename... Args>
  explicit GemvKernel(ThreadPool* pool, Args&&... args)
      : gemv_(std::forward<Args>(args)...), pool_(pool) {}

  void Run(const void* const* inputs, void* const* outputs, void* scratch) override {
    Job job{&gemv_, gemv_.Prepare(inputs[0], scratch), outputs[0], 1};
    const int threads = pool_ ? pool_->threads() : 1;
    job.parts = std::min<int64_t>(threads, gemv_.blocks());
    if (job.parts <= 1) {
      gemv_.Compute(job.prepared, job.output, 0, gemv_.blocks());
      return;
    }
    pool_->Parallelize(job.parts, &Part, &job);
  }
  size_t scratch_bytes() const override { return gemv_.scratch_bytes(); }
  std::string_view name() const override { return gemv_.name(); }

 private:
  struct Job {
    const Gemv* gemv;
    decltype(std::declval<const Gemv&>().Prepare(nullptr, nullptr)) prepared;
    void* output;
    int64_t parts;
  };
  static void Part(void* context, int64_t i) {
    const Job& job = *static_cast<const Job*>(context);
    const int64_t blocks = job.gemv->blocks();
    job.gemv->Compute(job.prepared, job.output, blocks * i / job.parts,
                      blocks * (i + 1) / job.parts);
  }

  Gemv gemv_;
  ThreadPool* pool_;
};

// The layer's levels and output parameters for the batch-1 Dense kernels; nothing when a level
// does not fit in int8.
std::optional<GemvLayer> GemvLayerOf(const QuantizedLinear& linear, const Graph& g,
                                     const Node& node, int in_features, int out_features,
                                     std::vector<int8_t>& levels) {
  if (!DecodeLevels(linear, out_features, in_features, levels)) return std::nullopt;
  GemvLayer layer;
  layer.n = out_features;
  layer.depth = in_features;
  SetQuantized(layer, linear, g, node, levels);
  return layer;
}

// As GemvLayerOf, and nothing when a channel is not ternary.
std::optional<GemvLayer> TernaryLayerOf(const QuantizedLinear& linear, const Graph& g,
                                        const Node& node, int in_features, int out_features,
                                        std::vector<int8_t>& levels) {
  auto layer = GemvLayerOf(linear, g, node, in_features, out_features, levels);
  if (!layer || !IsTernaryPerChannel(levels.data(), out_features, in_features)) {
    return std::nullopt;
  }
  return layer;
}

// Ternary or binary weights at batch 1, as 2-bit codes unpacked in registers.
std::unique_ptr<OpKernel> MakeTernaryGemv(const Graph& g, const Node& node, int in_features,
                                          int out_features, Activation activation,
                                          ThreadPool* pool) {
  const QuantizedLinear linear(g, node, out_features, in_features, activation);
  std::vector<int8_t> levels;
  const auto layer = TernaryLayerOf(linear, g, node, in_features, out_features, levels);
  if (!layer) return nullptr;
  return std::make_unique<GemvKernel<x86::LowBitGemv>>(pool, *layer,
                                                       x86::LowBitGemv::Codes::kTernary);
}

// int4 or int2 weights at batch 1, as codes unpacked in registers.
std::unique_ptr<OpKernel> MakeLowBitGemv(const Graph& g, const Node& node, int in_features,
                                         int out_features, x86::LowBitGemv::Codes codes,
                                         Activation activation, ThreadPool* pool) {
  const QuantizedLinear linear(g, node, out_features, in_features, activation);
  std::vector<int8_t> levels;
  const auto layer = GemvLayerOf(linear, g, node, in_features, out_features, levels);
  if (!layer) return nullptr;
  return std::make_unique<GemvKernel<x86::LowBitGemv>>(pool, *layer, codes);
}

// Share of zero weights above which the index lists beat the dense kernels at batch 1, as
// measured in docs/benchmarks.md: about 97% against the 2-bit codes (AVX-512), about 70% against
// the int8 GEMM (AVX2).
double SparseCrossover(Isa isa) { return isa == Isa::kAvx512 ? 0.97 : 0.70; }

std::unique_ptr<OpKernel> MakeSparseTernary(const Graph& g, const Node& node, int in_features,
                                            int out_features, Activation activation,
                                            ThreadPool* pool) {
  const QuantizedLinear linear(g, node, out_features, in_features, activation);
  std::vector<int8_t> levels;
  const auto layer = TernaryLayerOf(linear, g, node, in_features, out_features, levels);
  if (!layer || !sparse::TernaryGemv::Fits(levels.data(), out_features, in_features)) {
    return nullptr;
  }
  const int64_t zeros = std::count(levels.begin(), levels.end(), int8_t{0});
  if (static_cast<double>(zeros) <
      SparseCrossover(ActiveIsa()) * static_cast<double>(levels.size())) {
    return nullptr;
  }
  return std::make_unique<GemvKernel<sparse::TernaryGemv>>(pool, *layer);
}

class F32GemmKernel final : public OpKernel {
 public:
  F32GemmKernel(Isa isa, const x86::F32GemmLayer& layer, ThreadPool* pool)
      : gemm_(isa, layer), pool_(pool) {}

  void Run(const void* const* inputs, void* const* outputs, void* scratch) override {
    GemmSplit<x86::F32Gemm, const float, float>::Run(
        gemm_, gemm_.Prepare(static_cast<const float*>(inputs[0]), scratch),
        static_cast<float*>(outputs[0]), pool_);
  }
  size_t scratch_bytes() const override { return gemm_.scratch_bytes(); }
  std::string_view name() const override { return gemm_.name(); }

 private:
  x86::F32Gemm gemm_;
  ThreadPool* pool_;
};

std::unique_ptr<OpKernel> MakeF32Gemm(const Graph& g, const Node& node, x86::F32GemmLayer layer,
                                      Activation activation, ThreadPool* pool) {
  const Isa isa = ActiveIsa();
  if (isa == Isa::kRef) return nullptr;
  layer.weights = Input(g, node, 1).data->as<float>();
  layer.bias = node.inputs.size() == 3 ? Input(g, node, 2).data->as<float>() : nullptr;
  layer.lo = ActivationMin(activation);
  layer.hi = ActivationMax(activation);
  return std::make_unique<F32GemmKernel>(isa, layer, pool);
}

class F32DepthwiseKernel final : public OpKernel {
 public:
  F32DepthwiseKernel(Isa isa, const x86::F32DepthwiseLayer& layer, ThreadPool* pool)
      : conv_(isa, layer), pool_(pool) {}

  void Run(const void* const* inputs, void* const* outputs, void*) override {
    GemmSplit<x86::F32Depthwise, const float, float>::Run(
        conv_, static_cast<const float*>(inputs[0]), static_cast<float*>(outputs[0]), pool_);
  }
  std::string_view name() const override { return conv_.name(); }

 private:
  x86::F32Depthwise conv_;
  ThreadPool* pool_;
};

std::unique_ptr<OpKernel> MakeF32Depthwise(const Graph& g, const Node& node,
                                           const ref::ConvGeometry& geo, Activation activation,
                                           ThreadPool* pool) {
  const Isa isa = ActiveIsa();
  if (isa == Isa::kRef) return nullptr;
  x86::F32DepthwiseLayer layer;
  layer.geometry = geo;
  layer.weights = Input(g, node, 1).data->as<float>();
  layer.bias = node.inputs.size() == 3 ? Input(g, node, 2).data->as<float>() : nullptr;
  layer.lo = ActivationMin(activation);
  layer.hi = ActivationMax(activation);
  return std::make_unique<F32DepthwiseKernel>(isa, layer, pool);
}

// Depthwise: one group per channel, one output channel per group.
bool IsDepthwise(const ref::ConvGeometry& geo) {
  return geo.groups > 1 && geo.groups == geo.in_c && geo.out_c == geo.in_c;
}

// The GEMM shape of a groups-1 convolution, for either element type.
template <typename Layer>
Layer ConvLayer(const ref::ConvGeometry& geo) {
  Layer layer;
  layer.m = int64_t{geo.batch} * geo.out_h * geo.out_w;
  layer.n = geo.out_c;
  layer.taps = int64_t{geo.kernel_h} * geo.kernel_w;
  layer.depth = geo.in_c;
  layer.vectors = int64_t{geo.batch} * geo.in_h * geo.in_w;
  layer.indirection = x86::ConvIndirection(
      geo.batch, geo.in_h, geo.in_w, geo.out_h, geo.out_w, geo.kernel_h, geo.kernel_w, geo.stride_h,
      geo.stride_w, geo.pad_top, geo.pad_left, geo.dilation_h, geo.dilation_w);
  return layer;
}

template <typename Layer>
Layer DenseLayer(int rows, int in_features, int out_features) {
  Layer layer;
  layer.m = rows;
  layer.n = out_features;
  layer.depth = in_features;
  layer.vectors = rows;
  layer.indirection.resize(static_cast<size_t>(rows));
  std::iota(layer.indirection.begin(), layer.indirection.end(), 0);
  return layer;
}

}  // namespace

std::unique_ptr<OpKernel> MakeFastF32Conv2D(const Graph& g, const Node& node,
                                            const ref::ConvGeometry& geo, Activation activation,
                                            ThreadPool* pool) {
  if (IsDepthwise(geo)) return MakeF32Depthwise(g, node, geo, activation, pool);
  if (geo.groups != 1) return nullptr;
  return MakeF32Gemm(g, node, ConvLayer<x86::F32GemmLayer>(geo), activation, pool);
}

std::unique_ptr<OpKernel> MakeFastF32Dense(const Graph& g, const Node& node, int rows,
                                           int in_features, int out_features, Activation activation,
                                           ThreadPool* pool) {
  return MakeF32Gemm(g, node, DenseLayer<x86::F32GemmLayer>(rows, in_features, out_features),
                     activation, pool);
}

std::unique_ptr<OpKernel> MakeFastQ8Conv2D(const Graph& g, const Node& node,
                                           const ref::ConvGeometry& geo, Activation activation,
                                           ThreadPool* pool) {
  if (IsDepthwise(geo)) return MakeQ8Depthwise(g, node, geo, activation, pool);
  if (geo.groups != 1) return nullptr;
  x86::Q8GemmLayer layer = ConvLayer<x86::Q8GemmLayer>(geo);
  layer.conv = geo;
  return MakeQ8Gemm(g, node, std::move(layer), activation, pool);
}

std::unique_ptr<OpKernel> MakeFastBinaryConv2D(const Graph& g, const Node& node,
                                               const ref::ConvGeometry& geo, Activation activation,
                                               ThreadPool* pool) {
  if (geo.groups != 1) return nullptr;
  return MakeBinaryInputGemm(g, node, ConvLayer<x86::Q8GemmLayer>(geo), activation, pool);
}

std::unique_ptr<OpKernel> MakeFastBinaryDense(const Graph& g, const Node& node, int rows,
                                              int in_features, int out_features,
                                              Activation activation, ThreadPool* pool) {
  return MakeBinaryInputGemm(g, node, DenseLayer<x86::Q8GemmLayer>(rows, in_features, out_features),
                             activation, pool);
}

std::unique_ptr<OpKernel> MakeFastQ8Dense(const Graph& g, const Node& node, int rows,
                                          int in_features, int out_features, Activation activation,
                                          ThreadPool* pool) {
  const DType weights = Input(g, node, 1).dtype;
  if (rows == 1 && ActiveIsa() != Isa::kRef && weights == DType::kTernary) {
    if (auto sparse = MakeSparseTernary(g, node, in_features, out_features, activation, pool)) {
      return sparse;
    }
  }
  if (rows == 1 && ActiveIsa() == Isa::kAvx512 &&
      (weights == DType::kTernary || weights == DType::kBinary)) {
    if (auto gemv = MakeTernaryGemv(g, node, in_features, out_features, activation, pool)) {
      return gemv;
    }
  }
  if (rows == 1 && ActiveIsa() == Isa::kAvx512 &&
      (weights == DType::kI4 || weights == DType::kI2)) {
    const auto codes =
        weights == DType::kI4 ? x86::LowBitGemv::Codes::kInt4 : x86::LowBitGemv::Codes::kInt2;
    if (auto gemv = MakeLowBitGemv(g, node, in_features, out_features, codes, activation, pool)) {
      return gemv;
    }
  }
  return MakeQ8Gemm(g, node, DenseLayer<x86::Q8GemmLayer>(rows, in_features, out_features),
                    activation, pool);
}

#else

std::unique_ptr<OpKernel> MakeFastQ8Conv2D(const Graph&, const Node&, const ref::ConvGeometry&,
                                           Activation, ThreadPool*) {
  ActiveIsa();  // still rejects a bad TRIT_ISA
  return nullptr;
}
std::unique_ptr<OpKernel> MakeFastQ8Dense(const Graph&, const Node&, int, int, int, Activation,
                                          ThreadPool*) {
  ActiveIsa();
  return nullptr;
}
std::unique_ptr<OpKernel> MakeFastF32Conv2D(const Graph&, const Node&, const ref::ConvGeometry&,
                                            Activation, ThreadPool*) {
  ActiveIsa();
  return nullptr;
}
std::unique_ptr<OpKernel> MakeFastBinaryConv2D(const Graph&, const Node&, const ref::ConvGeometry&,
                                               Activation, ThreadPool*) {
  ActiveIsa();
  return nullptr;
}
std::unique_ptr<OpKernel> MakeFastBinaryDense(const Graph&, const Node&, int, int, int, Activation,
                                              ThreadPool*) {
  ActiveIsa();
  return nullptr;
}
std::unique_ptr<OpKernel> MakeFastF32Dense(const Graph&, const Node&, int, int, int, Activation,
                                           ThreadPool*) {
  ActiveIsa();
  return nullptr;
}

#endif

}  // namespace trit::runtime
