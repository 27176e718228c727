// Recurrent cells and structured weights: every structure's product (reference and prepared, at
// every ISA level) against its materialized matrix; every cell (reference kernel and the
// scheduled runtime kernel) against a plain double-precision implementation written here from
// the formulas, on random shapes, structures, directions, initial states and options.
#include "kernels/ref/recurrent.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <random>
#include <string>
#include <vector>

#include "core/error.h"
#include "core/recurrent_layout.h"
#include "isa_levels.h"
#include "kernels/isa.h"
#include "kernels/ref/structured_matrix.h"
#include "kernels/ref/structured_matrix_q8.h"
#include "quant/structured_weights.h"
#include "runtime/ops/structured_product.h"
#include "runtime/session.h"

namespace trit {
namespace {

int64_t RandomDivisor(std::mt19937& rng, int64_t n) {
  std::vector<int64_t> divisors;
  for (int64_t d = 1; d <= n; ++d) {
    if (n % d == 0) divisors.push_back(d);
  }
  return divisors[rng() % divisors.size()];
}

// A random structured matrix: its parts' shapes (as core/recurrent_layout.h orders them) and
// values.
// With blocks > 1: that many row blocks, each with parts of `shapes` (values block after block).
struct RandomMatrix {
  MatrixStructure structure;
  std::vector<Shape> shapes;  // one block's
  std::vector<std::vector<float>> values;
  int64_t blocks = 1;

