// Firmware of bench/mcu/run.sh: one int8 layer through trit's reference kernel, trit's optimized
// kernel for the target (Helium on the M55, DSP on the M4 and M7) or CMSIS-NN, on random data that
// depends only on the layer and the weight type (so every kernel sees the same), under
// qemu-system-arm with semihosting. The command line (after the firmware's own name, which QEMU
// puts first) selects the work:
//   check                      every layer through every kernel; prints one "layer" line each:
//                              MACs, scratch bytes, whether optimized equals the reference byte for
//                              byte, and how many of CMSIS-NN's bytes equal the reference's
//   run LAYER TYPE KERNEL RUNS KERNEL (ref, dsp = optimized, cmsis) RUNS times on layer LAYER (of
//                              kLayers) with TYPE weights (i8, ternary, i4, binary)
// BENCH_TRIT / BENCH_CMSIS (1 by default) leave a library out and BENCH_DEPLOY=1 keeps only the
// kernels a deployment would call (trit: its optimized kernels), for code size.
#include <cstdint>
#include <cstring>

#include "core/bitpack.h"
#include "kernels/cortex_m/q8_conv_dsp.h"
#include "kernels/cortex_m/q8_conv_mve.h"
#include "kernels/cortex_m/q8_depthwise.h"
#include "kernels/ref/conv2d.h"
#include "kernels/ref/dense.h"
#include "kernels/requantize.h"

extern "C" {
#include "semihosting.h"
}

#ifndef BENCH_TRIT
#define BENCH_TRIT 1
#endif
#ifndef BENCH_CMSIS
#define BENCH_CMSIS 1
#endif
#ifndef BENCH_DEPLOY
#define BENCH_DEPLOY 0
#endif
#if BENCH_CMSIS
#include "arm_nnfunctions.h"
#endif

