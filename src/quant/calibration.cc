#include "quant/calibration.h"

#include "core/error.h"
#include "quant/activation_probe.h"

namespace trit::quant {

std::map<std::string, TensorStats> CollectActivationStats(const Graph& graph, const float* samples,
                                                          int64_t count) {
  if (count <= 0) throw Error(ErrorCode::kInvalidArgument, "calibration needs at least 1 sample");
  ActivationProbe probe(graph);
  std::vector<TensorStats> stats(probe.names().size());
  TensorStats input_stats;  // the graph input, quantized by the first quantized layer
  std::vector<float> values;
  for (int pass = 0; pass < 2; ++pass) {
    for (int64_t s = 0; s < count; ++s) {
      const float* input = samples + static_cast<size_t>(s) * probe.input_elements();
      if (pass == 0) {
        input_stats.ObserveRange(input, probe.input_elements());
      } else {
        input_stats.ObserveHistogram(input, probe.input_elements());
      }
      probe.Run(input);
      for (size_t i = 0; i < stats.size(); ++i) {
        probe.RealValues(i, values);
        if (pass == 0) {
          stats[i].ObserveRange(values.data(), values.size());
        } else {
          stats[i].ObserveHistogram(values.data(), values.size());
        }
      }
    }
  }
  std::map<std::string, TensorStats> by_name;
  by_name[graph.value(graph.inputs()[0]).name] = std::move(input_stats);
  for (size_t i = 0; i < stats.size(); ++i) by_name[probe.names()[i]] = std::move(stats[i]);
  return by_name;
}

}  // namespace trit::quant
