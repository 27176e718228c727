// Networks described in a small JSON file, for `trit train --model spec.json`:
//   {"input": [28, 28, 1], "seed": 1, "layers": [
//     {"conv": 32, "kernel": 3, "stride": 1, "padding": "same", "bias": false},
//     {"batchnorm": true}, {"relu": true}, {"maxpool": 2}, {"dropout": 0.25},
//     {"avgpool": 2}, {"globalavgpool": true}, {"flatten": true}, {"dense": 10}]}
// Layers apply in order; padding is "same" or "valid"; pools take the kernel (= stride).
// Recurrent layers (an image is read row by row: H steps of W * C features):
//   {"lstm": 128}, {"gru": 64, "direction": "bidirectional", "sequence": true},
//   {"fastrnn": 64, "activation": "tanh"}, {"fastgrnn": 64},
//   with W and U structured alike, {"structure": "kron", "compression": 20}, or each on its own,
//   "w": {"structure": "kron", "factors": [[8, 2], [16, 14]]}, "u": {"structure": "lowrank",
//   "rank": 8}, {"structure": "hybrid_kron", "dense_rows": 32, "factors": [...]},
//   {"structure": "hmd", "dense_rows": 64, "blocks": 4}; any of them with "compression" instead
//   of explicit shapes (zoo/structured_shape.h chooses them).
// A dense layer takes the same keys for its weights and becomes a StructuredDense:
//   {"dense": 256, "structure": "kron", "compression": 16}, {"dense": 64, "structure": "lowrank",
//   "rank": 8}.
#pragma once

#include <optional>
#include <string>

#include "core/graph.h"
#include "core/recurrent_layout.h"

namespace trit::zoo {

// W and U of every recurrent layer given one structure and compression (`trit train --structure
// kron --compression 20`), whatever the file says.
struct StructureOverride {
  MatrixStructure structure = MatrixStructure::kDense;
  double compression = 1.0;
};

// Throws trit::Error (kIo, kInvalidArgument) naming the file, the layer and the problem.
Graph BuildFromSpecFile(const std::string& path,
                        const std::optional<StructureOverride>& structure = std::nullopt);

}  // namespace trit::zoo
