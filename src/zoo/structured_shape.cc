#include "zoo/structured_shape.h"

#include <algorithm>
#include <string>

#include "core/error.h"

namespace trit::zoo {
namespace {

std::vector<int64_t> Divisors(int64_t n) {
  std::vector<int64_t> d;
  for (int64_t i = 1; i <= n; ++i) {
    if (n % i == 0) d.push_back(i);
  }
  return d;
}

using Factors = std::vector<std::pair<int64_t, int64_t>>;

int64_t FactorParameters(const Factors& f) {
  int64_t p = 0;
  for (const auto& [m, n] : f) p += m * n;
  return p;
}

// Every Kronecker factorization of rows x cols into `count` factors (none 1 x 1), calling
// visit(factors).
template <typename Visit>
void ForEachFactorization(int64_t rows, int64_t cols, int count, Factors& prefix, Visit&& visit) {
  if (count == 1) {
    if (rows * cols == 1) return;
    prefix.emplace_back(rows, cols);
    visit(prefix);
    prefix.pop_back();
    return;
  }
  for (const int64_t m : Divisors(rows)) {
    for (const int64_t n : Divisors(cols)) {
      if (m * n == 1 || m * n == rows * cols) continue;
      prefix.emplace_back(m, n);
      ForEachFactorization(rows / m, cols / n, count - 1, prefix, visit);
      prefix.pop_back();
    }
  }
}

// The most a product of these factors can have: rank(A kron B) = rank(A) rank(B).
int64_t RankBound(const Factors& f) {
  int64_t r = 1;
  for (const auto& [m, n] : f) r *= std::min(m, n);
  return r;
}

// A candidate beats the best so far on rank first: a Kronecker product whose factor shapes cap
// its rank (1 x 32 kron 128 x 4 has rank at most 4) trains like a low-rank matrix however many
// parameters it has, which is why KPRNN keeps its products full rank. Ties go to more
// parameters within a budget (the budget is there to be used), or to fewer without one.
struct Candidate {
  int64_t rank = -1;
  int64_t parameters = 0;
  bool Beats(const Candidate& best, bool within_budget) const {
    if (rank != best.rank) return rank > best.rank;
    return within_budget ? parameters > best.parameters : parameters < best.parameters;
  }
};

// The factorization into 2..max_count factors with the highest rank bound and then the most
// parameters at most `budget` (or, with budget < 0, the fewest parameters); empty when there is
// none.
Factors BestFactors(int64_t rows, int64_t cols, int max_count, int64_t budget) {
  Factors best, prefix;
  Candidate best_score;
  for (int count = 2; count <= max_count; ++count) {
    ForEachFactorization(rows, cols, count, prefix, [&](const Factors& f) {
      const Candidate c{RankBound(f), FactorParameters(f)};
      if (budget >= 0 && c.parameters > budget) return;
      if (c.Beats(best_score, budget >= 0)) {
        best_score = c;
        best = f;
      }
    });
  }
  return best;
}

[[noreturn]] void Unreachable(MatrixStructure s, int64_t rows, int64_t cols, double compression) {
  throw Error(ErrorCode::kInvalidArgument,
              std::string(MatrixStructureName(s)) + " cannot compress a " + std::to_string(rows) +
                  "x" + std::to_string(cols) + " matrix " + std::to_string(compression) + " times");
}

}  // namespace

std::vector<Shape> StructuredShape::PartShapes(int64_t rows, int64_t cols) const {
  std::vector<Shape> parts;
  switch (structure) {
    case MatrixStructure::kDense:
      parts = {{rows, cols}};
      break;
    case MatrixStructure::kLowRank:
      parts = {{rows, rank}, {rank, cols}};
      break;
    case MatrixStructure::kHybridKronecker:
      parts.push_back({dense_rows, cols});
      [[fallthrough]];
    case MatrixStructure::kKronecker:
      for (const auto& [m, n] : factors) parts.push_back({m, n});
      break;
    case MatrixStructure::kHmd:
      parts = {{dense_rows, cols}, {blocks, cols}, {rows - dense_rows}};
      break;
  }
  // The same checks the IR makes, with a message for the spec's author.
  int64_t m = 1, n = 1;
  for (const auto& [fm, fn] : factors) {
    m *= fm;
    n *= fn;
  }
  const int64_t lower = rows - dense_rows;
  const bool ok =
      structure == MatrixStructure::kDense ||
      (structure == MatrixStructure::kLowRank && rank >= 1) ||
      (structure == MatrixStructure::kKronecker && !factors.empty() && m == rows && n == cols) ||
      (structure == MatrixStructure::kHybridKronecker && !factors.empty() && dense_rows >= 0 &&
       m == lower && n == cols) ||
      (structure == MatrixStructure::kHmd && dense_rows >= 0 && lower >= 1 && blocks >= 1 &&
       lower % blocks == 0);
  if (!ok) {
    throw Error(ErrorCode::kInvalidArgument, std::string(MatrixStructureName(structure)) +
                                                 " parts do not form a " + std::to_string(rows) +
                                                 "x" + std::to_string(cols) + " matrix");
  }
  return parts;
}

int64_t StructuredParameters(const StructuredShape& shape, int64_t rows, int64_t cols) {
  int64_t p = 0;
  for (const Shape& s : shape.PartShapes(rows, cols)) p += NumElements(s);
  return p;
}

StructuredShape ChooseStructuredShape(MatrixStructure structure, int64_t rows, int64_t cols,
                                      double compression, int64_t hmd_blocks) {
  StructuredShape shape;
  shape.structure = structure;
  if (!(compression >= 1.0)) {
    throw Error(ErrorCode::kInvalidArgument, "compression must be at least 1");
  }
  const auto budget = static_cast<int64_t>(static_cast<double>(rows * cols) / compression);
  switch (structure) {
    case MatrixStructure::kDense:
      if (compression > 1.0) Unreachable(structure, rows, cols, compression);
      return shape;
    case MatrixStructure::kLowRank:
      shape.rank = budget / (rows + cols);
      if (shape.rank < 1) Unreachable(structure, rows, cols, compression);
      return shape;
    case MatrixStructure::kKronecker:
      shape.factors = BestFactors(rows, cols, 3, budget);
      if (shape.factors.empty()) Unreachable(structure, rows, cols, compression);
      return shape;
    case MatrixStructure::kHybridKronecker: {
      // The rank of [D; K] is at most t + rank(K): rank first again, then parameters.
      Candidate best;
      for (int64_t top = 0; top < rows; ++top) {
        const Factors f = BestFactors(rows - top, cols, 2, -1);
        if (f.empty()) continue;
        const Candidate c{std::min({rows, cols, top + RankBound(f)}),
                          top * cols + FactorParameters(f)};
        if (c.parameters <= budget && c.Beats(best, true)) {
          best = c;
          shape.dense_rows = top;
          shape.factors = f;
        }
      }
      if (best.rank < 0) Unreachable(structure, rows, cols, compression);
      return shape;
    }
    case MatrixStructure::kHmd: {
      shape.blocks = hmd_blocks;
      for (int64_t top = rows - 1; top >= 0; --top) {
        const int64_t lower = rows - top;
        if (lower % hmd_blocks != 0) continue;
        if (top * cols + hmd_blocks * cols + lower <= budget) {
          shape.dense_rows = top;
          return shape;
        }
      }
      Unreachable(structure, rows, cols, compression);
    }
  }
  return shape;
}

}  // namespace trit::zoo
