#include "kernels/ref/elementwise.h"

#include <cmath>

namespace trit::ref {
namespace {

// Calls f(out_index, a_index, b_index) for every output element in row-major order.
template <typename F>
void ForEachBroadcast(const Broadcast& b, F f) {
  // Same shapes, nothing broadcast: one flat loop (the common residual Add).
  bool flat = true;
  for (int d = 0; d < b.rank; ++d) {
    if (b.extent[d] == 1) continue;
    int64_t contiguous = 1;
    for (int e = d + 1; e < b.rank; ++e) contiguous *= b.extent[e];
    flat = flat && b.stride_a[d] == contiguous && b.stride_b[d] == contiguous;
  }
  if (flat) {
    for (int64_t i = 0; i < b.count; ++i) f(i, i, i);
    return;
  }
  int64_t index[kMaxRank] = {};
  int64_t a = 0, c = 0;
  for (int64_t i = 0; i < b.count; ++i) {
    f(i, a, c);
    for (int d = b.rank - 1; d >= 0; --d) {  // odometer increment
      ++index[d];
      a += b.stride_a[d];
      c += b.stride_b[d];
      if (index[d] < b.extent[d]) break;
      a -= b.stride_a[d] * b.extent[d];
      c -= b.stride_b[d] * b.extent[d];
      index[d] = 0;
    }
  }
}

}  // namespace

Broadcast MakeBroadcast(const int64_t* shape_a, int rank_a, const int64_t* shape_b, int rank_b) {
  Broadcast b;
  b.rank = rank_a > rank_b ? rank_a : rank_b;
  int64_t step_a = 1, step_b = 1;
  for (int d = b.rank - 1; d >= 0; --d) {
    const int da = d - (b.rank - rank_a);
    const int db = d - (b.rank - rank_b);
    const int64_t ea = da >= 0 ? shape_a[da] : 1;
    const int64_t eb = db >= 0 ? shape_b[db] : 1;
    b.extent[d] = ea > eb ? ea : eb;
    b.stride_a[d] = ea == 1 ? 0 : step_a;
    b.stride_b[d] = eb == 1 ? 0 : step_b;
    step_a *= ea;
    step_b *= eb;
    b.count *= b.extent[d];
  }
  return b;
}

void AddF32(const Broadcast& b, const float* x, const float* y, float* out) {
  ForEachBroadcast(b, [&](int64_t i, int64_t ia, int64_t ib) { out[i] = x[ia] + y[ib]; });
}

void MulF32(const Broadcast& b, const float* x, const float* y, float* out) {
  ForEachBroadcast(b, [&](int64_t i, int64_t ia, int64_t ib) { out[i] = x[ia] * y[ib]; });
}

void SubF32(const Broadcast& b, const float* x, const float* y, float* out) {
  ForEachBroadcast(b, [&](int64_t i, int64_t ia, int64_t ib) { out[i] = x[ia] - y[ib]; });
}

void DivF32(const Broadcast& b, const float* x, const float* y, float* out) {
  ForEachBroadcast(b, [&](int64_t i, int64_t ia, int64_t ib) { out[i] = x[ia] / y[ib]; });
}

void PowF32(const Broadcast& b, const float* x, const float* y, float* out) {
  ForEachBroadcast(b, [&](int64_t i, int64_t ia, int64_t ib) { out[i] = std::pow(x[ia], y[ib]); });
}

void MinF32(const Broadcast& b, const float* x, const float* y, float* out) {
  ForEachBroadcast(b, [&](int64_t i, int64_t ia, int64_t ib) { out[i] = MinF32(x[ia], y[ib]); });
}

void MaxF32(const Broadcast& b, const float* x, const float* y, float* out) {
  ForEachBroadcast(b, [&](int64_t i, int64_t ia, int64_t ib) { out[i] = MaxF32(x[ia], y[ib]); });
}

template <typename A, typename B, typename Out>
void AddQ8(const Broadcast& b, const A* x, const B* y, const QuantAddParams& p, Out* out) {
  ForEachBroadcast(b, [&](int64_t i, int64_t ia, int64_t ib) {
    const int64_t sum = (static_cast<int64_t>(x[ia]) - p.zero_a) * p.multiplier_a +
                        (static_cast<int64_t>(y[ib]) - p.zero_b) * p.multiplier_b;
    const int64_t value = p.zero_out + RoundingShiftRight(sum, p.shift);
    out[i] = static_cast<Out>(value < p.lo ? p.lo : (value > p.hi ? p.hi : value));
  });
}

template <typename A, typename B, typename Out>
void MulQ8(const Broadcast& b, const A* x, const B* y, const QuantMulParams& p, Out* out) {
  ForEachBroadcast(b, [&](int64_t i, int64_t ia, int64_t ib) {
    const int32_t product =
        (static_cast<int32_t>(x[ia]) - p.zero_a) * (static_cast<int32_t>(y[ib]) - p.zero_b);
    out[i] = static_cast<Out>(Clamp(p.zero_out + Requantize(product, p.requant), p.lo, p.hi));
  });
}

template <typename A, typename B, typename Out>
void MinMaxQ8(const Broadcast& b, const A* x, const B* y, const QuantMinMaxParams& p, Out* out) {
  ForEachBroadcast(b, [&](int64_t i, int64_t ia, int64_t ib) {
    const int32_t qa = Requantize(static_cast<int32_t>(x[ia]) - p.zero_a, p.requant_a);
    const int32_t qb = Requantize(static_cast<int32_t>(y[ib]) - p.zero_b, p.requant_b);
    const int32_t q = p.max ? (qa > qb ? qa : qb) : (qa < qb ? qa : qb);
    out[i] = static_cast<Out>(Clamp(p.zero_out + q, p.lo, p.hi));
  });
}

#define TRIT_INSTANTIATE_BINARY(A, B, Out)                                                    \
  template void AddQ8<A, B, Out>(const Broadcast&, const A*, const B*, const QuantAddParams&, \
                                 Out*);                                                       \
  template void MulQ8<A, B, Out>(const Broadcast&, const A*, const B*, const QuantMulParams&, \
                                 Out*);                                                       \
  template void MinMaxQ8<A, B, Out>(const Broadcast&, const A*, const B*,                     \
                                    const QuantMinMaxParams&, Out*);
TRIT_INSTANTIATE_BINARY(int8_t, int8_t, int8_t)
TRIT_INSTANTIATE_BINARY(int8_t, int8_t, uint8_t)
TRIT_INSTANTIATE_BINARY(int8_t, uint8_t, int8_t)
TRIT_INSTANTIATE_BINARY(int8_t, uint8_t, uint8_t)
TRIT_INSTANTIATE_BINARY(uint8_t, int8_t, int8_t)
TRIT_INSTANTIATE_BINARY(uint8_t, int8_t, uint8_t)
TRIT_INSTANTIATE_BINARY(uint8_t, uint8_t, int8_t)
TRIT_INSTANTIATE_BINARY(uint8_t, uint8_t, uint8_t)
#undef TRIT_INSTANTIATE_BINARY

}  // namespace trit::ref