  ref::StructuredMatrixF32 View(int64_t rows, int64_t cols) const {
    ref::StructuredMatrixF32 m{static_cast<ref::StructureKind>(structure), rows, cols, {}, blocks};
    for (size_t i = 0; i < values.size(); ++i) {
      const Shape& s = shapes[i % shapes.size()];
      m.parts.push_back({s[0], s.size() == 2 ? s[1] : 1, values[i].data()});
    }
    return m;
  }
};

// A rows x cols matrix; with blocks > 1 (not dense) made of that many blocks of rows / blocks.
RandomMatrix MakeMatrix(std::mt19937& rng, MatrixStructure structure, int64_t rows, int64_t cols,
                        float range, int64_t blocks = 1) {
  if (structure == MatrixStructure::kDense) blocks = 1;
  RandomMatrix m{structure, {}, {}, blocks};
  rows /= blocks;
  const auto kron = [&](int64_t r, int64_t c) {
    const int count = 1 + static_cast<int>(rng() % 3);
    for (int k = 0; k < count; ++k) {
      const int64_t fr = k + 1 == count ? r : RandomDivisor(rng, r);
      const int64_t fc = k + 1 == count ? c : RandomDivisor(rng, c);
      m.shapes.push_back({fr, fc});
      r /= fr;
      c /= fc;
    }
  };
  switch (structure) {
    case MatrixStructure::kDense:
      m.shapes = {{rows, cols}};
      break;
    case MatrixStructure::kLowRank: {
      const int64_t rank = 1 + static_cast<int64_t>(rng() % std::min<int64_t>(rows, cols));
      m.shapes = {{rows, rank}, {rank, cols}};
      break;
    }
    case MatrixStructure::kKronecker:
      kron(rows, cols);
      break;
    case MatrixStructure::kHybridKronecker: {
      const int64_t top = static_cast<int64_t>(rng() % static_cast<uint64_t>(rows));
      m.shapes = {{top, cols}};
      kron(rows - top, cols);
      break;
    }
    case MatrixStructure::kHmd: {
      const int64_t top = static_cast<int64_t>(rng() % static_cast<uint64_t>(rows));
      m.shapes = {{top, cols}, {RandomDivisor(rng, rows - top), cols}, {rows - top}};
      break;
    }
  }
  std::uniform_real_distribution<float> value(-range, range);
  // Half of the dense matrices pruned to 95% zeros: the runtime's sparse rows then run them.
  const bool pruned = structure == MatrixStructure::kDense && rng() % 2 == 0;
  for (int64_t b = 0; b < blocks; ++b) {
    for (const Shape& s : m.shapes) {
      std::vector<float> v(static_cast<size_t>(NumElements(s)));
      for (float& e : v) e = pruned && rng() % 20 != 0 ? 0.0f : value(rng);
      m.values.push_back(std::move(v));
    }
  }
  return m;
}

constexpr MatrixStructure kStructures[] = {
    MatrixStructure::kDense, MatrixStructure::kLowRank, MatrixStructure::kKronecker,
    MatrixStructure::kHybridKronecker, MatrixStructure::kHmd};

TEST(StructuredMatrix, ProductsEqualTheMaterializedMatrixAtEveryIsaLevel) {
  const uint32_t seed = std::random_device{}();
  std::mt19937 rng(seed);
  std::uniform_real_distribution<float> value(-1.0f, 1.0f);
  for (int trial = 0; trial < 200; ++trial) {
    const MatrixStructure structure = kStructures[trial % 5];
    const int64_t rows = 1 + static_cast<int64_t>(rng() % 48);
    const int64_t cols = 1 + static_cast<int64_t>(rng() % 40);
    if (structure == MatrixStructure::kHybridKronecker || structure == MatrixStructure::kHmd) {
      if (rows < 2) continue;
    }
    const int64_t blocks = 1 + static_cast<int64_t>(rng() % 4);
    const RandomMatrix random = MakeMatrix(rng, structure, rows * blocks, cols, 1.0f, blocks);
    const ref::StructuredMatrixF32 m = random.View(rows * blocks, cols);
    const std::vector<float> dense = ref::MaterializeStructured(m);
    const int64_t batch = 1 + static_cast<int64_t>(rng() % 5);
    std::vector<float> x(static_cast<size_t>(batch * cols));
    for (float& v : x) v = value(rng);
    const int64_t all_rows = rows * blocks;
    std::vector<double> want(static_cast<size_t>(batch * all_rows));
    for (int64_t b = 0; b < batch; ++b) {
      for (int64_t r = 0; r < all_rows; ++r) {
        double sum = 0;
        for (int64_t c = 0; c < cols; ++c) {
          sum += static_cast<double>(dense[static_cast<size_t>(r * cols + c)]) *
                 x[static_cast<size_t>(b * cols + c)];
        }
        want[static_cast<size_t>(b * all_rows + r)] = sum;
      }
    }
    const auto check = [&](const std::vector<float>& got, const std::string& what) {
      for (size_t i = 0; i < want.size(); ++i) {
        ASSERT_NEAR(got[i], want[i], 1e-4 * (1.0 + std::fabs(want[i])))
            << what << " " << MatrixStructureName(structure) << " " << rows << "x" << cols
            << " batch " << batch << " seed " << seed;
      }
    };
    std::vector<float> y(want.size());
    std::vector<float> scratch(static_cast<size_t>(ref::StructuredScratchFloats(m, batch)));
    ref::StructuredMatmulF32(m, batch, x.data(), y.data(), scratch.data());
    check(y, "reference");
    for (const Isa isa : IsaLevels()) {
      const runtime::StructuredProduct product(isa, m, batch);
      std::vector<float, std::allocator<float>> prepared_scratch(product.scratch_floats() + 16);
      std::fill(y.begin(), y.end(), 0.0f);
      product.Run(x.data(), y.data(), prepared_scratch.data());
      check(y, "prepared " + std::string(IsaName(isa)) + (product.sparse() ? " sparse" : ""));
    }
  }
}

// A random recurrent node and everything needed to compute it independently.
struct RandomCell {
  OpType cell;
  int64_t batch, steps, input, hidden;
  bool bidirectional, reverse, output_sequence, initial_state, peepholes, linear_before_reset;
  bool output_cell_state;  // LSTM, last state: c instead of h
  CellActivation activation;
  struct Direction {
    RandomMatrix w, u;
    std::vector<float> bias_w, bias_u, peephole;
    float a = 1.0f, b = 0.0f;
  };
  std::vector<Direction> directions;
  std::vector<float> x, h0, c0;

