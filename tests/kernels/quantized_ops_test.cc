// Every quantized op against a direct float re-computation of the numerics contract
// (docs/quantization.md): dequantize the inputs, compute in double, quantize the result with
// the output parameters. The integer kernels must agree within one level everywhere.
#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <functional>
#include <random>

#include "core/bitpack.h"
#include "core/error.h"
#include "kernel_tester.h"
#include "kernels/cortex_m/q8_batch_norm.h"
#include "kernels/cortex_m/requantize_m.h"
#include "kernels/q8_prepare.h"
#include "kernels/ref/batch_norm.h"
#include "runtime/session.h"

namespace trit {
namespace {

using Ints = std::vector<int64_t>;

using test::Rng;

struct QTensor {
  DType dtype;
  Shape shape;
  float scale;
  int32_t zero_point;
  std::vector<int32_t> levels;  // the stored integers
  double Real(size_t i) const { return scale * (levels[i] - zero_point); }
};

QTensor RandomActivation(Rng& rng, const Shape& shape, DType dtype) {
  QTensor t{dtype, shape, static_cast<float>(rng.Real(0.005, 0.1)), 0, {}};
  t.zero_point = rng.Int(QuantMin(dtype) + 20, QuantMax(dtype) - 20);
  t.levels.resize(static_cast<size_t>(NumElements(shape)));
  for (auto& l : t.levels) l = rng.Int(QuantMin(dtype), QuantMax(dtype));
  return t;
}

QuantParams ParamsOf(const QTensor& t) { return QuantParams::PerTensor(t.scale, t.zero_point); }

int32_t QuantizeReal(double real, float scale, int32_t zero_point, DType dtype, int32_t lo,
                     int32_t hi) {
  const double level = std::nearbyint(real / scale) + zero_point;
  return static_cast<int32_t>(
      std::clamp<double>(level, std::max(lo, QuantMin(dtype)), std::min(hi, QuantMax(dtype))));
}

std::vector<int32_t> ReadLevels(const void* data, DType dtype, size_t count) {
  std::vector<int32_t> levels(count);
  for (size_t i = 0; i < count; ++i) {
    levels[i] = dtype == DType::kU8 ? static_cast<const uint8_t*>(data)[i]
                                    : static_cast<const int8_t*>(data)[i];
  }
  return levels;
}

// Runs a one-output graph whose output value is `out` with the inputs' levels.
std::vector<int32_t> RunGraph(Graph g, const std::vector<const QTensor*>& inputs) {
  auto session = runtime::Session::FromGraph(std::move(g));
  for (size_t i = 0; i < inputs.size(); ++i) {
    auto* data = static_cast<uint8_t*>(session->input_data(i));
    for (size_t k = 0; k < inputs[i]->levels.size(); ++k) {
      data[k] = static_cast<uint8_t>(inputs[i]->levels[k] & 0xFF);
    }
  }
  session->Run();
  const Value& out = session->output(0);
  return ReadLevels(session->output_data(0), out.dtype,
                    static_cast<size_t>(NumElements(out.shape)));
}

void ExpectWithinOneLevel(const std::vector<int32_t>& got, const std::vector<int32_t>& want,
                          const std::string& what) {
  ASSERT_EQ(got.size(), want.size()) << what;
  int mismatches = 0;
  for (size_t i = 0; i < got.size(); ++i) {
    if (std::abs(got[i] - want[i]) > 1 && mismatches++ < 5) {
      ADD_FAILURE() << what << ": element " << i << " got " << got[i] << " want " << want[i];
    }
  }
}

ValueId AddOutput(Graph& g, const std::string& name, DType dtype, float scale, int32_t zero) {
  return g.AddValue(Value{name, dtype, {}, QuantParams::PerTensor(scale, zero), std::nullopt});
}

// Random quantized weights of `type` for [out_channels, rest...]; returns the real values.
struct QWeights {
  Buffer bytes;
  QuantParams quant;
  std::vector<double> real;
};
QWeights RandomWeights(Rng& rng, DType type, const Shape& shape, bool per_channel) {
  const int64_t count = NumElements(shape);
  const int64_t channels = shape[0];
  const int64_t per = count / channels;
  QWeights w;
  const size_t scales = per_channel ? static_cast<size_t>(channels) : 1;
  w.quant.axis = per_channel ? 0 : -1;
  for (size_t c = 0; c < scales; ++c) {
    w.quant.scale.push_back(static_cast<float>(rng.Real(0.001, 0.05)));
    w.quant.zero_point.push_back(0);
    if (type == DType::kTernary) {
      w.quant.ternary_pos.push_back(static_cast<int8_t>(rng.Int(1, 127)));
      w.quant.ternary_neg.push_back(static_cast<int8_t>(rng.Int(1, 127)));
    }
  }
  std::vector<int8_t> levels(static_cast<size_t>(count));
  for (auto& l : levels) {
    l = static_cast<int8_t>(rng.Int(MinLevel(type), MaxLevel(type)));
    if (type == DType::kBinary && l == 0) l = 1;
  }
  std::vector<uint8_t> packed(StorageBytes(type, count));
  if (type == DType::kI8) {
    std::memcpy(packed.data(), levels.data(), packed.size());
  } else {
    PackLevels(type, levels.data(), count, packed.data());
  }
  w.bytes = Buffer::Own(std::move(packed));
  w.real.resize(static_cast<size_t>(count));
  for (int64_t i = 0; i < count; ++i) {
    const size_t c = per_channel ? static_cast<size_t>(i / per) : 0;
    double level = levels[static_cast<size_t>(i)];
    if (type == DType::kTernary) {
      level = level > 0 ? w.quant.ternary_pos[c] : (level < 0 ? -w.quant.ternary_neg[c] : 0);
    }
    w.real[static_cast<size_t>(i)] = w.quant.scale[c] * level;
  }
  return w;
}

const DType kWeightTypes[] = {DType::kI8, DType::kI4, DType::kI2, DType::kTernary, DType::kBinary};
const DType kActTypes[] = {DType::kI8, DType::kU8};

TEST(QuantizedOps, Conv2DEveryWeightTypeMatchesContract) {
  const uint64_t seed = 20261122;
  Rng rng(seed);
  int case_index = 0;
  for (DType wtype : kWeightTypes) {
    for (DType in_type : kActTypes) {
      for (int trial = 0; trial < 4; ++trial, ++case_index) {
        const int groups = trial == 3 ? rng.Int(1, 3) : 1;
        const int64_t cin = groups * rng.Int(1, 9), cout = groups * rng.Int(1, 6);
        const int64_t kh = rng.Int(1, 3), kw = rng.Int(1, 3);
        const int64_t h = rng.Int(int(kh), 9), w = rng.Int(int(kw), 9);
        const int64_t stride = rng.Int(1, 2), pad = rng.Int(0, 1), dilation = trial == 2 ? 2 : 1;
        if (h + 2 * pad < dilation * (kh - 1) + 1 || w + 2 * pad < dilation * (kw - 1) + 1)
          continue;
        const DType out_type = kActTypes[rng.Int(0, 1)];
        const bool per_channel = trial % 2 == 0;
        const std::string activation = trial == 1 ? "relu" : (trial == 2 ? "relu6" : "none");
        const QTensor x = RandomActivation(rng, {1, h, w, cin}, in_type);
        const QWeights wq = RandomWeights(rng, wtype, {cout, kh, kw, cin / groups}, per_channel);
        std::vector<int32_t> bias(static_cast<size_t>(cout));
        for (auto& b : bias) b = rng.Int(-2000, 2000);
        const float out_scale = static_cast<float>(rng.Real(0.01, 0.2));
        const int32_t out_zero = rng.Int(QuantMin(out_type) + 40, QuantMax(out_type) - 40);

        Graph g;
        const ValueId xi = g.AddInput("x", in_type, x.shape, ParamsOf(x));
        const ValueId wi =
            g.AddConstant("w", wtype, {cout, kh, kw, cin / groups}, wq.bytes, wq.quant);
        const ValueId bi = g.AddConstant("b", DType::kI32, {cout}, Buffer::FromVector(bias));
        const ValueId yi = AddOutput(g, "y", out_type, out_scale, out_zero);
        g.AddNodeWithOutputs(Node{OpType::kConv2D,
                                  "conv",
                                  {xi, wi, bi},
                                  {yi},
                                  {{"strides", Ints{stride, stride}},
                                   {"pads", Ints{pad, pad, pad, pad}},
                                   {"dilations", Ints{dilation, dilation}},
                                   {"groups", int64_t{groups}},
                                   {"activation", activation}}});
        g.MarkOutput(yi);
        const std::vector<int32_t> got = RunGraph(g, {&x});

        // Float re-computation of the same convolution.
        const int64_t oh = (h + 2 * pad - dilation * (kh - 1) - 1) / stride + 1;
        const int64_t ow = (w + 2 * pad - dilation * (kw - 1) - 1) / stride + 1;
        const int64_t cin_g = cin / groups, cout_g = cout / groups;
        std::vector<int32_t> want;
        for (int64_t oy = 0; oy < oh; ++oy) {
          for (int64_t ox = 0; ox < ow; ++ox) {
            for (int64_t oc = 0; oc < cout; ++oc) {
              const size_t sc = per_channel ? static_cast<size_t>(oc) : 0;
              double acc = x.scale * wq.quant.scale[sc] * bias[static_cast<size_t>(oc)];
              for (int64_t ky = 0; ky < kh; ++ky) {
                for (int64_t kx = 0; kx < kw; ++kx) {
                  const int64_t iy = oy * stride - pad + ky * dilation;
                  const int64_t ix = ox * stride - pad + kx * dilation;
                  if (iy < 0 || iy >= h || ix < 0 || ix >= w) continue;
                  for (int64_t ic = 0; ic < cin_g; ++ic) {
                    const int64_t c = (oc / cout_g) * cin_g + ic;
                    acc += x.Real(static_cast<size_t>((iy * w + ix) * cin + c)) *
                           wq.real[static_cast<size_t>(((oc * kh + ky) * kw + kx) * cin_g + ic)];
                  }
                }
              }
              if (activation != "none") acc = std::max(acc, 0.0);
              int32_t hi = QuantMax(out_type);
              if (activation == "relu6") {
                hi = std::min<int32_t>(
                    hi, out_zero + static_cast<int32_t>(std::nearbyint(6.0 / out_scale)));
                acc = std::min(acc, 6.0);
              }
              want.push_back(
                  QuantizeReal(acc, out_scale, out_zero, out_type, QuantMin(out_type), hi));
            }
          }
        }
        ExpectWithinOneLevel(got, want,
                             "conv case " + std::to_string(case_index) + " weights " +
                                 std::string(DTypeName(wtype)) + " seed " + std::to_string(seed));
      }
    }
  }
}

TEST(QuantizedOps, DenseEveryWeightTypeMatchesContract) {
  const uint64_t seed = 77;
  Rng rng(seed);
  for (DType wtype : kWeightTypes) {
    for (DType in_type : kActTypes) {
      for (int trial = 0; trial < 3; ++trial) {
        const int64_t rows = rng.Int(1, 3), k = rng.Int(1, 70), n = rng.Int(1, 17);
        const DType out_type = kActTypes[rng.Int(0, 1)];
        const bool per_channel = trial != 1;
        const QTensor x = RandomActivation(rng, {rows, k}, in_type);
        const QWeights wq = RandomWeights(rng, wtype, {n, k}, per_channel);
        const float out_scale = static_cast<float>(rng.Real(0.01, 0.2));
        const int32_t out_zero = rng.Int(QuantMin(out_type) + 40, QuantMax(out_type) - 40);
        Graph g;
        const ValueId xi = g.AddInput("x", in_type, x.shape, ParamsOf(x));
        const ValueId wi = g.AddConstant("w", wtype, {n, k}, wq.bytes, wq.quant);
        const ValueId yi = AddOutput(g, "y", out_type, out_scale, out_zero);
        g.AddNodeWithOutputs(Node{OpType::kDense, "fc", {xi, wi}, {yi}, {}});
        g.MarkOutput(yi);
        const std::vector<int32_t> got = RunGraph(g, {&x});
        std::vector<int32_t> want;
        for (int64_t r = 0; r < rows; ++r) {
          for (int64_t o = 0; o < n; ++o) {
            double acc = 0;
            for (int64_t i = 0; i < k; ++i) {
              acc +=
                  x.Real(static_cast<size_t>(r * k + i)) * wq.real[static_cast<size_t>(o * k + i)];
            }
            want.push_back(QuantizeReal(acc, out_scale, out_zero, out_type, -1000, 1000));
          }
        }
        ExpectWithinOneLevel(
            got, want, "dense " + std::string(DTypeName(wtype)) + " seed " + std::to_string(seed));
      }
    }
  }
}

// Runs a single-input pointwise or pooling op and compares with `reference` (real -> real
// per output element, given all real inputs).
void CheckUnary(OpType op, Attributes attrs, const Shape& shape, const Shape& out_shape,
                const std::function<std::vector<double>(const std::vector<double>&)>& reference,
                uint64_t seed, bool same_params = false,
                const std::vector<std::vector<float>>& constants = {}) {
  Rng rng(seed);
  for (DType in_type : kActTypes) {
    for (DType out_type : kActTypes) {
      if (same_params && in_type != out_type) continue;
      const QTensor x = RandomActivation(rng, shape, in_type);
      float out_scale = static_cast<float>(rng.Real(0.005, 0.1));
      int32_t out_zero = rng.Int(QuantMin(out_type) + 20, QuantMax(out_type) - 20);
      if (same_params) {
        out_scale = x.scale;
        out_zero = x.zero_point;
      }
      if (op == OpType::kSoftmax || op == OpType::kSigmoid) {
        out_scale = 1.0f / 256.0f;
        out_zero = QuantMin(out_type);
      }
      Graph g;
      const ValueId xi = g.AddInput("x", in_type, x.shape, ParamsOf(x));
      const ValueId yi = AddOutput(g, "y", out_type, out_scale, out_zero);
      std::vector<ValueId> inputs = {xi};
      const char* const kNames[] = {"p1", "p2", "p3"};
      for (size_t i = 0; i < constants.size() && i < 3; ++i) {  // f32 parameters (LayerNorm)
        inputs.push_back(g.AddConstant(kNames[i], DType::kF32,
                                       {static_cast<int64_t>(constants[i].size())},
                                       Buffer::FromVector(constants[i])));
      }
      g.AddNodeWithOutputs(Node{op, "op", inputs, {yi}, attrs});
      g.MarkOutput(yi);
      const std::vector<int32_t> got = RunGraph(g, {&x});
      std::vector<double> real(x.levels.size());
      for (size_t i = 0; i < real.size(); ++i) real[i] = x.Real(i);
      const std::vector<double> want_real = reference(real);
      ASSERT_EQ(static_cast<int64_t>(want_real.size()), NumElements(out_shape));
      std::vector<int32_t> want;
      for (const double r : want_real) {
        want.push_back(QuantizeReal(r, out_scale, out_zero, out_type, -1000, 1000));
      }
      ExpectWithinOneLevel(got, want,
                           std::string(OpTypeName(op)) + " " + std::string(DTypeName(in_type)) +
                               "->" + std::string(DTypeName(out_type)) + " seed " +
                               std::to_string(seed));
    }
  }
}

std::vector<double> Map(const std::vector<double>& v, double (*f)(double)) {
  std::vector<double> out(v.size());
  for (size_t i = 0; i < v.size(); ++i) out[i] = f(v[i]);
  return out;
}

TEST(QuantizedOps, PointwiseActivations) {
  const Shape shape = {1, 5, 7, 3};
  CheckUnary(
      OpType::kRelu, {}, shape, shape,
      [](const auto& v) { return Map(v, [](double x) { return std::max(x, 0.0); }); }, 1);
  CheckUnary(
      OpType::kClip, {{"min", 0.0f}, {"max", 6.0f}}, shape, shape,
      [](const auto& v) { return Map(v, [](double x) { return std::clamp(x, 0.0, 6.0); }); }, 2);
  CheckUnary(
      OpType::kClip, {{"min", -1.0f}, {"max", 1.5f}}, shape, shape,
      [](const auto& v) { return Map(v, [](double x) { return std::clamp(x, -1.0, 1.5); }); }, 3);
  CheckUnary(
      OpType::kSigmoid, {}, shape, shape,
      [](const auto& v) { return Map(v, [](double x) { return 1.0 / (1.0 + std::exp(-x)); }); }, 4);
  CheckUnary(
      OpType::kTanh, {}, shape, shape,
      [](const auto& v) { return Map(v, [](double x) { return std::tanh(x); }); }, 5);
  CheckUnary(
      OpType::kSilu, {}, shape, shape,
      [](const auto& v) { return Map(v, [](double x) { return x / (1.0 + std::exp(-x)); }); }, 7);
  CheckUnary(
      OpType::kHardSwish, {}, shape, shape,
      [](const auto& v) {
        return Map(v, [](double x) { return x * std::clamp(x / 6.0 + 0.5, 0.0, 1.0); });
      },
      8);
  CheckUnary(
      OpType::kHardSigmoid, {{"alpha", 0.25f}, {"beta", 0.4f}}, shape, shape,
      [](const auto& v) {
        return Map(v, [](double x) { return std::clamp(0.25 * x + 0.4, 0.0, 1.0); });
      },
      9);
  CheckUnary(
      OpType::kErf, {}, shape, shape,
      [](const auto& v) { return Map(v, [](double x) { return std::erf(x); }); }, 10);
  CheckUnary(
      OpType::kGelu, {}, shape, shape,
      [](const auto& v) {
        return Map(v, [](double x) { return 0.5 * x * (1 + std::erf(x / std::sqrt(2.0))); });
      },
      11);
  CheckUnary(
      OpType::kGelu, {{"approximate", std::string("tanh")}}, shape, shape,
      [](const auto& v) {
        return Map(v, [](double x) {
          return 0.5 * x * (1 + std::tanh(std::sqrt(2 / M_PI) * (x + 0.044715 * x * x * x)));
        });
      },
      12);
  CheckUnary(
      OpType::kExp, {}, shape, shape,
      [](const auto& v) { return Map(v, [](double x) { return std::exp(x); }); }, 13);
  CheckUnary(
      OpType::kSoftplus, {}, shape, shape,
      [](const auto& v) { return Map(v, [](double x) { return std::log(1 + std::exp(x)); }); }, 14);
  CheckUnary(
      OpType::kMish, {}, shape, shape,
      [](const auto& v) {
        return Map(v, [](double x) { return x * std::tanh(std::log(1 + std::exp(x))); });
      },
      15);
}

// LayerNorm on 8-bit tensors: the real values normalized per row (the last axis, then the last
// two), scaled and shifted, quantized once.
TEST(QuantizedOps, LayerNormRows) {
  for (const int64_t axis : {-1, -2}) {
    const Shape shape = {2, 5, 6};
    const int64_t row = axis == -1 ? 6 : 30;
    std::vector<float> scale(static_cast<size_t>(row)), bias(scale.size());
    for (size_t i = 0; i < scale.size(); ++i) {
      scale[i] = 0.5f + 0.1f * static_cast<float>(i % 7);
      bias[i] = -0.3f + 0.05f * static_cast<float>(i % 5);
    }
    const auto reference = [&](const std::vector<double>& v) {
      std::vector<double> out(v.size());
      for (size_t r = 0; r < v.size() / static_cast<size_t>(row); ++r) {
        const double* x = v.data() + r * static_cast<size_t>(row);
        double mean = 0, var = 0;
        for (int64_t i = 0; i < row; ++i) mean += x[i] / static_cast<double>(row);
        for (int64_t i = 0; i < row; ++i) var += (x[i] - mean) * (x[i] - mean) / row;
        for (int64_t i = 0; i < row; ++i) {
          out[r * static_cast<size_t>(row) + static_cast<size_t>(i)] =
              (x[i] - mean) / std::sqrt(var + 1e-5) * scale[static_cast<size_t>(i)] +
              bias[static_cast<size_t>(i)];
        }
      }
      return out;
    };
    CheckUnary(OpType::kLayerNorm, {{"axis", axis}}, shape, shape, reference, 13, false,
               {scale, bias});
  }
}

TEST(QuantizedOps, SoftmaxRows) {
  const Shape shape = {3, 10};
  CheckUnary(
      OpType::kSoftmax, {}, shape, shape,
      [](const std::vector<double>& v) {
        std::vector<double> out(v.size());
        for (size_t r = 0; r < 3; ++r) {
          double mx = -1e30, sum = 0;
          for (size_t i = 0; i < 10; ++i) mx = std::max(mx, v[r * 10 + i]);
          for (size_t i = 0; i < 10; ++i) sum += std::exp(v[r * 10 + i] - mx);
          for (size_t i = 0; i < 10; ++i) out[r * 10 + i] = std::exp(v[r * 10 + i] - mx) / sum;
        }
        return out;
      },
      6);
}

TEST(QuantizedOps, Pools) {
  const Shape shape = {1, 7, 6, 4};
  auto pool = [&](bool max, int k, int s, int pad, bool include_pad) {
    return [=](const std::vector<double>& v) {
      std::vector<double> out;
      const int oh = (7 + 2 * pad - k) / s + 1, ow = (6 + 2 * pad - k) / s + 1;
      for (int oy = 0; oy < oh; ++oy) {
        for (int ox = 0; ox < ow; ++ox) {
          for (int c = 0; c < 4; ++c) {
            double acc = max ? -1e30 : 0.0;
            int count = 0;
            for (int y = oy * s - pad; y < oy * s - pad + k; ++y) {
              for (int x = ox * s - pad; x < ox * s - pad + k; ++x) {
                if (y < 0 || y >= 7 || x < 0 || x >= 6) continue;
                const double value = v[static_cast<size_t>((y * 6 + x) * 4 + c)];
                acc = max ? std::max(acc, value) : acc + value;
                ++count;
              }
            }
            out.push_back(max ? acc : acc / (include_pad ? k * k : count));
          }
        }
      }
      return out;
    };
  };
  CheckUnary(OpType::kMaxPool,
             {{"kernel", Ints{3, 3}}, {"strides", Ints{2, 2}}, {"pads", Ints{1, 1, 1, 1}}}, shape,
             {1, 4, 3, 4}, pool(true, 3, 2, 1, false), 7);
  CheckUnary(OpType::kMaxPool, {{"kernel", Ints{2, 2}}}, shape, {1, 3, 3, 4},
             pool(true, 2, 2, 0, false), 8, true);
  CheckUnary(OpType::kAvgPool,
             {{"kernel", Ints{3, 3}}, {"strides", Ints{2, 2}}, {"pads", Ints{1, 1, 1, 1}}}, shape,
             {1, 4, 3, 4}, pool(false, 3, 2, 1, false), 9);
  CheckUnary(OpType::kAvgPool,
             {{"kernel", Ints{3, 3}},
              {"strides", Ints{2, 2}},
              {"pads", Ints{1, 1, 1, 1}},
              {"count_include_pad", int64_t{1}}},
             shape, {1, 4, 3, 4}, pool(false, 3, 2, 1, true), 10);
  CheckUnary(
      OpType::kGlobalAvgPool, {}, shape, {1, 1, 1, 4},
      [](const std::vector<double>& v) {
        std::vector<double> out(4, 0.0);
        for (size_t i = 0; i < v.size(); ++i) out[i % 4] += v[i] / 42.0;
        return out;
      },
      11);
}

TEST(QuantizedOps, PadUsesTheZeroPoint) {
  const Shape shape = {1, 2, 3, 2};
  CheckUnary(
      OpType::kPad, {{"pads", Ints{0, 1, 0, 0, 0, 0, 2, 3}}}, shape, {1, 3, 5, 5},
      [](const std::vector<double>& v) {
        std::vector<double> out(75, 0.0);
        for (int y = 0; y < 2; ++y)
          for (int x = 0; x < 3; ++x)
            for (int c = 0; c < 2; ++c)
              out[static_cast<size_t>(((y + 1) * 5 + x) * 5 + c)] =
                  v[static_cast<size_t>((y * 3 + x) * 2 + c)];
        return out;
      },
      12, true);
}

TEST(QuantizedOps, BatchNorm) {
  Rng rng(13);
  for (DType in_type : kActTypes) {
    for (DType out_type : kActTypes) {
      const int64_t channels = 5;
      const QTensor x = RandomActivation(rng, {1, 3, 4, channels}, in_type);
      std::vector<float> gamma, beta, mean, var;
      for (int c = 0; c < channels; ++c) {
        gamma.push_back(static_cast<float>(rng.Real(-1.5, 1.5)));
        beta.push_back(static_cast<float>(rng.Real(-0.5, 0.5)));
        mean.push_back(static_cast<float>(rng.Real(-0.3, 0.3)));
        var.push_back(static_cast<float>(rng.Real(0.5, 2.0)));
      }
      const float out_scale = 0.05f;
      const int32_t out_zero = QuantMin(out_type) + 128;
      Graph g;
      const ValueId xi = g.AddInput("x", in_type, x.shape, ParamsOf(x));
      std::vector<ValueId> inputs = {xi};
      int k = 0;
      for (const auto* p : {&gamma, &beta, &mean, &var}) {
        inputs.push_back(g.AddConstant(std::string("p") + std::to_string(k++), DType::kF32,
                                       {channels}, Buffer::FromVector(*p)));
      }
      const ValueId yi = AddOutput(g, "y", out_type, out_scale, out_zero);
      g.AddNodeWithOutputs(Node{OpType::kBatchNorm, "bn", inputs, {yi}, {{"epsilon", 1e-5f}}});
      g.MarkOutput(yi);
      const std::vector<int32_t> got = RunGraph(g, {&x});
      std::vector<int32_t> want;
      for (size_t i = 0; i < x.levels.size(); ++i) {
        const size_t c = i % channels;
        const double real = (x.Real(i) - mean[c]) / std::sqrt(var[c] + 1e-5) * gamma[c] + beta[c];
        want.push_back(QuantizeReal(real, out_scale, out_zero, out_type, -1000, 1000));
      }
      ExpectWithinOneLevel(got, want, "batchnorm");
    }
  }
}

// The 8-bit BatchNorm of every level (AVX-512: the 32-bit split sixteen channels a step, masked
// at the tail; below: the per-channel tables) gives the reference kernel's bytes, on every
// input level of every channel of random layers: channel counts across the 16-lane edges, both
// signs in and out, offsets far outside the output's range among them.
TEST(QuantizedOps, BatchNormGivesTheReferencesBytesAtEveryLevel) {
  Rng rng(15);
  int split_layers = 0;
  for (int layer = 0; layer < 48; ++layer) {
    const int64_t channels = std::vector<int64_t>{1, 5, 15, 16, 17, 32, 50, 64}[layer % 8];
    const DType in_type = kActTypes[layer % 2], out_type = kActTypes[(layer / 2) % 2];
    Graph g;
    const Shape shape = {1, 16, 16, channels};  // 256 positions: every level at every channel
    const float in_scale = static_cast<float>(rng.Real(0.005, 0.1));
    const int32_t in_zero = QuantMin(in_type) + rng.Int(100, 156);
    const ValueId xi = g.AddInput("x", in_type, shape, QuantParams::PerTensor(in_scale, in_zero));
    std::vector<ValueId> inputs = {xi};
    const double beta_range = layer % 5 == 0 ? 50.0 : 1.0;
    for (int k = 0; k < 4; ++k) {
      std::vector<float> v(static_cast<size_t>(channels));
      for (float& f : v) {
        f = static_cast<float>(k == 0   ? rng.Real(-2, 2)
                               : k == 1 ? rng.Real(-beta_range, beta_range)
                               : k == 2 ? rng.Real(-1, 1)
                                        : rng.Real(0.01, 3));
      }
      const char* names[] = {"gamma", "beta", "mean", "variance"};
      inputs.push_back(g.AddConstant(names[k], DType::kF32, {channels}, Buffer::FromVector(v)));
    }
    const ValueId yi = AddOutput(g, "y", out_type, static_cast<float>(rng.Real(0.005, 0.1)),
                                 QuantMin(out_type) + rng.Int(100, 156));
    g.AddNodeWithOutputs(Node{OpType::kBatchNorm, "bn", inputs, {yi}, {{"epsilon", 1e-5f}}});
    g.MarkOutput(yi);
    std::vector<uint8_t> x(static_cast<size_t>(256 * channels));
    for (size_t i = 0; i < x.size(); ++i) x[i] = static_cast<uint8_t>(i / channels);
    std::vector<uint8_t> reference;
    for (const Isa isa : RunnableIsas()) {
      setenv("TRIT_ISA", std::string(IsaName(isa)).c_str(), 1);
      auto session = runtime::Session::FromGraph(g);
      unsetenv("TRIT_ISA");
      std::memcpy(session->input_data(0), x.data(), x.size());
      session->Run();
      const auto* y = static_cast<const uint8_t*>(session->output_data(0));
      const std::vector<uint8_t> got(y, y + x.size());
      if (isa == Isa::kRef) reference = got;
      EXPECT_EQ(got, reference) << IsaName(isa) << " " << session->kernel_name(0) << " layer "
                                << layer;
      split_layers += session->kernel_name(0) == "q8_batchnorm_16x__avx512";
    }
  }
  const auto isas = RunnableIsas();
  if (std::find(isas.begin(), isas.end(), Isa::kAvx512) != isas.end()) {
    EXPECT_GT(split_layers, 30);
  }
}

TEST(QuantizedOps, AddSubMulConcatMinMaxWithBroadcastAndMixedParams) {
  Rng rng(14);
  for (OpType op :
       {OpType::kAdd, OpType::kSub, OpType::kMul, OpType::kConcat, OpType::kMin, OpType::kMax}) {
    for (DType a_type : kActTypes) {
      for (DType b_type : kActTypes) {
        const DType out_type = kActTypes[rng.Int(0, 1)];
        const Shape a_shape = {1, 3, 4, 5};
        const Shape b_shape = op == OpType::kConcat ? Shape{1, 3, 4, 2} : Shape{4, 1};
        const QTensor a = RandomActivation(rng, a_shape, a_type);
        const QTensor b = RandomActivation(rng, b_shape, b_type);
        const float out_scale = op == OpType::kMul ? 0.002f : 0.08f;
        const int32_t out_zero = QuantMin(out_type) + 128;
        Graph g;
        const ValueId ai = g.AddInput("a", a_type, a_shape, ParamsOf(a));
        const ValueId bi = g.AddInput("b", b_type, b_shape, ParamsOf(b));
        const ValueId yi = AddOutput(g, "y", out_type, out_scale, out_zero);
        Attributes attrs;
        if (op == OpType::kConcat) attrs.Set("axis", int64_t{-1});
        g.AddNodeWithOutputs(Node{op, "op", {ai, bi}, {yi}, attrs});
        g.MarkOutput(yi);
        const std::vector<int32_t> got = RunGraph(g, {&a, &b});
        std::vector<int32_t> want;
        for (int64_t y = 0; y < 3; ++y) {
          for (int64_t x = 0; x < 4; ++x) {
            const int64_t channels = op == OpType::kConcat ? 7 : 5;
            for (int64_t c = 0; c < channels; ++c) {
              double real;
              if (op == OpType::kConcat) {
                real = c < 5 ? a.Real(static_cast<size_t>((y * 4 + x) * 5 + c))
                             : b.Real(static_cast<size_t>((y * 4 + x) * 2 + c - 5));
              } else {
                const double av = a.Real(static_cast<size_t>((y * 4 + x) * 5 + c));
                const double bv = b.Real(static_cast<size_t>(x));  // [4,1] broadcasts over W
                real = op == OpType::kAdd   ? av + bv
                       : op == OpType::kSub ? av - bv
                       : op == OpType::kMul ? av * bv
                       : op == OpType::kMin ? std::min(av, bv)
                                            : std::max(av, bv);
              }
              want.push_back(QuantizeReal(real, out_scale, out_zero, out_type, -1000, 1000));
            }
          }
        }
        ExpectWithinOneLevel(got, want, std::string(OpTypeName(op)));
      }
    }
  }
}

// An Add or BatchNorm with a fused ReLU / ReLU6 (quant::FoldForInference) gives the bytes of the
// op followed by the separate Relu or Clip(0, 6) it replaced, where that one keeps the op's
// output parameters (as the quantizer gives it): 8-bit and fp32, every level, both 8-bit types,
// the Add with same shapes (the split form) and broadcast, on one thread and on two (24 KB and
// more of output: the threads split it, each clamping its own part).
TEST(QuantizedOps, FusedActivationOfAddAndBatchNormGivesTheSeparateOpsBytes) {
  Rng rng(21);
  const int64_t channels = 24;
  const Shape shape = {1, 32, 32, channels};
  for (const DType type : {DType::kI8, DType::kU8, DType::kF32}) {
    for (const OpType op : {OpType::kAdd, OpType::kBatchNorm}) {
      for (const bool broadcast : {false, true}) {
        if (broadcast && op == OpType::kBatchNorm) continue;
        for (const char* activation : {"relu", "relu6"}) {
          const bool q8 = type != DType::kF32;
          const Shape b_shape = broadcast ? Shape{32, 1, channels} : shape;
          auto params = [&](float scale) {
            return q8 ? QuantParams::PerTensor(scale, QuantMin(type) + rng.Int(60, 200))
                      : QuantParams{};
          };
          const QuantParams a_params = params(static_cast<float>(rng.Real(0.01, 0.05)));
          const QuantParams b_params = params(static_cast<float>(rng.Real(0.01, 0.05)));
          const QuantParams y_params = params(static_cast<float>(rng.Real(0.01, 0.05)));
          std::vector<std::vector<float>> bn(4, std::vector<float>(channels));
          for (size_t k = 0; k < 4; ++k) {
            for (float& v : bn[k]) {
              v = static_cast<float>(k == 3 ? rng.Real(0.2, 2) : rng.Real(-2, 2));
            }
          }
          auto build = [&](bool fused) {
            Graph g;
            const ValueId a = g.AddInput("a", type, shape, a_params);
            std::vector<ValueId> inputs = {a};
            if (op == OpType::kAdd) {
              inputs.push_back(g.AddInput("b", type, b_shape, b_params));
            } else {
              for (size_t k = 0; k < 4; ++k) {
                inputs.push_back(g.AddConstant("bn" + std::to_string(k), DType::kF32, {channels},
                                               Buffer::FromVector(bn[k])));
              }
            }
            const ValueId sum = g.AddValue(Value{"sum", type, {}, y_params, std::nullopt});
            Attributes attrs;
            if (fused) attrs.Set("activation", std::string(activation));
            g.AddNodeWithOutputs(Node{op, "op", inputs, {sum}, attrs});
            ValueId y = sum;
            if (!fused) {
              y = g.AddValue(Value{"y", type, {}, y_params, std::nullopt});
              Attributes clip;
              if (std::string(activation) == "relu6") {
                clip.Set("min", 0.0f);
                clip.Set("max", 6.0f);
              }
              g.AddNodeWithOutputs(
                  Node{clip.Has("max") ? OpType::kClip : OpType::kRelu, "act", {sum}, {y}, clip});
            }
            g.MarkOutput(y);
            return g;
          };
          const Graph separate = build(false), fused = build(true);
          // Inputs spread over the whole range, so the clamps bite.
          const size_t element = q8 ? 1 : sizeof(float);
          std::vector<std::vector<uint8_t>> data;
          for (const Shape& s : {shape, b_shape}) {
            std::vector<uint8_t> bytes(static_cast<size_t>(NumElements(s)) * element);
            if (q8) {
              for (uint8_t& v : bytes) v = static_cast<uint8_t>(rng.Int(0, 255));
            } else {
              for (size_t i = 0; i < bytes.size(); i += 4) {
                const auto f = static_cast<float>(rng.Real(-9, 9));
                std::memcpy(&bytes[i], &f, 4);
              }
            }
            data.push_back(std::move(bytes));
          }
          for (const Isa isa : RunnableIsas()) {
            // The separate ops on one thread; the fused op on one and on two.
            std::vector<uint8_t> outputs[3];
            for (int k = 0; k < 3; ++k) {
              runtime::SessionOptions options;
              options.threads = k == 2 ? 2 : 1;
              setenv("TRIT_ISA", std::string(IsaName(isa)).c_str(), 1);
              auto session = runtime::Session::FromGraph(k == 0 ? separate : fused, options);
              unsetenv("TRIT_ISA");
              for (size_t i = 0; i < (op == OpType::kAdd ? 2u : 1u); ++i) {
                std::memcpy(session->input_data(i), data[i].data(), data[i].size());
              }
              session->Run();
              const auto* y = static_cast<const uint8_t*>(session->output_data(0));
              outputs[k].assign(y, y + data[0].size());
            }
            for (int k = 1; k < 3; ++k) {
              EXPECT_EQ(outputs[0], outputs[k])
                  << OpTypeName(op) << " " << DTypeName(type) << " " << activation
                  << (broadcast ? " broadcast " : " ") << IsaName(isa) << " threads " << k;
            }
          }
        }
      }
    }
  }
}

// The 8-bit Min and Max of every level give the reference's bytes (the reference level's
// session): operands of one shape (two tables), a single-element operand on either side,
// constant (one table, as a ReLU written Max(x, 0)) or computed, and a broadcast (the
// reference), both 8-bit types in and out, scales that clamp.
TEST(QuantizedOps, MinMaxGiveTheReferencesBytesAtEveryLevel) {
  Rng rng(23);
  int table_forms = 0;
  const Shape shape = {1, 7, 9, 10};
  const Shape other_shapes[] = {shape, Shape{1}, Shape{1, 1, 1, 1}, Shape{9, 1}};
  for (int layer = 0; layer < 64; ++layer) {
    const OpType op = layer % 2 ? OpType::kMax : OpType::kMin;
    const DType a_type = kActTypes[rng.Int(0, 1)], b_type = kActTypes[rng.Int(0, 1)];
    const DType out_type = kActTypes[rng.Int(0, 1)];
    const Shape b_shape = other_shapes[(layer / 2) % 4];
    const bool swap = layer % 8 >= 4;  // the single element first
    const bool constant = rng.Bool();
    auto params = [&](DType t) {
      return QuantParams::PerTensor(static_cast<float>(rng.Real(0.01, 0.1)),
                                    QuantMin(t) + rng.Int(40, 215));
    };
    Graph g;
    const ValueId x = g.AddInput("x", a_type, shape, params(a_type));
    ValueId other;
    std::vector<uint8_t> other_bytes(static_cast<size_t>(NumElements(b_shape)));
    for (uint8_t& v : other_bytes) v = static_cast<uint8_t>(rng.Int(0, 255));
    if (constant) {
      other = g.AddConstant("c", b_type, b_shape, Buffer::FromVector(other_bytes));
      g.value(other).quant = params(b_type);
    } else {
      other = g.AddInput("other", b_type, b_shape, params(b_type));
    }
    const ValueId y = AddOutput(g, "y", out_type, static_cast<float>(rng.Real(0.01, 0.1)),
                                QuantMin(out_type) + rng.Int(40, 215));
    g.AddNodeWithOutputs(Node{
        op, "op", swap ? std::vector<ValueId>{other, x} : std::vector<ValueId>{x, other}, {y}, {}});
    g.MarkOutput(y);
    std::vector<uint8_t> xs(static_cast<size_t>(NumElements(shape)));
    for (uint8_t& v : xs) v = static_cast<uint8_t>(rng.Int(0, 255));
    std::vector<uint8_t> reference;
    for (const Isa isa : RunnableIsas()) {
      setenv("TRIT_ISA", std::string(IsaName(isa)).c_str(), 1);
      auto session = runtime::Session::FromGraph(g);
      unsetenv("TRIT_ISA");
      std::memcpy(session->input_data(0), xs.data(), xs.size());
      if (!constant) std::memcpy(session->input_data(1), other_bytes.data(), other_bytes.size());
      session->Run();
      const auto* out = static_cast<const uint8_t*>(session->output_data(0));
      const std::vector<uint8_t> got(out, out + xs.size());
      if (isa == Isa::kRef) reference = got;
      EXPECT_EQ(got, reference) << IsaName(isa) << " " << session->kernel_name(0) << " layer "
                                << layer;
      table_forms += session->kernel_name(0).find("_lut") != std::string_view::npos;
    }
  }
  if (RunnableIsas().size() > 1) {
    EXPECT_GT(table_forms, 40);
  }
}

// MatMul of two 8-bit activations (batch broadcast) and Div by one constant (either sign):
// within one level of the exact result.
TEST(QuantizedOps, MatMulOfActivationsAndDivByAConstant) {
  Rng rng(24);
  for (DType a_type : kActTypes) {
    for (DType b_type : kActTypes) {
      const DType out_type = kActTypes[rng.Int(0, 1)];
      const QTensor a = RandomActivation(rng, {2, 3, 5}, a_type);
      const QTensor b = RandomActivation(rng, {1, 5, 4}, b_type);
      const float out_scale = 0.002f;
      const int32_t out_zero = QuantMin(out_type) + 128;
      Graph g;
      const ValueId ai = g.AddInput("a", a_type, a.shape, ParamsOf(a));
      const ValueId bi = g.AddInput("b", b_type, b.shape, ParamsOf(b));
      const ValueId yi = AddOutput(g, "y", out_type, out_scale, out_zero);
      g.AddNodeWithOutputs(Node{OpType::kMatMul, "mm", {ai, bi}, {yi}, {}});
      g.MarkOutput(yi);
      const std::vector<int32_t> got = RunGraph(g, {&a, &b});
      std::vector<int32_t> want;
      for (int64_t batch = 0; batch < 2; ++batch) {
        for (int64_t i = 0; i < 3; ++i) {
          for (int64_t j = 0; j < 4; ++j) {
            double sum = 0;
            for (int64_t k = 0; k < 5; ++k) {
              sum += a.Real(static_cast<size_t>((batch * 3 + i) * 5 + k)) *
                     b.Real(static_cast<size_t>(k * 4 + j));
            }
            want.push_back(QuantizeReal(sum, out_scale, out_zero, out_type, -1000, 1000));
          }
        }
      }
      ExpectWithinOneLevel(got, want, "matmul");
    }
    for (const float divisor : {2.5f, -0.75f}) {
      const QTensor x = RandomActivation(rng, {1, 4, 6}, a_type);
      const DType out_type = kActTypes[rng.Int(0, 1)];
      Graph g;
      const ValueId xi = g.AddInput("x", a_type, x.shape, ParamsOf(x));
      const ValueId c =
          g.AddConstant("c", DType::kF32, {}, Buffer::FromVector(std::vector<float>{divisor}));
      const ValueId yi = AddOutput(g, "y", out_type, 0.03f, QuantMin(out_type) + 128);
      g.AddNodeWithOutputs(Node{OpType::kDiv, "div", {xi, c}, {yi}, {}});
      g.MarkOutput(yi);
      const std::vector<int32_t> got = RunGraph(g, {&x});
      std::vector<int32_t> want;
      for (size_t i = 0; i < x.levels.size(); ++i) {
        want.push_back(QuantizeReal(x.Real(i) / divisor, 0.03f, QuantMin(out_type) + 128, out_type,
                                    -1000, 1000));
      }
      ExpectWithinOneLevel(got, want, "div");
    }
  }
}

TEST(QuantizedOps, QuantizeDequantizeRoundHalfEven) {
  Graph g;
  const ValueId x = g.AddInput("x", DType::kF32, {1, 6});
  const ValueId q = AddOutput(g, "q", DType::kI8, 0.5f, 3);
  g.AddNodeWithOutputs(Node{OpType::kQuantize, "quant", {x}, {q}, {}});
  g.MarkOutput(g.AddNode(OpType::kDequantize, "dequant", {q}));
  auto session = runtime::Session::FromGraph(std::move(g));
  const float in[6] = {0.25f, 0.75f, -0.25f, 100.0f, -100.0f, 1.0f};
  std::memcpy(session->input_data(0), in, sizeof(in));
  session->Run();
  const float* out = static_cast<const float*>(session->output_data(0));
  // 0.25/0.5 = 0.5 -> 0 (even), 1.5 -> 2, -0.5 -> 0; saturation at 127 and -128.
  EXPECT_FLOAT_EQ(out[0], 0.0f);
  EXPECT_FLOAT_EQ(out[1], 1.0f);
  EXPECT_FLOAT_EQ(out[2], 0.0f);
  EXPECT_FLOAT_EQ(out[3], 0.5f * (127 - 3));
  EXPECT_FLOAT_EQ(out[4], 0.5f * (-128 - 3));
  EXPECT_FLOAT_EQ(out[5], 1.0f);
}

TEST(QuantizedOps, AccumulatorBoundIsEnforced) {
  // 70000 products of 255 * 127 can overflow 32 bits: the kernel must refuse the layer.
  Graph g;
  const int64_t k = 70000;
  const ValueId x = g.AddInput("x", DType::kU8, {1, k}, QuantParams::PerTensor(0.1f, 0));
  std::vector<uint8_t> w(static_cast<size_t>(k), 127);
  const ValueId wi =
      g.AddConstant("w", DType::kI8, {1, k}, Buffer::Own(w), QuantParams::PerTensor(0.01f, 0));
  const ValueId y = AddOutput(g, "y", DType::kI8, 1.0f, 0);
  g.AddNodeWithOutputs(Node{OpType::kDense, "fc", {x, wi}, {y}, {}});
  g.MarkOutput(y);
  try {
    runtime::Session::FromGraph(std::move(g));
    FAIL() << "overflowing layer accepted";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::kUnsupported);
    EXPECT_NE(std::string(e.what()).find("node 'fc'"), std::string::npos) << e.what();
  }
}

}  // namespace
}  // namespace trit

