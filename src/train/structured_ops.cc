#include "train/structured_ops.h"

#include "core/op_type.h"
#include "train/float_ops.h"

namespace trit::train {

namespace {

// One gate block: parts [first, first + slot.parts_per_block) of the node's inputs.
torch::Tensor MaterializeBlock(const StructuredSlot& slot, const std::vector<torch::Tensor>& in,
                               size_t first) {
  const auto part = [&](size_t i) -> const torch::Tensor& { return in[first + i]; };
  const auto kron = [&](size_t from) {
    torch::Tensor m = part(from);
    for (size_t i = from + 1; i < slot.parts_per_block; ++i) m = torch::kron(m, part(i));
    return m;
  };
  switch (slot.structure) {
    case MatrixStructure::kDense:
      return part(0);
    case MatrixStructure::kLowRank:
      return torch::mm(part(0), part(1));
    case MatrixStructure::kKronecker:
      return kron(0);
    case MatrixStructure::kHybridKronecker:
      return torch::cat({part(0), kron(1)}, 0);
    case MatrixStructure::kHmd: {
      const int64_t lower = slot.rows / slot.blocks - part(0).size(0);
      const int64_t block_rows = lower / part(1).size(0);
      const torch::Tensor rows = part(1).repeat_interleave(block_rows, 0) * part(2).unsqueeze(1);
      return torch::cat({part(0), rows}, 0);
    }
  }
  return part(0);
}

}  // namespace

torch::Tensor FakeQuantStructuredPart(const torch::Tensor& latent, bool per_row) {
  const torch::Tensor w = latent.detach();
  torch::Tensor largest = per_row ? std::get<0>(w.abs().reshape({w.size(0), -1}).max(1, true))
                                  : w.abs().max().reshape({1, 1});
  const torch::Tensor scale = torch::where(largest > 0, largest / 127.0, torch::ones_like(largest));
  const torch::Tensor flat = w.reshape({per_row ? w.size(0) : 1, -1});
  const torch::Tensor q =
      (torch::clamp(torch::round(flat / scale), -127, 127) * scale).reshape(w.sizes());
  return latent + (q - latent).detach();
}

torch::Tensor MaterializeStructured(const StructuredSlot& slot,
                                    const std::vector<torch::Tensor>& in) {
  std::vector<torch::Tensor> blocks;
  for (int64_t b = 0; b < slot.blocks; ++b) {
    blocks.push_back(
        MaterializeBlock(slot, in, slot.first + static_cast<size_t>(b) * slot.parts_per_block));
  }
  return blocks.size() == 1 ? blocks[0] : torch::cat(blocks, 0);
}

torch::Tensor FakeQuantVectors(const torch::Tensor& v) {
  const torch::Tensor largest = std::get<0>(v.detach().abs().max(-1, true));
  const torch::Tensor scale = torch::where(largest > 0, largest / 127.0, torch::ones_like(largest));
  const torch::Tensor q = torch::clamp(torch::round(v.detach() / scale), -127, 127) * scale;
  return v + (q - v).detach();
}

torch::Tensor RunStructuredDenseOp(const Graph& graph, const Node& node,
                                   const std::vector<torch::Tensor>& in, bool int8_products) {
  const StructuredDenseLayout layout = ParseStructuredDenseLayout(graph, node);
  const torch::Tensor w = MaterializeStructured(layout.w, in);
  const torch::Tensor x = int8_products ? FakeQuantVectors(in[0]) : in[0];
  return Activate(torch::linear(x, w, in[layout.bias]),
                  ParseActivation(node.attrs.GetString("activation", "none")));
}

}  // namespace trit::train