  int64_t gates() const { return cell == OpType::kLstm ? 4 : cell == OpType::kGru ? 3 : 1; }
  std::string Describe() const {
    return std::string(OpTypeName(cell)) + " N=" + std::to_string(batch) +
           " T=" + std::to_string(steps) + " I=" + std::to_string(input) +
           " H=" + std::to_string(hidden) + " W " +
           std::string(MatrixStructureName(directions[0].w.structure)) + " U " +
           std::string(MatrixStructureName(directions[0].u.structure)) +
           (bidirectional ? " bidirectional"
            : reverse     ? " reverse"
                          : "") +
           (output_sequence     ? " sequence"
            : output_cell_state ? " last c"
                                : " last") +
           (initial_state ? " h0" : "") + (peepholes ? " peepholes" : "") +
           (linear_before_reset ? " lbr" : "");
  }
};

RandomCell MakeCell(std::mt19937& rng, OpType cell) {
  RandomCell c;
  c.cell = cell;
  c.batch = 1 + static_cast<int64_t>(rng() % 3);
  c.steps = 1 + static_cast<int64_t>(rng() % 40);
  c.input = 1 + static_cast<int64_t>(rng() % 12);
  c.hidden = 2 + static_cast<int64_t>(rng() % 30);
  c.bidirectional = rng() % 3 == 0;
  c.reverse = !c.bidirectional && rng() % 3 == 0;
  c.output_sequence = rng() % 2 == 0;
  c.output_cell_state = cell == OpType::kLstm && !c.output_sequence && rng() % 2 == 0;
  c.initial_state = rng() % 2 == 0;
  c.peepholes = cell == OpType::kLstm && rng() % 2 == 0;
  c.linear_before_reset = cell == OpType::kGru && rng() % 2 == 0;
  c.activation = static_cast<CellActivation>(cell == OpType::kFastRnn ? rng() % 3 : 0);
  // A Relu FastRNN is no contraction: float rounding grows with its unbounded state over long
  // sequences (0.3% after 29 steps), so it is checked on short ones.
  if (cell == OpType::kFastRnn && c.activation == CellActivation::kRelu) {
    c.steps = 1 + static_cast<int64_t>(rng() % 8);
  }
  const int64_t rows = c.gates() * c.hidden;
  std::uniform_real_distribution<float> value(-0.5f, 0.5f);
  const auto random = [&](int64_t n) {
    std::vector<float> v(static_cast<size_t>(n));
    for (float& e : v) e = value(rng);
    return v;
  };
  const MatrixStructure w_structure = kStructures[rng() % 5];
  const MatrixStructure u_structure = kStructures[rng() % 5];
  for (int d = 0; d < (c.bidirectional ? 2 : 1); ++d) {
    RandomCell::Direction dir;
    // Both directions share the attributes, so the parts' shapes.
    const int64_t gates = c.gates();
    dir.w = d == 0 ? MakeMatrix(rng, w_structure, rows, c.input, 0.6f, gates) : c.directions[0].w;
    dir.u = d == 0 ? MakeMatrix(rng, u_structure, rows, c.hidden, 0.6f, gates) : c.directions[0].u;
    for (auto* m : {&dir.w, &dir.u}) {
      for (auto& values : m->values) {
        for (float& v : values) v = v == 0.0f ? 0.0f : 1.2f * value(rng);
      }
    }
    const int64_t bias = cell == OpType::kFastGrnn ? c.hidden : rows;
    dir.bias_w = random(bias);
    dir.bias_u = random(bias);
    if (c.peepholes) dir.peephole = random(3 * c.hidden);
    if (cell == OpType::kFastRnn || cell == OpType::kFastGrnn) {
      // In the ranges training reaches (EdgeML keeps them in (0, 1) by a sigmoid): a
      // contraction, so float rounding does not grow over the steps.
      std::uniform_real_distribution<float> unit(0.0f, 1.0f);
      dir.a = cell == OpType::kFastRnn ? 0.05f + 0.4f * unit(rng) : 0.5f + 0.5f * unit(rng);
      dir.b = cell == OpType::kFastRnn ? 0.5f + 0.4f * unit(rng) : 0.1f * unit(rng);
    }
    c.directions.push_back(std::move(dir));
  }
  const int64_t features = static_cast<int64_t>(c.directions.size()) * c.hidden;
  c.x = random(c.batch * c.steps * c.input);
  for (float& v : c.x) v *= 4.0f;
  if (c.initial_state) {
    c.h0 = random(c.batch * features);
    c.c0 = random(c.batch * features);
  }
  return c;
}

Graph BuildGraph(const RandomCell& c) {
  Graph g;
  std::vector<ValueId> inputs = {g.AddInput("x", DType::kF32, {c.batch, c.steps, c.input})};
  int counter = 0;
  const auto constant = [&](const Shape& shape, const std::vector<float>& v) {
    inputs.push_back(g.AddConstant("weight" + std::to_string(counter++), DType::kF32, shape,
                                   Buffer::FromVector(v)));
  };
  for (const auto& d : c.directions) {
    for (size_t i = 0; i < d.w.values.size(); ++i) {
      constant(d.w.shapes[i % d.w.shapes.size()], d.w.values[i]);
    }
    for (size_t i = 0; i < d.u.values.size(); ++i) {
      constant(d.u.shapes[i % d.u.shapes.size()], d.u.values[i]);
    }
    constant({static_cast<int64_t>(d.bias_w.size())}, d.bias_w);
    constant({static_cast<int64_t>(d.bias_u.size())}, d.bias_u);
    if (c.peepholes) constant({3 * c.hidden}, d.peephole);
    if (c.cell == OpType::kFastRnn || c.cell == OpType::kFastGrnn) {
      constant({1}, {d.a});
      constant({1}, {d.b});
    }
  }
  const int64_t features = static_cast<int64_t>(c.directions.size()) * c.hidden;
  if (c.initial_state) {
    inputs.push_back(g.AddInput("h0", DType::kF32, {c.batch, features}));
    if (c.cell == OpType::kLstm)
      inputs.push_back(g.AddInput("c0", DType::kF32, {c.batch, features}));
  }
  const char* activations[] = {"tanh", "sigmoid", "relu"};
  Attributes attrs = {
      {"hidden_size", c.hidden},
      {"direction", std::string(c.bidirectional ? "bidirectional"
                                : c.reverse     ? "reverse"
                                                : "forward")},
      {"output_sequence", int64_t{c.output_sequence}},
      {"output_cell_state", int64_t{c.output_cell_state}},
      {"initial_state", int64_t{c.initial_state}},
      {"w_structure", std::string(MatrixStructureName(c.directions[0].w.structure))},
      {"u_structure", std::string(MatrixStructureName(c.directions[0].u.structure))},
      {"w_parts", static_cast<int64_t>(c.directions[0].w.shapes.size())},
      {"u_parts", static_cast<int64_t>(c.directions[0].u.shapes.size())}};
  if (c.cell == OpType::kLstm) attrs.Set("peepholes", int64_t{c.peepholes});
  if (c.cell == OpType::kGru) attrs.Set("linear_before_reset", int64_t{c.linear_before_reset});
  if (c.cell == OpType::kFastRnn) {
    attrs.Set("activation", std::string(activations[static_cast<int>(c.activation)]));
  }
  g.MarkOutput(g.AddNode(c.cell, "cell", inputs, attrs));
  g.InferShapes();
  g.Validate();
  return g;
}

// A session of the cell's graph run once on its inputs.
std::unique_ptr<runtime::Session> RunCell(const Graph& graph, const RandomCell& c) {
  auto session = runtime::Session::FromGraph(graph);
  std::memcpy(session->input_data(0), c.x.data(), session->input_bytes(0));
  if (c.initial_state) {
    std::memcpy(session->input_data(1), c.h0.data(), session->input_bytes(1));
    if (c.cell == OpType::kLstm) {
      std::memcpy(session->input_data(2), c.c0.data(), session->input_bytes(2));
    }
  }
  session->Run();
  return session;
}

double Sigmoid(double v) { return 1.0 / (1.0 + std::exp(-v)); }

// The cells written out from their definitions, in double precision, with dense matrices.
std::vector<double> Naive(const RandomCell& c) {
  const int64_t h_size = c.hidden, rows = c.gates() * h_size;
  const auto directions = static_cast<int64_t>(c.directions.size());
  const int64_t features = directions * h_size;
  std::vector<double> y(
      static_cast<size_t>(c.batch * (c.output_sequence ? c.steps : 1) * features));
  for (int64_t d = 0; d < directions; ++d) {
    const auto& dir = c.directions[static_cast<size_t>(d)];
    const std::vector<float> w = ref::MaterializeStructured(dir.w.View(rows, c.input));
    const std::vector<float> u = ref::MaterializeStructured(dir.u.View(rows, h_size));
    for (int64_t b = 0; b < c.batch; ++b) {
      std::vector<double> h(static_cast<size_t>(h_size)), cell(static_cast<size_t>(h_size));
      for (int64_t j = 0; j < h_size; ++j) {
        if (!c.initial_state) break;
        h[static_cast<size_t>(j)] = c.h0[static_cast<size_t>(b * features + d * h_size + j)];
        cell[static_cast<size_t>(j)] = c.c0[static_cast<size_t>(b * features + d * h_size + j)];
      }
      for (int64_t s = 0; s < c.steps; ++s) {
        const int64_t t = (d == 1 || c.reverse) ? c.steps - 1 - s : s;
        const float* xt = c.x.data() + (b * c.steps + t) * c.input;
        const auto wx = [&](int64_t row) {
          double sum = 0;
          for (int64_t k = 0; k < c.input; ++k)
            sum += w[static_cast<size_t>(row * c.input + k)] * xt[k];
          return sum;
        };
        const auto uv = [&](int64_t row, const std::vector<double>& v) {
          double sum = 0;
          for (int64_t k = 0; k < h_size; ++k)
            sum += u[static_cast<size_t>(row * h_size + k)] * v[static_cast<size_t>(k)];
          return sum;
        };
        const auto bw = [&](int64_t row) {
          return static_cast<double>(dir.bias_w[static_cast<size_t>(row)]);
        };
        const auto bu = [&](int64_t row) {
          return static_cast<double>(dir.bias_u[static_cast<size_t>(row)]);
        };
        std::vector<double> next(static_cast<size_t>(h_size)), next_cell = cell;
        for (int64_t j = 0; j < h_size; ++j) {
          const auto pre = [&](int64_t gate) {
            const int64_t row = gate * h_size + j;
            return wx(row) + bw(row) + uv(row, h) + bu(row);
          };
          const auto jj = static_cast<size_t>(j);
          switch (c.cell) {
            case OpType::kLstm: {
              const auto p = [&](int64_t gate) {
                return c.peepholes ? static_cast<double>(
                                         dir.peephole[static_cast<size_t>(gate * h_size + j)])
                                   : 0.0;
              };
              const double i = Sigmoid(pre(0) + p(0) * cell[jj]);
              const double f = Sigmoid(pre(2) + p(2) * cell[jj]);
              const double g = std::tanh(pre(3));
              next_cell[jj] = f * cell[jj] + i * g;
              const double o = Sigmoid(pre(1) + p(1) * next_cell[jj]);
              next[jj] = o * std::tanh(next_cell[jj]);
              break;
            }
            case OpType::kGru: {
              const double z = Sigmoid(pre(0));
              const int64_t row = 2 * h_size + j;
              double n;
              if (c.linear_before_reset) {
                const double r = Sigmoid(pre(1));
                n = std::tanh(wx(row) + bw(row) + r * (uv(row, h) + bu(row)));
              } else {
                std::vector<double> rh(static_cast<size_t>(h_size));
                for (int64_t k = 0; k < h_size; ++k) {
                  const int64_t r_row = h_size + k;
                  rh[static_cast<size_t>(k)] =
                      Sigmoid(wx(r_row) + bw(r_row) + uv(r_row, h) + bu(r_row)) *
                      h[static_cast<size_t>(k)];
                }
                n = std::tanh(wx(row) + bw(row) + uv(row, rh) + bu(row));
              }
              next[jj] = (1 - z) * n + z * h[jj];
              break;
            }
            case OpType::kFastRnn: {
              const double v = pre(0);
              const double act = c.activation == CellActivation::kTanh      ? std::tanh(v)
                                 : c.activation == CellActivation::kSigmoid ? Sigmoid(v)
                                                                            : std::max(v, 0.0);
              next[jj] = dir.a * act + dir.b * h[jj];
              break;
            }
            default: {
              const double a = wx(j) + uv(j, h);
              const double z = Sigmoid(a + bw(j));
              const double candidate = std::tanh(a + bu(j));
              next[jj] = (dir.a * (1 - z) + dir.b) * candidate + z * h[jj];
              break;
            }
          }
        }
        h = next;
        cell = next_cell;
        if (c.output_sequence) {
          for (int64_t j = 0; j < h_size; ++j) {
            y[static_cast<size_t>((b * c.steps + t) * features + d * h_size + j)] =
                h[static_cast<size_t>(j)];
          }
        }
      }
      if (!c.output_sequence) {
        const std::vector<double>& last = c.output_cell_state ? cell : h;
        for (int64_t j = 0; j < h_size; ++j) {
          y[static_cast<size_t>(b * features + d * h_size + j)] = last[static_cast<size_t>(j)];
        }
      }
    }
  }
  return y;
}

ref::RecurrentParams ReferenceParams(const RandomCell& c) {
  ref::RecurrentParams p;
  p.cell = static_cast<ref::CellKind>(static_cast<int>(c.cell) - static_cast<int>(OpType::kLstm));
  p.batch = c.batch;
  p.steps = c.steps;
  p.input_size = c.input;
  p.hidden = c.hidden;
  p.reverse = c.reverse;
  p.output_sequence = c.output_sequence;
  p.output_cell_state = c.output_cell_state;
  p.linear_before_reset = c.linear_before_reset;
  p.activation = static_cast<ref::CellNonlinearity>(c.activation);
  const int64_t rows = c.gates() * c.hidden;
  for (const auto& d : c.directions) {
    ref::RecurrentWeightsF32 w;
    w.w = d.w.View(rows, c.input);
    w.u = d.u.View(rows, c.hidden);
    w.bias_w = d.bias_w.data();
    w.bias_u = d.bias_u.data();
    w.peephole = c.peepholes ? d.peephole.data() : nullptr;
    w.scalar_a = d.a;
    w.scalar_b = d.b;
    p.directions.push_back(w);
  }
  return p;
}

TEST(RecurrentCells, ReferenceAndRuntimeMatchTheFormulas) {
  const uint32_t seed = std::random_device{}();
  std::mt19937 rng(seed);
  const OpType cells[] = {OpType::kLstm, OpType::kGru, OpType::kFastRnn, OpType::kFastGrnn};
  for (int trial = 0; trial < 160; ++trial) {
    const RandomCell c = MakeCell(rng, cells[trial % 4]);
    const std::vector<double> want = Naive(c);
    // Float rounding against the double-precision formulas reaches 3e-4 over 40 steps of some
    // random cells (a structured U can have a large norm); a wrong gate or bias is off by far
    // more.
    const auto check = [&](const float* got, const std::string& what) {
      for (size_t i = 0; i < want.size(); ++i) {
        ASSERT_NEAR(got[i], want[i], 1e-3 * (1.0 + std::fabs(want[i])))
            << what << " at " << i << ": " << c.Describe() << " seed " << seed;
      }
    };
    const ref::RecurrentParams p = ReferenceParams(c);
    std::vector<float> y(want.size());
    std::vector<float> scratch(static_cast<size_t>(ref::RecurrentScratchFloats(p)));
    ref::RecurrentF32(p, c.x.data(), c.initial_state ? c.h0.data() : nullptr,
                      c.initial_state && c.cell == OpType::kLstm ? c.c0.data() : nullptr, y.data(),
                      scratch.data());
    check(y.data(), "reference");
    const Graph graph = BuildGraph(c);
    for (const Isa isa : IsaLevels()) {
      const ForcedIsa forced(isa);
      const auto session = RunCell(graph, c);
      ASSERT_EQ(session->output_bytes(0), want.size() * sizeof(float));
      check(static_cast<const float*>(session->output_data(0)),
            "runtime " + std::string(IsaName(isa)) + " " + std::string(session->kernel_name(0)));
    }
  }
}

TEST(RecurrentCells, MalformedNodesGetOneLineErrors) {
  std::mt19937 rng(5);
  RandomCell c = MakeCell(rng, OpType::kLstm);
  c.directions[0].w = MakeMatrix(rng, MatrixStructure::kKronecker, 4 * c.hidden, c.input, 1.0f, 4);
  Graph good = BuildGraph(c);
  // A factor of the wrong shape.
  Graph bad = good;
  Value& factor = bad.value(bad.nodes()[0].inputs[1]);
  factor.shape[0] += 1;
  factor.data =
      Buffer::FromVector(std::vector<float>(static_cast<size_t>(NumElements(factor.shape))));
  try {
    bad.InferShapes();
    FAIL() << "no error";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::kShape);
    const std::string what = e.what();
    EXPECT_TRUE(what.find("do not form a") != std::string::npos ||
                what.find("the first block's has") != std::string::npos)
        << what;
  }
  // Too few inputs for the parts the attributes name.
  Graph short_graph = good;
  short_graph.nodes()[0].inputs.pop_back();
  EXPECT_THROW(short_graph.InferShapes(), Error);
  // An unknown structure.
  Graph unknown = good;
  unknown.nodes()[0].attrs.Set("u_structure", std::string("tucker"));
  EXPECT_THROW(unknown.InferShapes(), Error);
  // The cell state as output needs an LSTM that outputs its last state.
  Graph cell_sequence = good;
  cell_sequence.nodes()[0].attrs.Set("output_sequence", int64_t{1});
  cell_sequence.nodes()[0].attrs.Set("output_cell_state", int64_t{1});
  try {
    cell_sequence.InferShapes();
    FAIL() << "no error";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("output_cell_state"), std::string::npos) << e.what();
  }
}

