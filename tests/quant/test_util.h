// Helpers shared by the quantization tests: run a graph on the runtime, random inputs.
#pragma once

#include <cstring>
#include <random>
#include <vector>

#include "core/graph.h"
#include "runtime/session.h"

namespace trit::quant::testing {

inline std::vector<float> RandomInputs(const Graph& g, int64_t count, uint32_t seed) {
  std::mt19937 rng(seed);
  std::uniform_real_distribution<float> u(0.0f, 1.0f);
  std::vector<float> x(static_cast<size_t>(count * NumElements(g.value(g.inputs()[0]).shape)));
  for (float& v : x) v = u(rng);
  return x;
}

// The first output of `g` for one input, as floats.
inline std::vector<float> RunOnce(const Graph& g, const float* input) {
  auto session = runtime::Session::FromGraph(g);
  std::memcpy(session->input_data(0), input, session->input_bytes(0));
  session->Run();
  const Value& out = session->output(0);
  std::vector<float> y(static_cast<size_t>(NumElements(out.shape)));
  std::memcpy(y.data(), session->output_data(0), y.size() * sizeof(float));
  return y;
}

inline int CountOps(const Graph& g, OpType op) {
  int n = 0;
  for (const Node& node : g.nodes()) n += node.op == op;
  return n;
}

inline double RelativeError(const std::vector<float>& a, const std::vector<float>& b) {
  double num = 0, den = 0;
  for (size_t i = 0; i < a.size(); ++i) {
    num += (a[i] - b[i]) * static_cast<double>(a[i] - b[i]);
    den += a[i] * static_cast<double>(a[i]);
  }
  return den > 0 ? std::sqrt(num / den) : std::sqrt(num);
}

}  // namespace trit::quant::testing
