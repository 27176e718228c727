// The operator set of the IR and what each op computes. Activations are NHWC. Each op's row in
// the op table (core/op_def.cc) holds its name, input count, attributes with their fallbacks,
// shape function, type rule and quantization rule.
// The numbers are stored in .trit files: never renumber, only append.
//
// Conv2D        inputs: x [N,H,W,Cin], weights [Cout,KH,KW,Cin/groups] (OHWI), bias [Cout] optional
//               attrs: strides [sh,sw]=[1,1], pads [top,left,bottom,right]=[0,0,0,0],
//                      dilations [dh,dw]=[1,1], groups=1, activation "none"|"relu"|"relu6"
// Dense         inputs: x [N,K] (or any rank, last dim K), weights [Cout,K], bias [Cout] optional
//               attrs: activation
// MaxPool       attrs: kernel [kh,kw], strides=kernel, pads=[0,0,0,0]; padding never wins the max
// AvgPool       attrs: kernel, strides=kernel, pads, count_include_pad=0
// GlobalAvgPool [N,H,W,C] -> [N,1,1,C]
// Add, Mul      two inputs, numpy broadcasting
// Concat        attrs: axis (negative counts from the end)
// Reshape       attrs: shape (0 copies the input extent, one -1 is inferred)
// Flatten       attrs: axis=1: [d0..d(a-1)] x [da..] -> 2-D
// Relu
// Clip          attrs: min, max (ReLU6 is Clip(0, 6))
// Sigmoid, Tanh
// Softmax       attrs: axis=-1
// BatchNorm     inputs: x (channels last), scale, bias, mean, variance [C]; attrs: epsilon=1e-5
// Quantize      f32 -> i8/u8 with the output tensor's scale and zero point
// Dequantize    i8/u8 -> f32
// Pad           attrs: pads [begin_0..begin_r-1, end_0..end_r-1]; pads with real 0 (zero point)
// Dropout       identity at inference; attrs: ratio (used by the trainer)
// Binarize      sign: +1 where x >= 0 (for i8/u8: q >= zero point), else -1 (NaN too); f32 -> f32
//               (values +-1, the float model), or f32/i8/u8 -> binary (1 bit per element,
//               1 -> +1, the input of a binary Conv2D/Dense)
// Sub, Div, Pow two f32 inputs, numpy broadcasting (Pow: x^y as std::pow)
// Sqrt          f32
// ReduceMean    attrs: axes (empty: all), keepdims=1; f32
// Transpose     attrs: perm (a permutation of the input's axes); any activation type
// MatMul        two non-constant f32 inputs, numpy matmul (batch dims broadcast, rank >= 2)
// HardSigmoid   attrs: alpha=0.2, beta=0.5: clamp(alpha * x + beta, 0, 1); f32
// HardSwish     x * clamp(x / 6 + 1/2, 0, 1); f32
// LSTM, GRU, FastRNN, FastGRNN
//               recurrent cells over x [N, T, I]; f32. Inputs and structured weights: see
//               core/recurrent_layout.h. attrs: hidden_size, direction "forward"|"reverse"|
//               "bidirectional", output_sequence=1 ([N, T, D*H], directions side by side; 0: the
//               last hidden state [N, D*H]; with output_cell_state=1, LSTM only, the last cell
//               state instead), initial_state=0, w_structure/u_structure="dense",
//               w_parts/u_parts. Gate order (rows of W, U and the biases) as ONNX:
//   LSTM        i, o, f, c; peepholes=0 (P: i, o, f). c' = f*c + i*g, h' = o*tanh(c')
//   GRU         z, r, h; linear_before_reset=0 (1 is PyTorch's GRU)
//   FastRNN     h' = alpha * act(Wx + bias_w + Uh + bias_u) + beta * h; activation="tanh"|
//               "sigmoid"|"relu" (alpha=1, beta=0 is the plain RNN of ONNX)
//   FastGRNN    a = Wx + Uh (one gate's rows), z = sigmoid(a + bias_w),
//               c = tanh(a + bias_u), h' = (zeta * (1 - z) + nu) * c + z * h
// StructuredDense
//               Dense with a structured weight matrix (low rank, Kronecker, hybrid, HMD, or
//               dense for a pruned one): inputs x [..., K], the parts of W [Cout, K], bias [Cout]
//               (core/structured_layout.h); attrs w_structure, w_parts, activation. f32 x; W f32
//               or int8.
// Silu          x * sigmoid(x) (SiLU, swish): what the fold pass makes of Mul(x, Sigmoid(x));
//               f32, or 8-bit as a table
// Erf           the error function; f32, or 8-bit as a table
// Gelu          x * Phi(x), Phi the standard normal CDF: x / 2 * (1 + erf(x / sqrt 2)); attrs:
//               approximate "none"|"tanh" (x / 2 * (1 + tanh(sqrt(2 / pi) (x + 0.044715 x^3))),
//               as ONNX's Gelu); what the fold pass makes of either spelled out; f32, or 8-bit as
//               a table
// LayerNorm     inputs: x, scale, bias optional (f32 constants, one value per element of
//               x.shape[axis:]); attrs: axis=-1, epsilon=1e-5. Each row (the elements from axis
//               on) as (x - mean) / sqrt(var + epsilon) * scale + bias, var the population
//               variance; f32, or 8-bit in and out (computed in float in between)
// Exp           e^x (inf above 88.72, denormals and 0 below -87.3); f32, or 8-bit as a table
// Min, Max      the smaller / larger of a and b, NumPy broadcasting; NaN if either is NaN, a when
//               they compare equal (-0 and +0); f32, or 8-bit: each input requantized to the
//               output's scale, then compared
// Softplus      log(1 + e^x); f32 (the reference), or 8-bit as a table
// Mish          x * tanh(softplus(x)): what the fold pass makes of Mul(x, Tanh(Softplus(x)));
//               f32, or 8-bit as a table
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