// The int8 graph of a float one: every W and U part quantized as `trit compress --weights int8`
// does (quant/structured_weights.h).
Graph QuantizeWeights(const Graph& graph) {
  Graph q = graph;
  const Node& node = q.nodes()[0];
  const RecurrentLayout layout = ParseRecurrentLayout(q, node);
  for (const RecurrentDirectionSlots& d : layout.directions) {
    for (const StructuredSlot* slot : {&d.w, &d.u}) {
      for (size_t i = slot->first; i < slot->first + slot->count; ++i) {
        const size_t part = (i - slot->first) % slot->parts_per_block;
        q.value(node.inputs[i]) = quant::QuantizeStructuredPart(
            graph.value(node.inputs[i]), StructuredPartMayScaleRows(slot->structure, part));
      }
    }
  }
  q.Validate();
  return q;
}

TEST(RecurrentCellsInt8, IntegerProductsAreExact) {
  const uint32_t seed = std::random_device{}();
  std::mt19937 rng(seed);
  std::uniform_real_distribution<float> value(-1.0f, 1.0f);
  for (int trial = 0; trial < 150; ++trial) {
    const MatrixStructure structure = kStructures[trial % 5];
    const int64_t blocks = 1 + static_cast<int64_t>(rng() % 3);
    const int64_t rows = 2 + static_cast<int64_t>(rng() % 30);
    const int64_t cols = 1 + static_cast<int64_t>(rng() % 40);
    const RandomMatrix random = MakeMatrix(rng, structure, rows * blocks, cols, 1.0f, blocks);
    // As a one-matrix graph input list: quantize each part.
    std::vector<Value> parts;
    ref::StructuredMatrixQ8 m{
        static_cast<ref::StructureKind>(structure), rows * blocks, cols, {}, random.blocks};
    for (size_t i = 0; i < random.values.size(); ++i) {
      Value v;
      v.name = "p" + std::to_string(i);
      v.shape = random.shapes[i % random.shapes.size()];
      v.data = Buffer::FromVector(random.values[i]);
      parts.push_back(quant::QuantizeStructuredPart(
          v, StructuredPartMayScaleRows(structure, i % random.shapes.size())));
    }
    for (const Value& v : parts) {
      m.parts.push_back({v.shape[0], v.shape.size() == 2 ? v.shape[1] : 1, v.data->as<int8_t>(),
                         v.quant.scale.data(), static_cast<int64_t>(v.quant.scale.size())});
    }
    const std::vector<float> dense = ref::MaterializeStructuredQ8(m);
    const int64_t batch = 1 + static_cast<int64_t>(rng() % 4), all_rows = rows * blocks;
    std::vector<float> x(static_cast<size_t>(batch * cols));
    for (float& v : x) v = value(rng);
    std::vector<float> y(static_cast<size_t>(batch * all_rows));
    std::vector<int64_t> scratch(static_cast<size_t>(ref::StructuredScratchBytesQ8(m, batch)) / 8 +
                                 1);
    ref::StructuredMatmulQ8(m, batch, x.data(), y.data(), scratch.data());
    std::vector<int8_t> q(static_cast<size_t>(cols));
    for (int64_t b = 0; b < batch; ++b) {
      const float x_scale = ref::QuantizeVectorQ8(x.data() + b * cols, cols, q.data());
      for (int64_t r = 0; r < all_rows; ++r) {
        double want = 0, magnitude = 0;
        for (int64_t c = 0; c < cols; ++c) {
          const double term = static_cast<double>(dense[static_cast<size_t>(r * cols + c)]) *
                              q[static_cast<size_t>(c)] * x_scale;
          want += term;
          magnitude += std::fabs(term);
        }
        // The integer sums are exact; only the final scaling (and the dequantized matrix the
        // expectation uses) round.
        ASSERT_NEAR(y[static_cast<size_t>(b * all_rows + r)], want, 1e-5 * (1 + magnitude))
            << MatrixStructureName(structure) << " seed " << seed;
      }
    }
    // The runtime's prepared int8 product gives the same bits at every ISA level.
    for (const Isa isa : IsaLevels()) {
      const runtime::StructuredProduct product(isa, m, batch);
      std::vector<float> prepared(y.size());
      std::vector<float> product_scratch(product.scratch_floats() + 16);
      product.Run(x.data(), prepared.data(), product_scratch.data());
      ASSERT_EQ(0, std::memcmp(prepared.data(), y.data(), y.size() * sizeof(float)))
          << IsaName(isa) << " " << MatrixStructureName(structure) << " seed " << seed;
    }
  }
}