namespace {

using trit::DType;

// The benchmark's layers: NHWC input, square kernel, symmetric padding, stride 1; low_bit: also
// run with ternary, int4 and binary weights.
struct Shape {
  int in_hw, in_c, out_c, kernel, pad;
  bool depthwise, dense, low_bit;
};
constexpr Shape kLayers[] = {
    {18, 48, 64, 3, 1, false, false, true},   // DeepChip ConvNet conv4
    {5, 128, 512, 5, 0, false, false, true},  // ConvNet conv21
    {28, 1, 6, 5, 2, false, false, false},    // LeNet conv1
    {16, 64, 64, 3, 1, true, false, false},   // MobileNet-like depthwise
    {1, 400, 120, 1, 0, false, true, true},   // LeNet fc8
    {1, 512, 10, 1, 0, false, true, false},   // dense 512 -> 10
};
constexpr int kNumLayers = sizeof kLayers / sizeof kLayers[0];

// Buffers: the big ones in the emulator's extra memory (conv21's weights are 1.6 MB).
#define HOST __attribute__((section(".trit_host"), aligned(16)))
HOST int8_t input[16384];
HOST uint8_t weights[1 << 21];
HOST int8_t cmsis_weights[4096];  // depthwise weights in CMSIS-NN's [H][W][C] order
HOST int8_t out_ref[32768], out_dsp[32768], out_cmsis[32768];
HOST int32_t ref_scratch[16384];
HOST uint8_t dsp_scratch[65536], cmsis_scratch[65536];
int32_t bias[512], multipliers[512], shifts[512];
trit::Requant requant[512];
int8_t pos[512], neg[512];

uint32_t state;
uint32_t Next() {  // xorshift32
  state ^= state << 13;
  state ^= state >> 17;
  state ^= state << 5;
  return state;
}
int Uniform(int lo, int hi) {
  return lo + static_cast<int>(Next() % static_cast<uint32_t>(hi - lo + 1));
}

// A layer set up with its random data.
struct Layer {
  trit::ref::ConvGeometry g;
  bool dense = false;
  trit::ref::QuantWeights w;
  trit::ref::QuantOutput out;
  int32_t zx = 0;
  int64_t macs = 0, outputs = 0;
};

Layer Setup(int index, DType type) {
  const Shape& s = kLayers[index];
  Layer l;
  l.dense = s.dense;
  if (s.dense) {
    l.g = trit::cortex_m::DenseAsConv(1, s.in_c, s.out_c);
  } else {
    l.g.in_h = l.g.in_w = s.in_hw;
    l.g.in_c = s.in_c;
    l.g.out_c = s.out_c;
    l.g.kernel_h = l.g.kernel_w = s.kernel;
    l.g.pad_top = l.g.pad_left = s.pad;
    l.g.out_h = l.g.out_w = s.in_hw + 2 * s.pad - s.kernel + 1;
    if (s.depthwise) l.g.groups = s.in_c;
  }
  const int depth = l.g.kernel_h * l.g.kernel_w * (l.g.in_c / l.g.groups);
  l.outputs = int64_t{l.g.out_h} * l.g.out_w * l.g.out_c;
  l.macs = l.outputs * depth;
  state = 0x9E3779B9u ^ (static_cast<uint32_t>(index) * 131u + static_cast<uint32_t>(type));
  for (int i = 0; i < l.g.in_h * l.g.in_w * l.g.in_c; ++i) input[i] = static_cast<int8_t>(Next());
  l.zx = Uniform(-20, 20);
  l.w.type = type;
  l.w.data = weights;
  l.w.per_channel = true;
  const int64_t count = int64_t{depth} * l.g.out_c;
  for (size_t i = 0; i < trit::StorageBytes(type, count); ++i) {
    uint8_t b = static_cast<uint8_t>(Next());
    if (type == DType::kI8 && b == 0x80) b = 0x81;  // symmetric int8 weights, as TFLite's
    if (type == DType::kTernary) {                  // code 10 is invalid: make it 11
      for (int k = 0; k < 8; k += 2) {
        if (((b >> k) & 3) == 2) b = static_cast<uint8_t>(b | (1 << k));
      }
    }
    weights[i] = b;
  }
  // A typical |weight| of the type, so that the outputs spread over the int8 range.
  double w_std = type == DType::kI8 ? 74 : type == DType::kI4 ? 4.6 : 1;
  if (type == DType::kTernary) {
    for (int c = 0; c < l.g.out_c; ++c) {
      pos[c] = static_cast<int8_t>(Uniform(1, 127));
      neg[c] = static_cast<int8_t>(Uniform(1, 127));
    }
    l.w.ternary_pos = pos;
    l.w.ternary_neg = neg;
    w_std = 52;
  }
  int root = 1;
  while ((root + 1) * (root + 1) <= depth) ++root;
  const double acc_std = 74 * w_std * root;
  for (int c = 0; c < l.g.out_c; ++c) {
    bias[c] = Uniform(-static_cast<int>(acc_std / 4), static_cast<int>(acc_std / 4));
    requant[c] = trit::QuantizeMultiplier(40 / acc_std * (0.75 + (Next() % 1000) * 0.0005));
    multipliers[c] = requant[c].multiplier;  // CMSIS-NN: m / 2^31 * 2^shift
    shifts[c] = 31 - requant[c].shift;
  }
  l.out.requant = requant;
  l.out.per_channel = !l.dense;  // dense: one multiplier, as arm_fully_connected_s8 takes
  l.out.zero_point = Uniform(-20, 20);
  if (s.depthwise) {  // trit [C][H][W] -> CMSIS-NN [H][W][C]
    const int taps = l.g.kernel_h * l.g.kernel_w;
    for (int c = 0; c < l.g.out_c; ++c) {
      for (int t = 0; t < taps; ++t) cmsis_weights[t * l.g.out_c + c] = weights[c * taps + t];
    }
  }
  return l;
}

size_t OptimizedScratchBytes(const Layer& l) {
#if defined(__ARM_FEATURE_MVE)
  if (l.g.groups > 1) return trit::cortex_m::DepthwiseQ8MveScratchBytes(l.g);
  return trit::cortex_m::Conv2DQ8MveScratchBytes(l.g);
#else
  if (l.g.groups > 1) return trit::cortex_m::DepthwiseQ8DspScratchBytes(l.g);
  return trit::cortex_m::Conv2DQ8DspScratchBytes(l.g);
#endif
}

size_t RefScratchBytes(const Layer& l) {
  return 4 * static_cast<size_t>(l.dense ? l.g.in_c : trit::ref::Conv2DQ8ScratchCount(l.g));
}

#if BENCH_TRIT
// `optimized`: the kernel the runtime picks on this target (kernels/registry/cortex_m.h):
// Helium on the M55, the DSP extension on the M4 and M7; depthwise and the rest alike.
void RunTrit(const Layer& l, bool optimized, int8_t* out) {
  if (optimized && l.g.groups > 1) {
#if defined(__ARM_FEATURE_MVE)
    trit::cortex_m::DepthwiseQ8Mve(l.g, input, l.zx, l.w, bias, l.out, out, dsp_scratch);
#else
    trit::cortex_m::DepthwiseQ8Dsp(l.g, input, l.zx, l.w, bias, l.out, out, dsp_scratch);
#endif
  } else if (optimized) {
#if defined(__ARM_FEATURE_MVE)
    trit::cortex_m::Conv2DQ8Mve(l.g, input, l.zx, l.w, bias, l.out, out, dsp_scratch);
#else
    trit::cortex_m::Conv2DQ8Dsp(l.g, input, l.zx, l.w, bias, l.out, out, dsp_scratch);
#endif
  } else if (l.dense && !BENCH_DEPLOY) {
    trit::ref::DenseQ8(1, l.g.in_c, l.g.out_c, input, l.zx, l.w, bias, l.out, out, ref_scratch);
  } else {
    trit::ref::Conv2DQ8(l.g, input, l.zx, l.w, bias, l.out, out, ref_scratch);
  }
}
#endif

#if BENCH_CMSIS
// CMSIS-NN's descriptions of the layer.
struct Cmsis {
  cmsis_nn_dims in, filter, bias, out;
  cmsis_nn_conv_params conv;
  cmsis_nn_dw_conv_params dw;
  cmsis_nn_fc_params fc;
  cmsis_nn_per_channel_quant_params per_channel;
  cmsis_nn_per_tensor_quant_params per_tensor;
  cmsis_nn_context ctx;
};

Cmsis Describe(const Layer& l) {
  const auto& g = l.g;
  Cmsis c{};
  c.in = {1, g.in_h, g.in_w, g.in_c};
  c.out = {1, g.out_h, g.out_w, g.out_c};
  c.bias = {1, 1, 1, g.out_c};
  const cmsis_nn_activation act = {-128, 127};
  const cmsis_nn_tile one = {1, 1}, pad = {g.pad_left, g.pad_top};
  c.per_channel = {multipliers, shifts};
  c.per_tensor = {multipliers[0], shifts[0]};
  int32_t bytes = 0;
  if (l.dense) {
    c.filter = {g.in_c, 1, 1, g.out_c};
    c.fc = {-l.zx, 0, l.out.zero_point, act};
    bytes = arm_fully_connected_s8_get_buffer_size(&c.filter);
  } else if (g.groups > 1) {
    c.filter = {1, g.kernel_h, g.kernel_w, g.out_c};
    c.dw = {-l.zx, l.out.zero_point, 1, one, pad, one, act};
    bytes = arm_depthwise_conv_wrapper_s8_get_buffer_size(&c.dw, &c.in, &c.filter, &c.out);
  } else {
    c.filter = {g.out_c, g.kernel_h, g.kernel_w, g.in_c};
    c.conv = {-l.zx, l.out.zero_point, one, pad, one, act};
    bytes = arm_convolve_wrapper_s8_get_buffer_size(&c.conv, &c.in, &c.filter, &c.out);
  }
  c.ctx = {bytes > 0 ? cmsis_scratch : nullptr, bytes};
  if (bytes > static_cast<int32_t>(sizeof cmsis_scratch)) c.ctx.buf = nullptr;  // fails below
  // Helium's fully connected layer takes the weights' row sums in its buffer, computed once
  // when the model is prepared (as TensorFlow Lite Micro does), not per call.
  if (l.dense && bytes > 0) {
    arm_vector_sum_s8(static_cast<int32_t*>(c.ctx.buf), g.in_c, g.out_c,
                      reinterpret_cast<const int8_t*>(weights), -l.zx, 0, bias);
  }
  return c;
}

bool RunCmsis(const Layer& l, Cmsis& c) {
  const auto* w = reinterpret_cast<const int8_t*>(weights);
  arm_cmsis_nn_status status;
  if (l.dense) {
    status = arm_fully_connected_s8(&c.ctx, &c.fc, &c.per_tensor, &c.in, input, &c.filter, w,
                                    &c.bias, bias, &c.out, out_cmsis);
  } else if (l.g.groups > 1) {
    status = arm_depthwise_conv_wrapper_s8(&c.ctx, &c.dw, &c.per_channel, &c.in, input, &c.filter,
                                           cmsis_weights, &c.bias, bias, &c.out, out_cmsis);
  } else {
    status = arm_convolve_wrapper_s8(&c.ctx, &c.conv, &c.per_channel, &c.in, input, &c.filter, w,
                                     &c.bias, bias, &c.out, out_cmsis);
  }
  return status == ARM_CMSIS_NN_SUCCESS;
}
#endif

// A line of text built from words and numbers.
struct Line {
  char text[256];
  size_t n = 0;
  Line& operator<<(const char* s) {
    while (*s && n < sizeof text - 2) text[n++] = *s++;
    return *this;
  }
  Line& operator<<(int64_t v) {
    char digits[24];
    int k = 0;
    uint64_t u = v < 0 ? 0 - static_cast<uint64_t>(v) : static_cast<uint64_t>(v);
    do {
      digits[k++] = static_cast<char>('0' + u % 10);
      u /= 10;
    } while (u);
    if (v < 0) *this << "-";
    while (k && n < sizeof text - 2) text[n++] = digits[--k];
    return *this;
  }
  void Print() {
    text[n++] = '\n';
    text[n] = '\0';
    trit_sh_print(text);
  }
};

constexpr DType kTypes[] = {DType::kI8, DType::kTernary, DType::kI4, DType::kBinary};
constexpr const char* kTypeNames[] = {"i8", "ternary", "i4", "binary"};

// One "layer" line: what run.sh's table needs besides the instruction counts.
bool Check(int index, int type) {
  const Layer l = Setup(index, kTypes[type]);
  Line line;
  line << "layer " << int64_t{index} << " " << kTypeNames[type] << " macs=" << l.macs
       << " ref_scratch=" << static_cast<int64_t>(RefScratchBytes(l));
  bool ok = true;
#if BENCH_TRIT
  RunTrit(l, false, out_ref);
  {
    memset(out_dsp, 0xA5, sizeof out_dsp);
    RunTrit(l, true, out_dsp);
    const bool equal = memcmp(out_ref, out_dsp, static_cast<size_t>(l.outputs)) == 0;
    ok = ok && equal;
    line << " dsp_scratch=" << static_cast<int64_t>(OptimizedScratchBytes(l))
         << " dsp_equal=" << int64_t{equal};
  }
#endif
#if BENCH_CMSIS
  if (kTypes[type] == DType::kI8) {
    Cmsis c = Describe(l);
    memset(out_cmsis, 0xA5, sizeof out_cmsis);
    if (!RunCmsis(l, c)) {
      line << " cmsis_failed";
      ok = false;
    } else {
      int64_t equal = 0, max_diff = 0, clamped = 0;
      for (int64_t i = 0; i < l.outputs; ++i) {
        const int d =
            out_cmsis[i] > out_ref[i] ? out_cmsis[i] - out_ref[i] : out_ref[i] - out_cmsis[i];
        equal += d == 0;
        max_diff = d > max_diff ? d : max_diff;
        clamped += out_ref[i] == -128 || out_ref[i] == 127;
      }
      line << " cmsis_scratch=" << int64_t{c.ctx.size} << " cmsis_equal=" << equal << "/"
           << l.outputs << " cmsis_max_diff=" << max_diff << " clamped=" << clamped;
    }
  }
#endif
  line.Print();
  return ok;
}

// The command line's words after the firmware's name.
int Words(char* text, const char** words, int capacity) {
  int count = 0;
  for (char* p = text; *p;) {
    while (*p == ' ') *p++ = '\0';
    if (!*p) break;
    if (count < capacity) words[count++] = p;
    while (*p && *p != ' ') ++p;
  }
  return count;
}

int ToInt(const char* s) {
  int v = 0;
  while (*s >= '0' && *s <= '9') v = v * 10 + (*s++ - '0');
  return v;
}

}  // namespace