namespace trit {
namespace {

// The Cortex-M kernels' requantization (kernels/cortex_m/requantize_m.h) against the reference
// at every shift, on random and extreme accumulators and multipliers.
TEST(QuantizedOps, CortexMRequantizationEqualsTheReference) {
  std::mt19937 rng(22);
  std::uniform_int_distribution<int32_t> any_acc(INT32_MIN + 1, INT32_MAX);
  std::uniform_int_distribution<int32_t> any_multiplier(1 << 30, INT32_MAX);
  for (int32_t shift = 0; shift <= 62; ++shift) {
    for (int i = 0; i < 20000; ++i) {
      const Requant r{i < 4 ? (i % 2 ? INT32_MAX : 1 << 30) : any_multiplier(rng), shift};
      int32_t acc = any_acc(rng);
      if (i % 4 == 1) acc >>= 16;  // small accumulators, where ties happen
      if (i < 4) acc = i < 2 ? INT32_MAX : INT32_MIN + 1;
      ASSERT_EQ(cortex_m::RequantizeM(acc, r), Requantize(acc, r))
          << "acc " << acc << " multiplier " << r.multiplier << " shift " << shift;
    }
  }
}

// The Cortex-M BatchNorm's 32-bit split (kernels/cortex_m/q8_batch_norm.h) against
// ref::BatchNormQ8 on every input level of every channel, over random BatchNorm parameters and
// scales (shifts from 16 to 46, offsets far outside the output's range among them).
TEST(QuantizedOps, CortexMBatchNormSplitEqualsTheReference) {
  std::mt19937 rng(2222);
  std::uniform_real_distribution<float> unit(0.0f, 1.0f);
  int checked = 0;
  for (int layer = 0; layer < 400; ++layer) {
    const int64_t channels = 1 + static_cast<int64_t>(rng() % 19);
    std::vector<float> gamma(channels), beta(channels), mean(channels), variance(channels);
    const float beta_range = layer % 5 == 0 ? 1e4f : 3.0f;
    for (int64_t c = 0; c < channels; ++c) {
      gamma[c] = (unit(rng) * 4.0f - 2.0f) * (layer % 7 == 0 ? 1e-3f : 1.0f);
      beta[c] = (unit(rng) * 2.0f - 1.0f) * beta_range;
      mean[c] = unit(rng) * 2.0f - 1.0f;
      variance[c] = 0.01f + unit(rng) * 3.0f;
    }
    const float in_scale = 0.002f + unit(rng) * 0.2f, out_scale = 0.002f + unit(rng) * 0.2f;
    std::vector<int64_t> multiplier(channels), offset(channels);
    int32_t shift = 0;
    const char* problem = "";
    if (!BatchNormQ8Params(channels, gamma.data(), beta.data(), mean.data(), variance.data(), 1e-5,
                           in_scale, out_scale, multiplier.data(), offset.data(), &shift,
                           &problem)) {
      continue;
    }
    const bool in_signed = layer % 2 == 0, out_signed = layer % 3 != 0;
    const int32_t zx = static_cast<int32_t>(rng() % 41) - 20 + (in_signed ? 0 : 128);
    const int32_t zy = static_cast<int32_t>(rng() % 41) - 20 + (out_signed ? 0 : 128);
    if (!BatchNormQ8Takes(shift, zx)) continue;
    // Every level at every channel: 256 positions.
    std::vector<uint8_t> x(static_cast<size_t>(256 * channels));
    for (int64_t i = 0; i < 256 * channels; ++i) x[i] = static_cast<uint8_t>(i / channels);
    std::vector<uint8_t> expected(x.size()), actual(x.size());
    std::vector<int32_t> scratch(BatchNormQ8ScratchBytes(channels) / 4);
    const int32_t lo = out_signed ? -128 : 0, hi = out_signed ? 127 : 255;
    const cortex_m::BatchNormQ8Params p{
        256, channels, multiplier.data(), offset.data(), shift, zx, zy, lo, hi};
    const auto run = [&](auto in_tag, auto out_tag) {
      using In = decltype(in_tag);
      using Out = decltype(out_tag);
      const auto* in = reinterpret_cast<const In*>(x.data());
      ref::BatchNormQ8(256, channels, in, zx, multiplier.data(), offset.data(), shift, zy, lo, hi,
                       reinterpret_cast<Out*>(expected.data()));
      cortex_m::BatchNormQ8Split(p, in, reinterpret_cast<Out*>(actual.data()), scratch.data());
    };
    if (in_signed && out_signed) run(int8_t{}, int8_t{});
    if (in_signed && !out_signed) run(int8_t{}, uint8_t{});
    if (!in_signed && out_signed) run(uint8_t{}, int8_t{});
    if (!in_signed && !out_signed) run(uint8_t{}, uint8_t{});
    ASSERT_EQ(expected, actual) << "layer " << layer << " shift " << shift;
    ++checked;
  }
  EXPECT_GT(checked, 200);
}

}  // namespace
}  // namespace trit
