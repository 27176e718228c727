// Runs on the Cortex-M targets under qemu-system-arm: every optimized microcontroller kernel
// the target has (DSP; on the M55 also Helium) against the reference kernel on random layers (all
// weight types, i8 and u8 activations, per-tensor and per-channel scales, odd depths and unaligned
// packed rows, padding, strides; max and average pools, adds and clamps), byte for byte. Prints one
// line per mismatch and the count of layers checked; exit 0 when all match.
#include <cstdint>
#include <cstring>

#include "kernels/cortex_m/q8_add.h"
#include "kernels/cortex_m/q8_avgpool.h"
#include "kernels/cortex_m/q8_batch_norm.h"
#include "kernels/cortex_m/q8_clamp.h"
#include "kernels/cortex_m/q8_conv_dsp.h"
#include "kernels/cortex_m/q8_conv_mve.h"
#if defined(__ARM_FEATURE_MVE)
#include "kernels/cortex_m/q8_dot_mve.h"
#endif
#include "kernels/cortex_m/q8_depthwise.h"
#include "kernels/cortex_m/q8_lookup.h"
#include "kernels/cortex_m/q8_maxpool.h"
#include "kernels/q8_prepare.h"
#include "kernels/ref/activation.h"
#include "kernels/ref/batch_norm.h"
#include "kernels/ref/conv2d.h"
#include "kernels/ref/dense.h"
#include "kernels/ref/elementwise.h"
#include "kernels/ref/pool.h"

extern "C" {
#include "semihosting.h"
}

