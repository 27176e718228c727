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
#include "quant/fold.h"
#include "quant/quantize_graph.h"
#include "train/trainable_graph.h"

namespace trit::train {

struct QatOptions {
  bool trained_ternary_scales = true;  // TTQ: Wp, Wn are parameters; else recomputed (TWN)
  // Where trained Wp, Wn start: 0 for the mean magnitudes of the weights each side replaces
  // (the layer's output keeps its scale), else this value (TTQ's code starts at 1.0).
  double ternary_scale_start = 0.0;
  // Divide the gradients of Wp, Wn by sqrt(weights per magnitude), as LSQ does for its step
  // sizes, so that SGD moves them at the pace of one weight; TTQ uses the plain sums. Adam is
  // indifferent to this.
  bool scale_ternary_gradients = true;
  // > 0: alpha-blending instead of the STE: the loss sees (1 - a) w + a q(w), a = progress /
  // alpha_ramp capped at 1 (no gradient through q). 0: straight-through estimator.
  double alpha_ramp = 0.0;
  // Gradual magnitude pruning (Zhu & Gupta): each named layer's sparsity rises on a cubic from
  // 0 at prune_begin to its target at prune_end (fractions of training).
  std::map<std::string, double> prune;  // layer name -> final sparsity
  double prune_begin = 0.0, prune_end = 0.6;
  // One magnitude threshold over all pruned layers (their targets must then be equal).
  bool prune_global = false;
  // Prune whole blocks of 16 output x 4 input channels at one tap, the least sum of squares
  // first (quant::PruneBlocksPerLayer's blocks); grouped convolutions weight by weight.
  bool prune_blocks = false;
  // Layer name -> the BatchNorm folded into it (quant::FoldReport::batch_norms), trained live
  // as recipes that keep BatchNorm in fp32 do. In training the layer computes BN(conv(x, q(w))
  // + b) with the batch's statistics (the running ones follow with momentum 0.1); evaluation
  // and export fold the running statistics into the integer layer, whose weights are then
  // g * q(w) per channel (g = gamma / sqrt(var + eps)). w, b and the ternary threshold and
  // magnitudes are the layer's own, before the fold. Quantized layers only.
  std::map<std::string, quant::FoldedBatchNorm> batch_norms;
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
    double prune = 0.0;                  // final sparsity of the mask (0: not pruned)
    // Live BatchNorm (QatOptions::batch_norms), undefined without: weight and bias are then
    // the layer's own, before the fold.
    torch::Tensor bn_gamma, bn_beta, bn_mean, bn_var;
    double bn_epsilon = 0.0;
  };

  quant::QuantizedWeights CurrentWeights(const Layer& layer) const;
  // The live BatchNorm's per-channel gain gamma / sqrt(running var + eps); undefined without.
  static torch::Tensor Gain(const Layer& layer);
  // The latent weights and bias as the folded layer uses them: weight * mask (* gain), and
  // the bias with the BatchNorm folded in.
  static torch::Tensor FoldedLatent(const Layer& layer);
  static torch::Tensor FoldedBias(const Layer& layer);
  // Wp and Wn per output channel (trained magnitudes, gradients scaled as configured).
  std::pair<torch::Tensor, torch::Tensor> ChannelMagnitudes(const Layer& layer) const;
  torch::Tensor RunQuantizedLinear(const Node& node, Layer& layer, const torch::Tensor& x);
  // Training with live BatchNorm: BN(conv(x, q(w)) + b) on the batch's statistics, then the
  // output's clamp and rounding.
  torch::Tensor RunLiveBatchNorm(const Node& node, Layer& layer, const torch::Tensor& x);
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
  // The latent fp32 parts of int8 structured weights (recurrent W and U, StructuredDense W), by
  // template value: fake-quantized (one
  // scale per row or per part, as quant/structured_weights.h) in every forward pass.
  struct StructuredPart {
    torch::Tensor latent;
    std::string folded_name;
    bool per_row = false;
  };
  std::map<ValueId, StructuredPart> structured_parts_;
  double progress_ = 0.0;
  double mask_progress_ = 0.0;  // the schedule's fraction of the final sparsity in the masks
};

}  // namespace trit::train