TEST(RecurrentCellsInt8, RuntimeMatchesTheReferenceBitForBit) {
  const uint32_t seed = std::random_device{}();
  std::mt19937 rng(seed);
  const OpType cells[] = {OpType::kLstm, OpType::kGru, OpType::kFastRnn, OpType::kFastGrnn};
  for (int trial = 0; trial < 60; ++trial) {
    const RandomCell c = MakeCell(rng, cells[trial % 4]);
    const Graph graph = QuantizeWeights(BuildGraph(c));
    const Node& node = graph.nodes()[0];
    const RecurrentLayout layout = ParseRecurrentLayout(graph, node);
    ref::RecurrentParams p = ReferenceParams(c);
    std::vector<ref::StructuredMatrixQ8> matrices;
    matrices.reserve(4);
    for (size_t d = 0; d < layout.directions.size(); ++d) {
      matrices.push_back(*runtime::QuantStructuredMatrixOf(graph, node, layout.directions[d].w));
      matrices.push_back(*runtime::QuantStructuredMatrixOf(graph, node, layout.directions[d].u));
      p.directions[d].w_q8 = &matrices[matrices.size() - 2];
      p.directions[d].u_q8 = &matrices.back();
    }
    const int64_t features = static_cast<int64_t>(c.directions.size()) * c.hidden;
    std::vector<float> want(
        static_cast<size_t>(c.batch * (c.output_sequence ? c.steps : 1) * features));
    std::vector<float> scratch(static_cast<size_t>(ref::RecurrentScratchFloats(p)));
    ref::RecurrentF32(p, c.x.data(), c.initial_state ? c.h0.data() : nullptr,
                      c.initial_state && c.cell == OpType::kLstm ? c.c0.data() : nullptr,
                      want.data(), scratch.data());
    for (const Isa isa : IsaLevels()) {
      const ForcedIsa forced(isa);
      const auto session = RunCell(graph, c);
      const auto* got = static_cast<const float*>(session->output_data(0));
      if (isa == Isa::kRef) {
        // Same integer products, same gate arithmetic: the same bits.
        ASSERT_EQ(0, std::memcmp(got, want.data(), want.size() * sizeof(float)))
            << c.Describe() << " seed " << seed;
        continue;
      }
      // Vectorized gates: the products' bits, nonlinearities within about 1e-7 each. A gate
      // value that moves can move a quantized state by a level, and on random weights a moved
      // level can grow over a long sequence (0.24 after 36 steps, seen): short sequences only.
      if (c.steps > 8) continue;
      for (size_t i = 0; i < want.size(); ++i) {
        ASSERT_NEAR(got[i], want[i], 2e-2 * (1.0 + std::fabs(want[i])))
            << IsaName(isa) << " " << c.Describe() << " seed " << seed;
      }
    }
  }
}

}  // namespace
}  // namespace trit