namespace {

using trit::DType;

uint32_t state = 12345;
uint32_t Next() {  // xorshift32: the same layers on every run
  state ^= state << 13;
  state ^= state >> 17;
  state ^= state << 5;
  return state;
}
int Uniform(int lo, int hi) {
  return lo + static_cast<int>(Next() % static_cast<uint32_t>(hi - lo + 1));
}

alignas(16) uint8_t input[16384];
alignas(16) uint8_t weights[65536];
alignas(16) int32_t bias[256];
alignas(16) uint8_t expected[16384], actual[16384];
alignas(16) int32_t ref_scratch[4096];
alignas(16) uint8_t dsp_scratch[16384];
trit::Requant requant[256];
int8_t pos[256], neg[256];

// Whether a kernel's first `bytes` output bytes equal the reference's and the byte after them
// still holds the 0xA5 the buffer was filled with (nothing written past the output).
bool OutputMatches(int64_t bytes) {
  return memcmp(expected, actual, static_cast<size_t>(bytes)) == 0 && actual[bytes] == 0xA5;
}

void Print(const char* text, long value) {
  char line[96], digits[24];
  size_t k = strlen(text);
  memcpy(line, text, k);
  const bool negative = value < 0;
  unsigned long v =
      negative ? 0ul - static_cast<unsigned long>(value) : static_cast<unsigned long>(value);
  int n = 0;
  do {
    digits[n++] = static_cast<char>('0' + v % 10);
    v /= 10;
  } while (v);
  if (negative) line[k++] = '-';
  while (n) line[k++] = digits[--n];
  line[k++] = '\n';
  line[k] = '\0';
  trit_sh_print(line);
}

template <typename In, typename Out>
int CheckLayer(int index) {
  trit::ref::ConvGeometry g;
  const bool dense = Next() % 4 == 0;
  if (dense) {
    g = trit::cortex_m::DenseAsConv(Uniform(1, 3), Uniform(1, 300), Uniform(1, 40));
  } else {
    g.in_h = Uniform(1, 9);
    g.in_w = Uniform(1, 9);
    g.in_c = Uniform(1, 20);
    g.kernel_h = Uniform(1, 3);
    g.kernel_w = Uniform(1, 3);
    g.stride_h = Uniform(1, 2);
    g.stride_w = Uniform(1, 2);
    g.pad_top = Uniform(0, g.kernel_h - 1);
    g.pad_left = Uniform(0, g.kernel_w - 1);
    const int pad_bottom = Uniform(0, g.kernel_h - 1), pad_right = Uniform(0, g.kernel_w - 1);
    g.out_h = (g.in_h + g.pad_top + pad_bottom - g.kernel_h) / g.stride_h + 1;
    g.out_w = (g.in_w + g.pad_left + pad_right - g.kernel_w) / g.stride_w + 1;
    g.out_c = Uniform(1, 24);
    if (Next() % 3 == 0) {                            // depthwise
      g.in_c = g.out_c = g.groups = Uniform(2, 150);  // past a block: 32 or 64 channels
    }
    if (g.out_h < 1 || g.out_w < 1) return 0;
  }
  const bool depthwise = trit::cortex_m::IsDepthwise(g);
  static const DType kTypes[] = {DType::kI8, DType::kI4, DType::kI2, DType::kTernary,
                                 DType::kBinary};
  trit::ref::QuantWeights w;
  w.type = kTypes[Next() % 5];
  w.data = weights;
  w.per_channel = Next() % 2 == 0;
  const int depth = g.kernel_h * g.kernel_w * (g.in_c / g.groups);
  const int64_t count = static_cast<int64_t>(depth) * g.out_c;
  for (int64_t i = 0; i < (count * trit::BitsPerElement(w.type) + 7) / 8; ++i) {
    weights[i] = static_cast<uint8_t>(Next());
  }
  if (w.type == DType::kTernary) {
    // Code 10 is invalid: make every code 00, 01 or 11.
    for (int64_t i = 0; i < (count * 2 + 7) / 8; ++i) {
      uint8_t b = weights[i];
      for (int k = 0; k < 4; ++k) {
        if (((b >> (2 * k)) & 3) == 2) b = static_cast<uint8_t>(b | (1 << (2 * k)));
      }
      weights[i] = b;
    }
    for (int c = 0; c < g.out_c; ++c) {
      pos[c] = static_cast<int8_t>(Uniform(1, 127));
      neg[c] = static_cast<int8_t>(Uniform(1, 127));
    }
    w.ternary_pos = pos;
    w.ternary_neg = neg;
  }
  const int64_t positions = static_cast<int64_t>(g.out_h) * g.out_w;
  for (int64_t i = 0; i < static_cast<int64_t>(g.in_h) * g.in_w * g.in_c; ++i) {
    input[i] = static_cast<uint8_t>(Next());
  }
  for (int c = 0; c < g.out_c; ++c) {
    bias[c] = Uniform(-20000, 20000);
    requant[c] = trit::QuantizeMultiplier(0.0001 + (Next() % 1000) * 0.00002);
  }
  // Now and then multipliers of 1/2 and above: shifts up to 32, which requantize_m.h leaves to
  // the reference's arithmetic.
  if (Next() % 8 == 0) {
    for (int c = 0; c < g.out_c; ++c)
      requant[c] = trit::QuantizeMultiplier(0.5 + Next() % 100 * 0.02);
  }
  trit::ref::QuantOutput out;
  out.requant = requant;
  out.per_channel = w.per_channel;
  out.zero_point = Uniform(-20, 20) + (sizeof(Out) == 1 && static_cast<Out>(-1) > 0 ? 128 : 0);
  out.lo = static_cast<Out>(-1) > 0 ? 0 : -128;
  out.hi = static_cast<Out>(-1) > 0 ? 255 : 127;
  const int32_t zx = static_cast<In>(-1) > 0 ? Uniform(0, 255) : Uniform(-128, 127);
  const auto* x = reinterpret_cast<const In*>(input);
  const int32_t* b = Next() % 3 ? bias : nullptr;
  if (dense) {
    trit::ref::DenseQ8(g.out_w, g.in_c, g.out_c, x, zx, w, b, out, reinterpret_cast<Out*>(expected),
                       ref_scratch);
  } else {
    trit::ref::Conv2DQ8(g, x, zx, w, b, out, reinterpret_cast<Out*>(expected), ref_scratch);
  }
  // Every optimized kernel this target has, against the reference.
  int result = 1;
  for (int kernel = 0; kernel < 2; ++kernel) {
    memset(actual, 0xA5, sizeof actual);
    memset(dsp_scratch, 0x5A, sizeof dsp_scratch);
    auto* y = reinterpret_cast<Out*>(actual);
    size_t declared = 0;  // the scratch the kernel states; it must write nothing past it
    if (kernel == 0) {
      if (depthwise) {
        declared = trit::cortex_m::DepthwiseQ8DspScratchBytes(g);
        trit::cortex_m::DepthwiseQ8Dsp(g, x, zx, w, b, out, y, dsp_scratch);
      } else {
        declared = trit::cortex_m::Conv2DQ8DspScratchBytes(g);
        trit::cortex_m::Conv2DQ8Dsp(g, x, zx, w, b, out, y, dsp_scratch);
      }
    } else {
#if defined(__ARM_FEATURE_MVE)
      if (depthwise) {
        declared = trit::cortex_m::DepthwiseQ8MveScratchBytes(g);
        trit::cortex_m::DepthwiseQ8Mve(g, x, zx, w, b, out, y, dsp_scratch);
      } else {
        declared = trit::cortex_m::Conv2DQ8MveScratchBytes(g);
        trit::cortex_m::Conv2DQ8Mve(g, x, zx, w, b, out, y, dsp_scratch);
      }
#else
      continue;
#endif
    }
    bool past_scratch = declared > sizeof dsp_scratch;
    for (size_t i = declared; i < sizeof dsp_scratch && !past_scratch; ++i) {
      past_scratch = dsp_scratch[i] != 0x5A;
    }
    if (past_scratch) {
      result = -1;
      Print(kernel == 0 ? "SCRATCH OVERRUN (DSP) layer " : "SCRATCH OVERRUN (MVE) layer ", index);
    }
    if (memcmp(expected, actual, static_cast<size_t>(positions * g.out_c)) != 0) {
      result = -1;
      static int printed = 0;
      if (++printed > 5) continue;
      Print(kernel == 0 ? "MISMATCH (DSP) layer " : "MISMATCH (MVE) layer ", index);
      Print("  depthwise ", depthwise);
      Print("  weight type ", static_cast<long>(w.type));
      Print("  depth ", depth);
      Print("  out_c ", g.out_c);
    }
  }
  return result;
}

// A random pool geometry (up to 12x12x40, kernels up to `most` a side, strides up to 3, padding
// below the kernel, overlapping windows): false when it has no output.
bool RandomWindows(int most, trit::ref::ConvGeometry* geometry) {
  trit::ref::ConvGeometry& g = *geometry;
  g.in_h = Uniform(1, 12);
  g.in_w = Uniform(1, 12);
  g.in_c = g.out_c = Uniform(1, 40);
  g.kernel_h = Uniform(1, most);
  g.kernel_w = Uniform(1, most);
  g.stride_h = Uniform(1, 3);
  g.stride_w = Uniform(1, 3);
  g.pad_top = Uniform(0, g.kernel_h - 1);
  g.pad_left = Uniform(0, g.kernel_w - 1);
  const int pad_bottom = Uniform(0, g.kernel_h - 1), pad_right = Uniform(0, g.kernel_w - 1);
  g.out_h = (g.in_h + g.pad_top + pad_bottom - g.kernel_h) / g.stride_h + 1;
  g.out_w = (g.in_w + g.pad_left + pad_right - g.kernel_w) / g.stride_w + 1;
  return g.out_h >= 1 && g.out_w >= 1;
}

// A random MaxPool without rescaling (padding, strides, overlapping windows, odd channel counts)
// through each MaxPool kernel the target has, against ref::MaxPoolQ8: 1 when they match.
template <typename T>
int CheckMaxPool(int index) {
  trit::ref::ConvGeometry g;
  g.batch = Uniform(1, 2);
  if (!RandomWindows(3, &g)) return 0;
  const int64_t in_bytes = static_cast<int64_t>(g.batch) * g.in_h * g.in_w * g.in_c;
  const int64_t out_bytes = static_cast<int64_t>(g.batch) * g.out_h * g.out_w * g.out_c;
  for (int64_t i = 0; i < in_bytes; ++i) input[i] = static_cast<uint8_t>(Next());
  const auto* x = reinterpret_cast<const T*>(input);
  const int32_t lo = static_cast<T>(-1) > 0 ? 0 : -128, hi = static_cast<T>(-1) > 0 ? 255 : 127;
  trit::ref::MaxPoolQ8(g, x, 0, nullptr, 0, lo, hi, reinterpret_cast<T*>(expected));
  int result = 1;
  for (int kernel = 0; kernel < 2; ++kernel) {
    memset(actual, 0xA5, sizeof actual);
    if (kernel == 0) {
      trit::cortex_m::MaxPoolQ8Dsp(g, x, reinterpret_cast<T*>(actual));
    } else {
#if defined(__ARM_FEATURE_MVE)
      trit::cortex_m::MaxPoolQ8Mve(g, x, reinterpret_cast<T*>(actual));
#else
      continue;
#endif
    }
    if (!OutputMatches(out_bytes)) {
      result = -1;
      Print(kernel == 0 ? "MISMATCH (DSP MaxPool) case " : "MISMATCH (MVE MaxPool) case ", index);
    }
  }
  return result;
}

// A random AvgPool (padding counted or not, strides, odd channel counts) or GlobalAvgPool
// (windows past a 128-position lane run, and past 128 columns) through each AvgPool kernel the
// target has, against ref::AvgPoolQ8: 1 when they match.
trit::Requant per_count[2561];

template <typename In, typename Out>
int CheckAvgPool(int index) {
  trit::ref::ConvGeometry g;
  g.batch = Uniform(1, 2);
  const bool global = Next() % 3 == 0;
  if (global) {
    g.in_h = Uniform(1, 16);
    g.in_w = Uniform(1, 160);
    const int most = 8000 / (g.batch * g.in_h * g.in_w);
    g.in_c = g.out_c = Uniform(1, most < 40 ? (most < 1 ? 1 : most) : 40);
    g.kernel_h = g.stride_h = g.in_h;
    g.kernel_w = g.stride_w = g.in_w;
    g.out_h = g.out_w = 1;
  } else {
    if (!RandomWindows(4, &g)) return 0;
  }
  const int64_t in_bytes = static_cast<int64_t>(g.batch) * g.in_h * g.in_w * g.in_c;
  const int64_t out_bytes = static_cast<int64_t>(g.batch) * g.out_h * g.out_w * g.out_c;
  for (int64_t i = 0; i < in_bytes; ++i) input[i] = static_cast<uint8_t>(Next());
  const bool in_u8 = static_cast<In>(-1) > 0, out_u8 = static_cast<Out>(-1) > 0;
  trit::cortex_m::AvgPoolQ8Params p;
  p.count_include_pad = Next() % 2 == 0;
  p.input_zero_point = Uniform(-20, 20) + (in_u8 ? 128 : 0);
  p.output_zero_point = Uniform(-20, 20) + (out_u8 ? 128 : 0);
  p.lo = out_u8 ? Uniform(0, 20) : Uniform(-128, -100);
  p.hi = out_u8 ? Uniform(230, 255) : Uniform(100, 127);
  // Scale ratios from 1/4 to 4: shifts on both sides of 33 for small windows.
  const float ratio =
      0.25f * static_cast<float>(1 << Uniform(0, 4)) * (1.0f + (Next() % 100) * 0.01f);
  trit::AvgPoolRequant(ratio, 1.0f, static_cast<int64_t>(g.kernel_h) * g.kernel_w, per_count);
  p.per_count = per_count;
  const auto* x = reinterpret_cast<const In*>(input);
  trit::ref::AvgPoolQ8(g, p.count_include_pad, x, p.input_zero_point, per_count,
                       p.output_zero_point, p.lo, p.hi, reinterpret_cast<Out*>(expected));
  int result = 1;
  for (int kernel = 0; kernel < 2; ++kernel) {
    memset(actual, 0xA5, sizeof actual);
    if (kernel == 0) {
      trit::cortex_m::AvgPoolQ8Dsp(g, x, p, reinterpret_cast<Out*>(actual));
    } else {
#if defined(__ARM_FEATURE_MVE)
      trit::cortex_m::AvgPoolQ8Mve(g, x, p, reinterpret_cast<Out*>(actual));
#else
      continue;
#endif
    }
    if (!OutputMatches(out_bytes)) {
      result = -1;
      Print(kernel == 0 ? "MISMATCH (DSP AvgPool) case " : "MISMATCH (MVE AvgPool) case ", index);
    }
  }
  return result;
}

// A random same-shape Add (scales from 1/8 to 8 times the output's, so shifts on both sides
// of 32) through each Add kernel the target has that takes the parameters, against ref::AddQ8:
// 1 when they match, 0 when no kernel takes them.
template <typename A, typename B, typename Out>
int CheckAdd(int index) {
  const int64_t count = Uniform(1, 3000);
  for (int64_t i = 0; i < 2 * count; ++i) input[i] = static_cast<uint8_t>(Next());
  const auto scale = [] {
    return 0.01f * static_cast<float>(1 << Uniform(0, 6)) * (1.0f + (Next() % 1000) * 0.001f);
  };
  const bool out_u8 = static_cast<Out>(-1) > 0;
  const trit::ref::QuantAddParams p = trit::AddQ8Params(
      scale(), Uniform(-20, 20) + (static_cast<A>(-1) > 0 ? 128 : 0), scale(),
      Uniform(-20, 20) + (static_cast<B>(-1) > 0 ? 128 : 0), out_u8 ? DType::kU8 : DType::kI8,
      0.08f, Uniform(-20, 20) + (out_u8 ? 128 : 0));
  if (!trit::cortex_m::AddQ8DspTakes(p)) return 0;
  const auto* x = reinterpret_cast<const A*>(input);
  const auto* y = reinterpret_cast<const B*>(input + count);
  const int64_t shape[1] = {count};
  trit::ref::AddQ8(trit::ref::MakeBroadcast(shape, 1, shape, 1), x, y, p,
                   reinterpret_cast<Out*>(expected));
  int result = 1;
  for (int kernel = 0; kernel < 2; ++kernel) {
    memset(actual, 0xA5, sizeof actual);
    if (kernel == 0) {
      trit::cortex_m::AddQ8Dsp(count, x, y, p, reinterpret_cast<Out*>(actual));
    } else {
#if defined(__ARM_FEATURE_MVE)
      if (!trit::cortex_m::AddQ8MveTakes(p)) continue;
      trit::cortex_m::AddQ8Mve(count, x, y, p, reinterpret_cast<Out*>(actual));
#else
      continue;
#endif
    }
    if (!OutputMatches(count)) {
      result = -1;
      Print(kernel == 0 ? "MISMATCH (DSP Add) case " : "MISMATCH (MVE Add) case ", index);
    }
  }
  return result;
}

// A random Relu or Clip between tensors of the same quantization through each clamp kernel the
// target has, against ref::RescaleClampQ8 with the identity rescale: 1 when they match.
template <typename T>
int CheckClamp(int index) {
  const int64_t count = Uniform(1, 3000);
  for (int64_t i = 0; i < count; ++i) input[i] = static_cast<uint8_t>(Next());
  const int32_t type_lo = static_cast<T>(-1) > 0 ? 0 : -128;
  const int32_t lo = Uniform(type_lo, type_lo + 200), hi = Uniform(lo, type_lo + 255);
  const int32_t zero = Uniform(type_lo, type_lo + 255);
  const auto* x = reinterpret_cast<const T*>(input);
  trit::ref::RescaleClampQ8(count, x, zero, trit::QuantizeMultiplier(1.0), zero, lo, hi,
                            reinterpret_cast<T*>(expected));
  int result = 1;
  for (int kernel = 0; kernel < 2; ++kernel) {
    memset(actual, 0xA5, sizeof actual);
    if (kernel == 0) {
      trit::cortex_m::ClampQ8Dsp(count, x, lo, hi, reinterpret_cast<T*>(actual));
    } else {
#if defined(__ARM_FEATURE_MVE)
      trit::cortex_m::ClampQ8Mve(count, x, lo, hi, reinterpret_cast<T*>(actual));
#else
      continue;
#endif
    }
    if (!OutputMatches(count)) {
      result = -1;
      Print(kernel == 0 ? "MISMATCH (DSP clamp) case " : "MISMATCH (MVE clamp) case ", index);
    }
  }
  return result;
}

// A random Relu or Clip that rescales, as the runtime runs it: a table of the 256 levels from
// ref::RescaleClampQ8, walked by each lookup the target has (the portable one; Helium's gather),
// against ref::RescaleClampQ8 on the inputs: 1 when they match.
template <typename In, typename Out>
int CheckLookup(int index) {
  const int64_t count = Uniform(1, 3000);
  for (int64_t i = 0; i < count; ++i) input[i] = static_cast<uint8_t>(Next());
  const bool in_u8 = static_cast<In>(-1) > 0, out_u8 = static_cast<Out>(-1) > 0;
  const int32_t zx = Uniform(-20, 20) + (in_u8 ? 128 : 0);
  const int32_t zy = Uniform(-20, 20) + (out_u8 ? 128 : 0);
  const int32_t type_lo = out_u8 ? 0 : -128;
  const int32_t lo = Uniform(type_lo, type_lo + 200), hi = Uniform(lo, type_lo + 255);
  const trit::Requant r = trit::QuantizeMultiplier(0.05 + (Next() % 1000) * 0.004);
  In levels[256];
  for (int i = 0; i < 256; ++i) levels[i] = static_cast<In>((in_u8 ? 0 : -128) + i);
  alignas(16) Out table[256];
  trit::ref::RescaleClampQ8(256, levels, zx, r, zy, lo, hi, table);
  const auto* x = reinterpret_cast<const In*>(input);
  trit::ref::RescaleClampQ8(count, x, zx, r, zy, lo, hi, reinterpret_cast<Out*>(expected));
  int result = 1;
  for (int kernel = 0; kernel < 2; ++kernel) {
    memset(actual, 0xA5, sizeof actual);
    if (kernel == 0) {
      trit::ref::LookupQ8(count, x, table, reinterpret_cast<Out*>(actual));
    } else {
#if defined(__ARM_FEATURE_MVE)
      trit::cortex_m::LookupQ8Mve(count, x, reinterpret_cast<const uint8_t*>(table), actual);
#else
      continue;
#endif
    }
    if (!OutputMatches(count)) {
      result = -1;
      Print(kernel == 0 ? "MISMATCH (table walk) case " : "MISMATCH (MVE lookup) case ", index);
    }
  }
  return result;
}

// A random BatchNorm (the prepare arithmetic of kernels/q8_prepare.h on random parameters and
// scales) through the 32-bit split, portable and (on the M55) Helium, against ref::BatchNormQ8:
// 1 when they match, 0 when the layer's shift is outside the split's range.
template <typename In, typename Out>
int CheckBatchNorm(int index) {
  const int64_t channels = Uniform(1, 40), positions = Uniform(1, 60);
  float gamma[40], beta[40], mean[40], variance[40];
  const auto real = [](float lo, float hi) {
    return lo + (hi - lo) * static_cast<float>(Next() % 10000) * 1e-4f;
  };
  const float beta_range = Next() % 5 == 0 ? 1e4f : 3.0f;
  for (int64_t c = 0; c < channels; ++c) {
    gamma[c] = real(-2.0f, 2.0f);
    beta[c] = real(-beta_range, beta_range);
    mean[c] = real(-1.0f, 1.0f);
    variance[c] = real(0.01f, 3.0f);
  }
  static int64_t multiplier[40], offset[40];
  int32_t shift = 0;
  const char* problem = "";
  if (!trit::BatchNormQ8Params(channels, gamma, beta, mean, variance, 1e-5, real(0.002f, 0.2f),
                               real(0.002f, 0.2f), multiplier, offset, &shift, &problem)) {
    return 0;
  }
  const bool in_u8 = static_cast<In>(-1) > 0, out_u8 = static_cast<Out>(-1) > 0;
  const int32_t zx = Uniform(-20, 20) + (in_u8 ? 128 : 0);
  const int32_t zy = Uniform(-20, 20) + (out_u8 ? 128 : 0);
  if (!trit::BatchNormQ8Takes(shift, zx)) return 0;
  const int64_t count = positions * channels;
  for (int64_t i = 0; i < count; ++i) input[i] = static_cast<uint8_t>(Next());
  const int32_t lo = out_u8 ? 0 : -128, hi = out_u8 ? 255 : 127;
  const auto* x = reinterpret_cast<const In*>(input);
  trit::ref::BatchNormQ8(positions, channels, x, zx, multiplier, offset, shift, zy, lo, hi,
                         reinterpret_cast<Out*>(expected));
  const trit::cortex_m::BatchNormQ8Params p{positions, channels, multiplier, offset, shift,
                                            zx,        zy,       lo,         hi};
  const size_t declared = trit::BatchNormQ8ScratchBytes(channels);
  int result = 1;
  for (int kernel = 0; kernel < 2; ++kernel) {
    memset(actual, 0xA5, sizeof actual);
    memset(dsp_scratch, 0xA5, sizeof dsp_scratch);
    if (kernel == 0) {
      trit::cortex_m::BatchNormQ8Split(p, x, reinterpret_cast<Out*>(actual), dsp_scratch);
    } else {
#if defined(__ARM_FEATURE_MVE)
      trit::cortex_m::BatchNormQ8Mve(p, x, reinterpret_cast<Out*>(actual), dsp_scratch);
#else
      continue;
#endif
    }
    if (!OutputMatches(count) || dsp_scratch[declared] != 0xA5) {
      result = -1;
      Print(kernel == 0 ? "MISMATCH (BatchNorm split) case " : "MISMATCH (MVE BatchNorm) case ",
            index);
    }
  }
  return result;
}

// Random int8 rows of the recurrent cells (levels -127..127, lengths past a vector and odd)
// through Helium's dot product, against the portable sum: 1 when they match, 0 without Helium.
int CheckDot(int index) {
#if defined(__ARM_FEATURE_MVE)
  const int32_t n = Uniform(1, 300);
  auto* a = reinterpret_cast<int8_t*>(input);
  auto* b = reinterpret_cast<int8_t*>(input + 512);
  for (int32_t k = 0; k < n + 16; ++k) {
    a[k] = static_cast<int8_t>(Uniform(-127, 127));
    b[k] = static_cast<int8_t>(Uniform(-127, 127));  // past n too: must not count
  }
  int32_t expected_sum = 0;
  for (int32_t k = 0; k < n; ++k) expected_sum += int32_t{a[k]} * b[k];
  if (trit::cortex_m::DotQ8Mve(a, b, n) != expected_sum) {
    Print("MISMATCH (MVE dot) case ", index);
    return -1;
  }
  return 1;
#else
  (void)index;
  return 0;
#endif
}

// check(In{}, Out{}) for the input and output types case i picks: i8 or u8 each, in turn.
template <typename Check>
int ForTypePair(int i, Check check) {
  switch (i % 4) {
    case 0:
      return check(int8_t{}, int8_t{});
    case 1:
      return check(int8_t{}, uint8_t{});
    case 2:
      return check(uint8_t{}, int8_t{});
    default:
      return check(uint8_t{}, uint8_t{});
  }
}

}  // namespace

