// Runs a graph on the trit runtime with every intermediate tensor kept, and hands out the real
// (dequantized) values of each: the basis of calibration and of the per-layer error report.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "core/graph.h"
#include "runtime/session.h"

namespace trit::quant {

class ActivationProbe {
 public:
  // The graph must have one f32 input.
  explicit ActivationProbe(const Graph& graph);

  // Runs one sample (as many floats as the graph input holds).
  void Run(const float* input);
  size_t input_elements() const { return input_elements_; }

  // The graph's activations (every non-constant value but the input), in value order.
  const std::vector<std::string>& names() const { return names_; }
  // The real values of activation i after the last Run().
  void RealValues(size_t i, std::vector<float>& out) const;

 private:
  std::unique_ptr<runtime::Session> session_;
  std::vector<std::string> names_;
  size_t input_elements_ = 0;
};

}  // namespace trit::quant
