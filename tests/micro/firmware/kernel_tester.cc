// Runs on the Cortex-M targets under qemu-system-arm: every optimized microcontroller kernel
// the target has (DSP; on the M55 also Helium) against the reference kernel on random layers (all
// weight types, i8 and u8 activations, per-tensor and per-channel scales, odd depths and unaligned
// packed rows, padding, strides), byte for byte. Prints one line per mismatch and the count of
// layers checked; exit 0 when all match.
#include <cstdint>
#include <cstring>

#include "kernels/cortex_m/q8_conv_dsp.h"
#include "kernels/cortex_m/q8_conv_mve.h"
#include "kernels/cortex_m/q8_depthwise.h"
#include "kernels/ref/conv2d.h"
#include "kernels/ref/dense.h"

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
    if (Next() % 3 == 0) {  // depthwise
      g.in_c = g.out_c = g.groups = Uniform(2, 40);
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

}  // namespace

int main() {
  int checked = 0, failed = 0;
  for (int i = 0; i < 400; ++i) {
    int r = 0;
    switch (i % 4) {
      case 0:
        r = CheckLayer<int8_t, int8_t>(i);
        break;
      case 1:
        r = CheckLayer<int8_t, uint8_t>(i);
        break;
      case 2:
        r = CheckLayer<uint8_t, int8_t>(i);
        break;
      default:
        r = CheckLayer<uint8_t, uint8_t>(i);
        break;
    }
    if (r > 0) ++checked;
    if (r < 0) ++failed;
  }
  Print("layers checked: ", checked);
  Print("mismatches: ", failed);
  return failed == 0 && checked > 300 ? 0 : 1;
}