int main() {
  int checked = 0, failed = 0;
  for (int i = 0; i < 400; ++i) {
    const int r = ForTypePair(
        i, [i](auto in, auto out) { return CheckLayer<decltype(in), decltype(out)>(i); });
    if (r > 0) ++checked;
    if (r < 0) ++failed;
  }
  int pools = 0;
  for (int i = 0; i < 200; ++i) {
    const int r = i % 2 ? CheckMaxPool<int8_t>(i) : CheckMaxPool<uint8_t>(i);
    if (r > 0) ++pools;
    if (r < 0) ++failed;
  }
  int avg_pools = 0;
  for (int i = 0; i < 120; ++i) {
    const int r = ForTypePair(
        i, [i](auto in, auto out) { return CheckAvgPool<decltype(in), decltype(out)>(i); });
    if (r > 0) ++avg_pools;
    if (r < 0) ++failed;
  }
  int adds = 0;
  for (int i = 0; i < 80; ++i) {
    int r = 0;
    switch (i % 4) {
      case 0:
        r = CheckAdd<int8_t, int8_t, int8_t>(i);
        break;
      case 1:
        r = CheckAdd<uint8_t, int8_t, uint8_t>(i);
        break;
      case 2:
        r = CheckAdd<int8_t, uint8_t, int8_t>(i);
        break;
      default:
        r = CheckAdd<uint8_t, uint8_t, uint8_t>(i);
        break;
    }
    if (r > 0) ++adds;
    if (r < 0) ++failed;
  }
  int clamps = 0;
  for (int i = 0; i < 60; ++i) {
    const int r = i % 2 ? CheckClamp<int8_t>(i) : CheckClamp<uint8_t>(i);
    if (r > 0) ++clamps;
    if (r < 0) ++failed;
  }
  int lookups = 0;
  for (int i = 0; i < 60; ++i) {
    const int r = ForTypePair(
        i, [i](auto in, auto out) { return CheckLookup<decltype(in), decltype(out)>(i); });
    if (r > 0) ++lookups;
    if (r < 0) ++failed;
  }
  int norms = 0;
  for (int i = 0; i < 80; ++i) {
    const int r = ForTypePair(
        i, [i](auto in, auto out) { return CheckBatchNorm<decltype(in), decltype(out)>(i); });
    if (r > 0) ++norms;
    if (r < 0) ++failed;
  }
  int dots = 0;
  for (int i = 0; i < 100; ++i) {
    const int r = CheckDot(i);
    if (r > 0) ++dots;
    if (r < 0) ++failed;
  }
  Print("layers checked: ", checked);
  Print("max pools checked: ", pools);
  Print("average pools checked: ", avg_pools);
  Print("clamps checked: ", clamps);
  Print("adds checked: ", adds);
  Print("rescaling lookups checked: ", lookups);
  Print("batch norms checked: ", norms);
  Print("dot products checked (Helium): ", dots);
  Print("mismatches: ", failed);
  return failed == 0 && checked > 300 && pools > 150 && avg_pools > 90 && adds > 60 && clamps == 60
             ? 0
             : 1;
}
