// Networks described in a small JSON file, for `trit train --model spec.json`:
//   {"input": [28, 28, 1], "seed": 1, "layers": [
//     {"conv": 32, "kernel": 3, "stride": 1, "padding": "same", "bias": false},
//     {"batchnorm": true}, {"relu": true}, {"maxpool": 2}, {"dropout": 0.25},
//     {"avgpool": 2}, {"globalavgpool": true}, {"flatten": true}, {"dense": 10}]}
// Layers apply in order; padding is "same" or "valid"; pools take the kernel (= stride).
#pragma once

#include <string>

#include "core/graph.h"

namespace trit::zoo {

// Throws trit::Error (kIo, kInvalidArgument) naming the file, the layer and the problem.
Graph BuildFromSpecFile(const std::string& path);

}  // namespace trit::zoo
