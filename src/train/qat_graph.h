// Quantization-aware training: the integer graph of a quant::QuantPlan executed in LibTorch.
// The forward pass computes exactly what the trit runtime computes on the exported file (same
// integer accumulators, biases, Q31 multipliers, rounding and saturation); gradients reach
// the latent fp32 weights through a float copy of each layer (straight-through estimator).
// Ternary layers learn their magnitudes Wp and Wn (TTQ); alpha-blending and gradual magnitude
// pruning are options.
#pragma once

#include <torch/torch.h>

#include <map>
#include <set>
#include <string>
#include <vector>

#include "core/graph.h"
#include "quant/quantize_graph.h"
#include "train/trainable_graph.h"

namespace trit::train {

struct QatOptions {
  bool trained_ternary_scales = true;  // TTQ: Wp, Wn are parameters; else recomputed (TWN)
  // > 0: alpha-blending instead of the STE: the loss sees (1 - a) w + a q(w), a = progress /
  // alpha_ramp capped at 1 (no gradient through q). 0: straight-through estimator.
  double alpha_ramp = 0.0;
  // Gradual magnitude pruning (Zhu & Gupta): each named layer's sparsity rises on a cubic from
  // 0 at prune_begin to its target at prune_end (fractions of training).
  std::map<std::string, double> prune;  // layer name -> final sparsity
  double prune_begin = 0.0, prune_end = 0.6;
  // One magnitude threshold over all pruned layers (their targets must then be equal).
  bool prune_global = false;
  // Layer name -> per-channel gains (quant::FoldReport::batch_norm_gains) kept outside the
  // ternary weights, as recipes that leave BatchNorm in fp32 do: the levels and the trained
  // Wp, Wn belong to w / gain, and the gain joins each channel's scales at export. The gains
  // are frozen (BatchNorm's statistics and scale at their pretrained values).
  std::map<std::string, std::vector<float>> channel_gains;
};

class QatGraph : public TrainableGraph {
 public:
  // `folded`: the fp32 graph after quant::FoldForInference (its weights are the latent ones);
  // `plan`: weight specs and calibrated activation parameters.
  QatGraph(const Graph& folded, const quant::QuantPlan& plan, QatOptions options);

  torch::Tensor forward(const torch::Tensor& input) override;
  // The integer graph with the trained weights (what `trit eval` runs).
  Graph ExportGraph() const override;
  const Graph& graph() const override { return template_; }
  void BeginStep(double progress) override;

  // Fraction of zero weights over the pruned layers (for logs).
  double pruned_fraction() const;
  // The fp32 graph with the latent weights (pruned), the reference of the compression report.
  Graph FoldedWithLatentWeights() const;

 private:
  struct Layer {
    quant::WeightSpec spec;
    std::string weight_name, bias_name;  // in the folded graph
    torch::Tensor weight;                // latent fp32: OIHW (conv) or [Cout, K]
    torch::Tensor bias;                  // latent fp32 [Cout], undefined without bias
    torch::Tensor wp, wn;                // ternary magnitudes, one per scale group
    torch::Tensor mask;                  // pruning mask, same shape as weight
    torch::Tensor gain;                  // [Cout] from QatOptions::channel_gains, or undefined
    double prune = 0.0;                  // final sparsity of the mask (0: not pruned)
  };

  quant::QuantizedWeights CurrentWeights(const Layer& layer) const;
  // The latent weights as the folded layer uses them: weight * mask (* gain).
  static torch::Tensor FoldedLatent(const Layer& layer);
  torch::Tensor RunQuantizedLinear(const Node& node, Layer& layer, const torch::Tensor& x);
  torch::Tensor RunQuantizedOp(const Node& node, const std::vector<torch::Tensor>& in);
  // Masks at `progress` (0 to 1) of every layer's final sparsity.
  void UpdateMasks(double progress);

  Graph folded_;
  quant::QuantPlan plan_;
  QatOptions options_;
  Graph template_;  // the integer graph's structure and activation parameters
  std::vector<NodeId> order_;
  std::map<NodeId, Layer> layers_;           // quantized Conv2D/Dense by template node
  std::map<ValueId, torch::Tensor> floats_;  // float constants of the template (fp32 layers)
  double progress_ = 0.0;
  double mask_progress_ = 0.0;  // the schedule's fraction of the final sparsity in the masks
};

}  // namespace trit::train
