#include "train/recurrent_ops.h"

#include "train/structured_ops.h"

namespace trit::train {

torch::Tensor RunRecurrentOp(const Graph& graph, const Node& node,
                             const std::vector<torch::Tensor>& in, bool int8_products) {
  const auto quantize = [&](const torch::Tensor& v) {
    return int8_products ? FakeQuantVectors(v) : v;
  };
  const RecurrentLayout layout = ParseRecurrentLayout(graph, node);
  const torch::Tensor& x = in[0];
  const int64_t batch = x.size(0), steps = x.size(1), hidden = layout.hidden;
  const auto directions = static_cast<int64_t>(layout.directions.size());
  std::vector<torch::Tensor> outputs;
  for (int64_t d = 0; d < directions; ++d) {
    const RecurrentDirectionSlots& slots = layout.directions[static_cast<size_t>(d)];
    const torch::Tensor w = MaterializeStructured(slots.w, in);
    const torch::Tensor u = MaterializeStructured(slots.u, in);
    const torch::Tensor& bias_w = in[slots.bias_w];
    // An empty bias_u was folded into bias_w (core/recurrent_layout.h).
    const torch::Tensor bias_u = slots.bias_u_folded ? torch::zeros_like(bias_w) : in[slots.bias_u];
    // W x for every step at once: [N, T, rows].
    const torch::Tensor wx = torch::matmul(quantize(x), w.t()) + bias_w;
    const auto state = [&](const std::optional<size_t>& i) {
      if (!i) return torch::zeros({batch, hidden}, x.options());
      return in[*i].narrow(1, d * hidden, hidden);
    };
    torch::Tensor h = state(layout.initial_h), c = state(layout.initial_c);
    std::vector<torch::Tensor> sequence(static_cast<size_t>(steps));
    const bool backward = d == 1 || layout.reverse;
    for (int64_t s = 0; s < steps; ++s) {
      const int64_t t = backward ? steps - 1 - s : s;
      const torch::Tensor pre_x = wx.select(1, t);
      const torch::Tensor uh = torch::matmul(quantize(h), u.t()) + bias_u;
      switch (layout.cell) {
        case OpType::kLstm: {
          const auto xs = pre_x.chunk(4, 1), us = uh.chunk(4, 1);  // i, o, f, c
          torch::Tensor gi = xs[0] + us[0], go = xs[1] + us[1], gf = xs[2] + us[2];
          if (slots.peephole) {
            const auto p = in[*slots.peephole].chunk(3, 0);  // i, o, f
            gi = gi + p[0] * c;
            gf = gf + p[2] * c;
          }
          c = torch::sigmoid(gf) * c + torch::sigmoid(gi) * torch::tanh(xs[3] + us[3]);
          if (slots.peephole) go = go + in[*slots.peephole].chunk(3, 0)[1] * c;
          h = torch::sigmoid(go) * torch::tanh(c);
          break;
        }
        case OpType::kGru: {
          const auto xs = pre_x.chunk(3, 1);  // z, r, h
          const auto us = uh.chunk(3, 1);
          const torch::Tensor z = torch::sigmoid(xs[0] + us[0]);
          const torch::Tensor r = torch::sigmoid(xs[1] + us[1]);
          torch::Tensor n;
          if (layout.linear_before_reset) {
            n = torch::tanh(xs[2] + r * us[2]);
          } else {
            const torch::Tensor u_h = u.narrow(0, 2 * hidden, hidden);
            n = torch::tanh(xs[2] + torch::matmul(quantize(r * h), u_h.t()) +
                            bias_u.narrow(0, 2 * hidden, hidden));
          }
          h = (1 - z) * n + z * h;
          break;
        }
        case OpType::kFastRnn: {
          const torch::Tensor v = pre_x + uh;
          const torch::Tensor act = layout.activation == CellActivation::kTanh ? torch::tanh(v)
                                    : layout.activation == CellActivation::kSigmoid
                                        ? torch::sigmoid(v)
                                        : torch::relu(v);
          h = in[*slots.scalar_a] * act + in[*slots.scalar_b] * h;
          break;
        }
        default: {  // FastGRNN: bias_w is the z gate's, bias_u the candidate's
          const torch::Tensor a = pre_x - bias_w + uh - bias_u;
          const torch::Tensor z = torch::sigmoid(a + bias_w);
          const torch::Tensor candidate = torch::tanh(a + bias_u);
          h = (in[*slots.scalar_a] * (1 - z) + in[*slots.scalar_b]) * candidate + z * h;
          break;
        }
      }
      sequence[static_cast<size_t>(t)] = h;
    }
    outputs.push_back(layout.output_sequence     ? torch::stack(sequence, 1)
                      : layout.output_cell_state ? c
                                                 : h);
  }
  return directions == 1 ? outputs[0] : torch::cat(outputs, -1);
}

}  // namespace trit::train