int main() {
  static char text[256];
  const char* words[8];
  if (trit_sh_command_line(text, sizeof text) < 0) return 2;
  const int n = Words(text, words, 8);
  if (n == 2 && strcmp(words[1], "check") == 0) {
    bool ok = true;
    for (int i = 0; i < kNumLayers; ++i) {
      for (int t = 0; t < 4; ++t) {
        if (t == 0 || kLayers[i].low_bit) ok = Check(i, t) && ok;
      }
    }
    return ok ? 0 : 1;
  }
  if (n != 6 || strcmp(words[1], "run") != 0) {
    trit_sh_print("usage: check | run LAYER TYPE ref|dsp|cmsis RUNS\n");
    return 2;
  }
  const int index = ToInt(words[2]), runs = ToInt(words[5]);
  int type = 0;
  while (type < 4 && strcmp(words[3], kTypeNames[type]) != 0) ++type;
  if (index >= kNumLayers || type == 4) return 2;
  const Layer l = Setup(index, kTypes[type]);
  const char* kernel = words[4];
#if BENCH_TRIT
  if (strcmp(kernel, "ref") == 0 || strcmp(kernel, "dsp") == 0) {
    for (int r = 0; r < runs; ++r) RunTrit(l, kernel[0] == 'd', out_dsp);
    return 0;
  }
#endif
#if BENCH_CMSIS
  if (strcmp(kernel, "cmsis") == 0) {
    Cmsis c = Describe(l);
    for (int r = 0; r < runs; ++r) {
      if (!RunCmsis(l, c)) return 1;
    }
    return 0;
  }
#endif
  (void)l;
  (void)runs;
  return 2;
}
