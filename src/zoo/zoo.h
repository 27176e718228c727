// The model zoo: builders of the reference networks of the seed papers, fp32, NHWC, batch 1,
// with deterministic random weights (the same seed gives the same bytes everywhere).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "core/graph.h"

namespace trit::zoo {

struct ZooModel {
  std::string name;
  std::string description;
  Graph (*build)(uint64_t seed);
};

const std::vector<ZooModel>& ZooModels();

// Throws trit::Error (kInvalidArgument) listing the valid names when `name` is unknown.
Graph BuildZooModel(const std::string& name, uint64_t seed = 1);

Graph BuildLeNet5(uint64_t seed);
Graph BuildConvNet(uint64_t seed);
Graph BuildResNet(int depth, uint64_t seed);  // depth = 6n + 2: 20, 32, 44, 56
Graph BuildAlexNet(uint64_t seed);
Graph BuildMlp(uint64_t seed);
Graph BuildMobileNet(uint64_t seed);
Graph BuildBnn(uint64_t seed);

}  // namespace trit::zoo
