#include "kernels/ref/structured_matrix_q8.h"

#include <algorithm>
#include <cmath>
#include <cstring>

namespace trit::ref {
namespace {

float Scale(const QuantPartQ8& p, int64_t row) { return p.scales[p.scale_count == 1 ? 0 : row]; }

// acc[b][r] = sum_c P[r][c] q[b][c], exact in int32 (|levels| <= 127, cols <= 2^16).
void DenseQ8(const QuantPartQ8& p, int64_t batch, const int8_t* q, int32_t* acc) {
  for (int64_t b = 0; b < batch; ++b) {
    for (int64_t r = 0; r < p.rows; ++r) {
      const int8_t* row = p.data + r * p.cols;
      int32_t sum = 0;
      for (int64_t c = 0; c < p.cols; ++c) sum += int32_t{row[c]} * q[b * p.cols + c];
      acc[b * p.rows + r] = sum;
    }
  }
}

// The Kronecker product mode by mode in int64 (factor order as kronecker.h plans it).
void KroneckerQ8(const std::vector<QuantPartQ8>& factors, int64_t batch, const int8_t* q,
                 int64_t* out, int64_t* scratch) {
  std::vector<KroneckerFactor> shapes;
  for (const QuantPartQ8& f : factors) shapes.push_back({f.rows, f.cols, nullptr});
  const KroneckerPlan plan = PlanKronecker(shapes, batch);
  std::vector<int64_t> extent;
  int64_t total = batch;
  for (const QuantPartQ8& f : factors) {
    extent.push_back(f.cols);
    total *= f.cols;
  }
  const int64_t half = plan.scratch_floats / 2;
  int64_t* buffers[2] = {scratch, scratch + half};
  int64_t* in = buffers[1];
  for (int64_t i = 0; i < total; ++i) in[i] = q[i];
  for (size_t step = 0; step < plan.order.size(); ++step) {
    const auto k = static_cast<size_t>(plan.order[step]);
    const QuantPartQ8& f = factors[k];
    int64_t outer = batch, inner = 1;
    for (size_t d = 0; d < k; ++d) outer *= extent[d];
    for (size_t d = k + 1; d < factors.size(); ++d) inner *= extent[d];
    int64_t* dst_base = step + 1 == plan.order.size() ? out : buffers[step % 2];
    for (int64_t o = 0; o < outer; ++o) {
      const int64_t* src = in + o * f.cols * inner;
      int64_t* dst = dst_base + o * f.rows * inner;
      std::fill(dst, dst + f.rows * inner, int64_t{0});
      for (int64_t j = 0; j < f.rows; ++j) {
        for (int64_t i = 0; i < f.cols; ++i) {
          const int64_t a = f.data[j * f.cols + i];
          for (int64_t t = 0; t < inner; ++t) dst[j * inner + t] += a * src[i * inner + t];
        }
      }
    }
    total = total / f.cols * f.rows;
    extent[k] = f.rows;
    in = dst_base;
  }
}

// The product of the factors' scales, in factor order.
float ScaleProduct(const std::vector<QuantPartQ8>& factors) {
  float s = 1.0f;
  for (const QuantPartQ8& f : factors) s *= f.scales[0];
  return s;
}

int64_t KroneckerScratch(const std::vector<QuantPartQ8>& factors, int64_t batch) {
  std::vector<KroneckerFactor> shapes;
  for (const QuantPartQ8& f : factors) shapes.push_back({f.rows, f.cols, nullptr});
  int64_t input = batch;
  for (const QuantPartQ8& f : factors) input *= f.cols;
  return std::max(PlanKronecker(shapes, batch).scratch_floats, 2 * input);
}

// One block (blocks 1). Scratch: the quantized inputs, their scales, then integer buffers.
void SingleQ8(const StructuredMatrixQ8& m, int64_t batch, const int8_t* q, const float* x_scale,
              float* y, int64_t* work) {
  const QuantPartQ8& first = m.parts[0];
  const auto dense_rows = [&](const QuantPartQ8& p, int64_t row_offset) {
    auto* acc = reinterpret_cast<int32_t*>(work);
    DenseQ8(p, batch, q, acc);
    for (int64_t b = 0; b < batch; ++b) {
      for (int64_t r = 0; r < p.rows; ++r) {
        y[b * m.rows + row_offset + r] =
            static_cast<float>(acc[b * p.rows + r]) * (x_scale[b] * Scale(p, r));
      }
    }
  };
  switch (m.kind) {
    case StructureKind::kDense:
      dense_rows(first, 0);
      return;
    case StructureKind::kLowRank: {
      const QuantPartQ8& right = m.parts[1];  // [r, cols], one scale
      const int64_t rank = right.rows;
      auto* t = reinterpret_cast<int32_t*>(work);
      DenseQ8(right, batch, q, t);
      for (int64_t b = 0; b < batch; ++b) {
        for (int64_t r = 0; r < m.rows; ++r) {
          int64_t sum = 0;
          for (int64_t k = 0; k < rank; ++k) {
            sum += int64_t{first.data[r * rank + k]} * t[b * rank + k];
          }
          y[b * m.rows + r] =
              static_cast<float>(sum) * (x_scale[b] * (Scale(first, r) * right.scales[0]));
        }
      }
      return;
    }
    case StructureKind::kKronecker:
    case StructureKind::kHybridKronecker: {
      const bool hybrid = m.kind == StructureKind::kHybridKronecker;
      const std::vector<QuantPartQ8> factors(m.parts.begin() + (hybrid ? 1 : 0), m.parts.end());
      const int64_t top = hybrid ? first.rows : 0, lower = m.rows - top;
      if (hybrid) dense_rows(first, 0);
      int64_t* product = work;
      KroneckerQ8(factors, batch, q, product, work + batch * lower);
      const float factor_scale = ScaleProduct(factors);
      for (int64_t b = 0; b < batch; ++b) {
        for (int64_t r = 0; r < lower; ++r) {
          y[b * m.rows + top + r] =
              static_cast<float>(product[b * lower + r]) * (x_scale[b] * factor_scale);
        }
      }
      return;
    }
    case StructureKind::kHmd: {
      dense_rows(first, 0);
      const QuantPartQ8& blocks = m.parts[1];
      const QuantPartQ8& row_scale = m.parts[2];  // [rows - t] levels, one scale
      auto* v = reinterpret_cast<int32_t*>(work);
      DenseQ8(blocks, batch, q, v);
      const int64_t lower = m.rows - first.rows, block_rows = lower / blocks.rows;
      for (int64_t b = 0; b < batch; ++b) {
        for (int64_t i = 0; i < lower; ++i) {
          const int64_t block = i / block_rows;
          const int64_t acc = int64_t{row_scale.data[i]} * v[b * blocks.rows + block];
          y[b * m.rows + first.rows + i] =
              static_cast<float>(acc) * (x_scale[b] * (row_scale.scales[0] * Scale(blocks, block)));
        }
      }
      return;
    }
  }
}

int64_t SingleWorkWords(const StructuredMatrixQ8& m, int64_t batch) {
  int64_t words = batch * m.rows;  // int32 accumulators fit in int64 words too
  if (m.kind == StructureKind::kKronecker || m.kind == StructureKind::kHybridKronecker) {
    const std::vector<QuantPartQ8> factors(
        m.parts.begin() + (m.kind == StructureKind::kHybridKronecker ? 1 : 0), m.parts.end());
    words += KroneckerScratch(factors, batch);
  }
  if (m.kind == StructureKind::kLowRank) words += batch * m.parts[1].rows;
  if (m.kind == StructureKind::kHmd) words += batch * m.parts[1].rows;
  return words;
}

size_t Align(size_t bytes) { return (bytes + 63) / 64 * 64; }

}  // namespace

StructuredMatrixQ8 StructuredMatrixQ8::Block(int64_t b) const {
  const auto per_block = static_cast<std::ptrdiff_t>(parts.size() / static_cast<size_t>(blocks));
  StructuredMatrixQ8 block{kind, rows / blocks, cols, {}, 1};
  block.parts.assign(parts.begin() + b * per_block, parts.begin() + (b + 1) * per_block);
  return block;
}

float QuantizeVectorQ8(const float* v, int64_t count, int8_t* q) {
  float largest = 0.0f;
  for (int64_t i = 0; i < count; ++i) largest = std::max(largest, std::fabs(v[i]));
  const float scale = largest > 0.0f ? largest / 127.0f : 1.0f;
  for (int64_t i = 0; i < count; ++i) {
    const float level = std::round(v[i] / scale);
    q[i] = static_cast<int8_t>(std::clamp(level, -127.0f, 127.0f));
  }
  return scale;
}

int64_t StructuredScratchBytesQ8(const StructuredMatrixQ8& m, int64_t batch) {
  const StructuredMatrixQ8 block = m.blocks == 1 ? m : m.Block(0);
  const size_t inputs = Align(static_cast<size_t>(batch * m.cols)) +
                        Align(static_cast<size_t>(batch) * sizeof(float));
  const size_t block_out = m.blocks == 1 ? 0 : Align(static_cast<size_t>(batch * block.rows) * 4);
  return static_cast<int64_t>(inputs + block_out +
                              static_cast<size_t>(SingleWorkWords(block, batch)) * 8);
}

void StructuredMatmulQ8(const StructuredMatrixQ8& m, int64_t batch, const float* x, float* y,
                        void* scratch) {
  auto* bytes = static_cast<uint8_t*>(scratch);
  auto* q = reinterpret_cast<int8_t*>(bytes);
  bytes += Align(static_cast<size_t>(batch * m.cols));
  auto* x_scale = reinterpret_cast<float*>(bytes);
  bytes += Align(static_cast<size_t>(batch) * sizeof(float));
  for (int64_t b = 0; b < batch; ++b) {
    x_scale[b] = QuantizeVectorQ8(x + b * m.cols, m.cols, q + b * m.cols);
  }
  if (m.blocks == 1) {
    SingleQ8(m, batch, q, x_scale, y, reinterpret_cast<int64_t*>(bytes));
    return;
  }
  const int64_t block_rows = m.rows / m.blocks;
  auto* product = reinterpret_cast<float*>(bytes);
  bytes += Align(static_cast<size_t>(batch * block_rows) * 4);
  for (int64_t g = 0; g < m.blocks; ++g) {
    SingleQ8(m.Block(g), batch, q, x_scale, product, reinterpret_cast<int64_t*>(bytes));
    for (int64_t b = 0; b < batch; ++b) {
      std::memcpy(y + b * m.rows + g * block_rows, product + b * block_rows,
                  static_cast<size_t>(block_rows) * sizeof(float));
    }
  }
}

std::vector<float> MaterializeStructuredQ8(const StructuredMatrixQ8& m) {
  // Dequantize every part, then form the matrix as the float definition does.
  std::vector<std::vector<float>> storage;
  StructuredMatrixF32 f{m.kind, m.rows, m.cols, {}, m.blocks};
  for (const QuantPartQ8& p : m.parts) {
    std::vector<float> values(static_cast<size_t>(p.rows * p.cols));
    for (int64_t r = 0; r < p.rows; ++r) {
      for (int64_t c = 0; c < p.cols; ++c) {
        values[static_cast<size_t>(r * p.cols + c)] = p.data[r * p.cols + c] * Scale(p, r);
      }
    }
    storage.push_back(std::move(values));
  }
  for (size_t i = 0; i < m.parts.size(); ++i) {
    f.parts.push_back({m.parts[i].rows, m.parts[i].cols, storage[i].data()});
  }
  return MaterializeStructured(f);
}

}  // namespace trit::ref
