#include "runtime/ops/fast_linear.h"

#include <algorithm>
#include <numeric>
#include <utility>
#include <vector>

#include "kernels/q8_gemm_plan.h"
#include "kernels/q8_weight_panel.h"
#include "kernels/registry/linear.h"
#include "kernels/sparse/ternary_gemv.h"
#include "runtime/ops/binary_input.h"
#include "runtime/ops/gemm_split.h"
#include "runtime/ops/grouped_conv.h"
#include "runtime/ops/op_support.h"
#include "runtime/ops/quantized_linear.h"
#include "runtime/thread_pool.h"

namespace trit::runtime {
namespace {

// Every weight type as int8 levels (ternary: {-neg, 0, +pos}), or null where a level does not
// fit (it always does for the types the format stores). int8 weights are their stored bytes,
// read in place: no copy of the layer, which for AlexNet's fc16 would be 37.7 MB at load.
const int8_t* Int8Levels(const QuantizedLinear& linear, int64_t channels, int64_t depth,
                         std::vector<int8_t>& storage) {
  if (linear.weights.type == DType::kI8)
    return reinterpret_cast<const int8_t*>(linear.weights.data);
  std::vector<int32_t> channel(static_cast<size_t>(depth));
  storage.resize(static_cast<size_t>(channels * depth));
  for (int64_t c = 0; c < channels; ++c) {
    ref::DecodeChannel(linear.weights, static_cast<int>(c), c * depth, depth, channel.data());
    for (int64_t i = 0; i < depth; ++i) {
      const int32_t v = channel[static_cast<size_t>(i)];
      if (v < -128 || v > 127) return nullptr;
      storage[static_cast<size_t>(c * depth + i)] = static_cast<int8_t>(v);
    }
  }
  return storage.data();
}

// Whether every level of the weights is an int8 (ternary magnitudes up to 127; the other
// low-bit types always).
bool LevelsFitInt8(const QuantizedLinear& linear, int64_t channels) {
  if (linear.weights.type != DType::kTernary) return true;
  const int64_t count = linear.weights.per_channel ? channels : 1;
  for (int64_t c = 0; c < count; ++c) {
    if (linear.weights.ternary_neg[c] < -127) return false;
  }
  return true;
}

// The integer parts every quantized layer struct shares: levels, bias, requantization, the
// input's zero point and type (binary inputs reach the int8 kernels unpacked to levels +-1),
// and the output's zero point, type and clamp.
template <typename Layer>
void SetQuantized(Layer& layer, const QuantizedLinear& linear, const Graph& g, const Node& node,
                  const int8_t* levels) {
  layer.levels = levels;
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

// Any kernel of the tables: the input prepared once, its rows or column tiles split across the
// threads.
class TiledOpKernel final : public OpKernel {
 public:
  TiledOpKernel(std::unique_ptr<TiledKernel> kernel, ThreadPool* pool)
      : kernel_(std::move(kernel)), pool_(pool) {}

  void Run(const void* const* inputs, void* const* outputs, void* scratch) override {
    GemmSplit<TiledKernel, void, void>::PrepareAndRun(*kernel_, inputs[0], scratch, outputs[0],
                                                      pool_);
  }
  size_t scratch_bytes() const override { return kernel_->scratch_bytes(); }
  bool reads_constants() const override { return false; }  // every TiledKernel packs its own
  std::string_view name() const override { return kernel_->name(); }

 private:
  std::unique_ptr<TiledKernel> kernel_;
  ThreadPool* pool_;
};

std::unique_ptr<OpKernel> Wrap(std::unique_ptr<TiledKernel> kernel, ThreadPool* pool) {
  if (!kernel) return nullptr;
  return std::make_unique<TiledOpKernel>(std::move(kernel), pool);
}

std::unique_ptr<OpKernel> MakeQ8Gemm(const Graph& g, const Node& node, Q8GemmLayer layer,
                                     Activation activation, ThreadPool* pool) {
  const QuantizedLinear linear(g, node, layer.n, layer.taps * layer.depth, activation);
  std::vector<int8_t> storage;
  if (Q8WeightPanel::Takes(linear.weights.type) && LevelsFitInt8(linear, layer.n)) {
    // Low-bit weights reach the kernel in their codes: the x86 kernels keep them so, and no
    // int8 copy of the whole layer exists even while loading.
    SetQuantized(layer, linear, g, node, nullptr);
    layer.codes = linear.weights;
    layer.threads = pool ? pool->threads() : 1;
  } else {
    const int8_t* levels = Int8Levels(linear, layer.n, layer.taps * layer.depth, storage);
    if (!levels) return nullptr;
    SetQuantized(layer, linear, g, node, levels);
  }
  // The kernel packs the weights at construction; `storage` is not kept.
  return Wrap(MakeTiledKernel(Q8GemmKernels(), layer, ActiveIsa()), pool);
}

std::unique_ptr<OpKernel> MakeQ8Depthwise(const Graph& g, const Node& node,
                                          const ref::ConvGeometry& geo, Activation activation,
                                          ThreadPool* pool) {
  const int64_t taps = int64_t{geo.kernel_h} * geo.kernel_w;
  const QuantizedLinear linear(g, node, geo.out_c, taps, activation);
  std::vector<int8_t> storage;
  const int8_t* levels = Int8Levels(linear, geo.out_c, taps, storage);
  if (!levels) return nullptr;
  Q8DepthwiseLayer layer;
  layer.geometry = geo;
  SetQuantized(layer, linear, g, node, levels);
  return Wrap(MakeTiledKernel(Q8DepthwiseKernels(), layer, ActiveIsa()), pool);
}

// A layer with binary inputs, given as the int8 GEMM's shape: binary weights run the binary
// table's kernel (xor + popcount) where the level has one; otherwise the input is unpacked to
// int8 levels for the int8 GEMM.
std::unique_ptr<OpKernel> MakeBinaryInputGemm(const Graph& g, const Node& node, Q8GemmLayer layer,
                                              Activation activation, ThreadPool* pool) {
  const int64_t input_count = NumElements(Input(g, node, 0).shape);
  if (Input(g, node, 1).dtype == DType::kBinary) {
    const QuantizedLinear linear(g, node, layer.n, layer.taps * layer.depth, activation);
    std::vector<int8_t> storage;
    const int8_t* levels = Int8Levels(linear, layer.n, layer.taps * layer.depth, storage);
    if (!levels) return nullptr;
    B1GemmLayer binary;
    binary.m = layer.m;
    binary.n = layer.n;
    binary.taps = layer.taps;
    binary.depth = layer.depth;
    binary.vectors = layer.vectors;
    binary.indirection = layer.indirection;
    SetQuantized(binary, linear, g, node, levels);
    if (auto kernel = Wrap(MakeTiledKernel(B1GemmKernels(), binary, ActiveIsa()), pool)) {
      return kernel;
    }
  }
  auto int8 = MakeQ8Gemm(g, node, std::move(layer), activation, pool);
  if (!int8) return nullptr;
  const std::string name = std::string(int8->name()) + "_from_b1";
  return std::make_unique<UnpackedBinaryInput>(std::move(int8), input_count, node.inputs.size(),
                                               name);
}

// Dense of a few rows (batch 1 above all): the GEMV table's kernel, when it has one for these
// weights and rows.
std::unique_ptr<OpKernel> MakeQ8Gemv(const Graph& g, const Node& node, int rows, int in_features,
                                     int out_features, Activation activation, ThreadPool* pool) {
  const QuantizedLinear linear(g, node, out_features, in_features, activation);
  std::vector<int8_t> storage;
  Q8GemvProblem problem;
  problem.layer.rows = rows;
  problem.layer.n = out_features;
  problem.layer.depth = in_features;
  problem.weights = Input(g, node, 1).dtype;
  if (Q8WeightPanel::Takes(problem.weights) && LevelsFitInt8(linear, out_features)) {
    // Low-bit weights stay in their codes: the kernels read them a row at a time.
    SetQuantized(problem.layer, linear, g, node, nullptr);
    problem.layer.codes = linear.weights;
  } else {
    const int8_t* levels = Int8Levels(linear, out_features, in_features, storage);
    if (!levels) return nullptr;
    SetQuantized(problem.layer, linear, g, node, levels);
  }
  Q8GemmLayer blocks;  // the same weights as the GEMM would see them, for the block share
  blocks.n = out_features;
  blocks.depth = in_features;
  blocks.levels = problem.layer.levels;
  blocks.codes = problem.layer.codes;
  problem.zero_block_share = Q8GemmPlan::ZeroBlockShare(blocks, 16, 4);
  problem.ternary_per_channel = IsTernaryPerChannel(problem.layer);
  problem.fits_index_lists = in_features <= 65536 && problem.ternary_per_channel;
  int64_t zeros = 0;
  std::vector<int8_t> row(problem.layer.levels ? 0 : static_cast<size_t>(in_features));
  for (int64_t c = 0; c < out_features; ++c) {
    const int8_t* levels_of_row = RowLevels(problem.layer, c, row.data());
    zeros += std::count(levels_of_row, levels_of_row + in_features, int8_t{0});
  }
  problem.zero_share =
      out_features * in_features == 0
          ? 0.0
          : static_cast<double>(zeros) / (static_cast<double>(out_features) * in_features);
  return Wrap(MakeTiledKernel(Q8GemvKernels(), problem, ActiveIsa()), pool);
}

std::unique_ptr<OpKernel> MakeF32Gemm(const Graph& g, const Node& node, F32GemmLayer layer,
                                      Activation activation, ThreadPool* pool) {
  layer.weights = Input(g, node, 1).data->as<float>();
  layer.bias = node.inputs.size() == 3 ? Input(g, node, 2).data->as<float>() : nullptr;
  layer.lo = ActivationMin(activation);
  layer.hi = ActivationMax(activation);
  return Wrap(MakeTiledKernel(F32GemmKernels(), layer, ActiveIsa()), pool);
}

std::unique_ptr<OpKernel> MakeF32Depthwise(const Graph& g, const Node& node,
                                           const ref::ConvGeometry& geo, Activation activation,
                                           ThreadPool* pool) {
  F32DepthwiseLayer layer;
  layer.geometry = geo;
  layer.weights = Input(g, node, 1).data->as<float>();
  layer.bias = node.inputs.size() == 3 ? Input(g, node, 2).data->as<float>() : nullptr;
  layer.lo = ActivationMin(activation);
  layer.hi = ActivationMax(activation);
  return Wrap(MakeTiledKernel(F32DepthwiseKernels(), layer, ActiveIsa()), pool);
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
  layer.indirection = ConvIndirection(geo.batch, geo.in_h, geo.in_w, geo.out_h, geo.out_w,
                                      geo.kernel_h, geo.kernel_w, geo.stride_h, geo.stride_w,
                                      geo.pad_top, geo.pad_left, geo.dilation_h, geo.dilation_w);
  return layer;
}

// One group of a grouped convolution as a groups-1 convolution of its own channels.
ref::ConvGeometry GroupGeometry(const ref::ConvGeometry& geo) {
  ref::ConvGeometry group = geo;
  group.in_c = geo.in_c / geo.groups;
  group.out_c = geo.out_c / geo.groups;
  group.groups = 1;
  return group;
}

// Grouped (not depthwise): one groups-1 kernel per group on its slice of the OHWI weights (the
// group's output channels are consecutive rows). Null where a group has no kernel.
std::unique_ptr<OpKernel> MakeF32Grouped(const Graph& g, const Node& node,
                                         const ref::ConvGeometry& geo, Activation activation,
                                         ThreadPool* pool) {
  const ref::ConvGeometry group = GroupGeometry(geo);
  const float* weights = Input(g, node, 1).data->as<float>();
  const float* bias = node.inputs.size() == 3 ? Input(g, node, 2).data->as<float>() : nullptr;
  const int64_t group_weights = int64_t{group.out_c} * group.kernel_h * group.kernel_w * group.in_c;
  const F32GemmLayer shape = ConvLayer<F32GemmLayer>(group);
  std::vector<std::unique_ptr<TiledKernel>> kernels;
  for (int j = 0; j < geo.groups; ++j) {
    F32GemmLayer layer = shape;
    layer.conv = group;
    layer.weights = weights + j * group_weights;
    layer.bias = bias ? bias + int64_t{j} * group.out_c : nullptr;
    layer.lo = ActivationMin(activation);
    layer.hi = ActivationMax(activation);
    auto kernel = MakeTiledKernel(F32GemmKernels(), layer, ActiveIsa());
    if (!kernel) return nullptr;
    kernels.push_back(std::move(kernel));
  }
  return std::make_unique<GroupedConvKernel>(geo, std::move(kernels), sizeof(float), pool);
}

// As MakeF32Grouped, on int8 levels (low-bit weights decoded to them at load: the groups'
// kernels take levels, not codes).
std::unique_ptr<OpKernel> MakeQ8Grouped(const Graph& g, const Node& node,
                                        const ref::ConvGeometry& geo, Activation activation,
                                        ThreadPool* pool) {
  const ref::ConvGeometry group = GroupGeometry(geo);
  const int64_t depth = int64_t{group.kernel_h} * group.kernel_w * group.in_c;
  const QuantizedLinear linear(g, node, geo.out_c, depth, activation);
  std::vector<int8_t> storage;
  const int8_t* levels = Int8Levels(linear, geo.out_c, depth, storage);
  if (!levels) return nullptr;
  const Q8GemmLayer shape = ConvLayer<Q8GemmLayer>(group);
  std::vector<std::unique_ptr<TiledKernel>> kernels;
  for (int j = 0; j < geo.groups; ++j) {
    const int64_t first = int64_t{j} * group.out_c;  // the group's first output channel
    Q8GemmLayer layer = shape;
    layer.conv = group;
    SetQuantized(layer, linear, g, node, levels + first * depth);
    if (layer.bias) layer.bias += first;
    if (layer.per_channel) layer.requant += first;
    auto kernel = MakeTiledKernel(Q8GemmKernels(), layer, ActiveIsa());
    if (!kernel) return nullptr;
    kernels.push_back(std::move(kernel));
  }
  return std::make_unique<GroupedConvKernel>(geo, std::move(kernels), 1, pool);
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
  if (geo.groups != 1) return MakeF32Grouped(g, node, geo, activation, pool);
  F32GemmLayer layer = ConvLayer<F32GemmLayer>(geo);
  layer.conv = geo;
  return MakeF32Gemm(g, node, std::move(layer), activation, pool);
}

std::unique_ptr<OpKernel> MakeFastF32Dense(const Graph& g, const Node& node, int rows,
                                           int in_features, int out_features, Activation activation,
                                           ThreadPool* pool) {
  return MakeF32Gemm(g, node, DenseLayer<F32GemmLayer>(rows, in_features, out_features), activation,
                     pool);
}

std::unique_ptr<OpKernel> MakeFastQ8Conv2D(const Graph& g, const Node& node,
                                           const ref::ConvGeometry& geo, Activation activation,
                                           ThreadPool* pool) {
  if (IsDepthwise(geo)) return MakeQ8Depthwise(g, node, geo, activation, pool);
  if (geo.groups != 1) return MakeQ8Grouped(g, node, geo, activation, pool);
  // One output pixel that reads the whole input in its order (a last convolution over the final
  // feature map, as the ConvNet's 5x5 over 5x5): a Dense of `batch` rows, for the GEMV kernels,
  // which read low-bit codes in registers instead of expanding a tile for a few rows.
  if (geo.batch <= kQ8GemvMaxRows && geo.out_h == 1 && geo.out_w == 1 && geo.in_h == geo.kernel_h &&
      geo.in_w == geo.kernel_w && geo.pad_top == 0 && geo.pad_left == 0 && geo.dilation_h == 1 &&
      geo.dilation_w == 1) {
    const int in_features = geo.kernel_h * geo.kernel_w * geo.in_c;
    if (auto gemv = MakeQ8Gemv(g, node, geo.batch, in_features, geo.out_c, activation, pool)) {
      return gemv;
    }
  }
  Q8GemmLayer layer = ConvLayer<Q8GemmLayer>(geo);
  layer.conv = geo;
  return MakeQ8Gemm(g, node, std::move(layer), activation, pool);
}

std::unique_ptr<OpKernel> MakeFastBinaryConv2D(const Graph& g, const Node& node,
                                               const ref::ConvGeometry& geo, Activation activation,
                                               ThreadPool* pool) {
  if (geo.groups != 1) return nullptr;
  return MakeBinaryInputGemm(g, node, ConvLayer<Q8GemmLayer>(geo), activation, pool);
}

std::unique_ptr<OpKernel> MakeFastBinaryDense(const Graph& g, const Node& node, int rows,
                                              int in_features, int out_features,
                                              Activation activation, ThreadPool* pool) {
  return MakeBinaryInputGemm(g, node, DenseLayer<Q8GemmLayer>(rows, in_features, out_features),
                             activation, pool);
}

std::unique_ptr<OpKernel> MakeFastQ8Dense(const Graph& g, const Node& node, int rows,
                                          int in_features, int out_features, Activation activation,
                                          ThreadPool* pool) {
  if (rows <= kQ8GemvMaxRows) {
    if (auto gemv = MakeQ8Gemv(g, node, rows, in_features, out_features, activation, pool)) {
      return gemv;
    }
  }
  return MakeQ8Gemm(g, node, DenseLayer<Q8GemmLayer>(rows, in_features, out_features), activation,
                    pool);
}

}  // namespace trit::runtime