namespace trit {

enum class OpType : uint16_t {
  kConv2D = 0,
  kDense = 1,
  kMaxPool = 2,
  kAvgPool = 3,
  kGlobalAvgPool = 4,
  kAdd = 5,
  kMul = 6,
  kConcat = 7,
  kReshape = 8,
  kFlatten = 9,
  kRelu = 10,
  kClip = 11,
  kSigmoid = 12,
  kTanh = 13,
  kSoftmax = 14,
  kBatchNorm = 15,
  kQuantize = 16,
  kDequantize = 17,
  kPad = 18,
  kDropout = 19,
  kBinarize = 20,
  kSub = 21,
  kDiv = 22,
  kPow = 23,
  kSqrt = 24,
  kReduceMean = 25,
  kTranspose = 26,
  kMatMul = 27,
  kHardSigmoid = 28,
  kHardSwish = 29,
  kLstm = 30,
  kGru = 31,
  kFastRnn = 32,
  kFastGrnn = 33,
  kStructuredDense = 34,
  kSilu = 35,
  kErf = 36,
  kGelu = 37,
  kLayerNorm = 38,
  kExp = 39,
  kMin = 40,
  kMax = 41,
  kSoftplus = 42,
  kMish = 43,
};

inline constexpr int kNumOpTypes = 44;

std::string_view OpTypeName(OpType op);
std::optional<OpType> ParseOpType(std::string_view name);

// Fused activation of Conv2D and Dense.
enum class Activation { kNone, kRelu, kRelu6 };
Activation ParseActivation(std::string_view name);  // throws kInvalidGraph on an unknown name

// Gelu's `approximate`: "none" (the erf form) or "tanh".
enum class GeluApproximation { kNone, kTanh };
GeluApproximation ParseGeluApproximation(std::string_view name);  // throws kInvalidGraph

}  // namespace trit
