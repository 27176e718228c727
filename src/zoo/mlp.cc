// A small multilayer perceptron for 28x28 grey images.
#include "zoo/graph_builder.h"
#include "zoo/zoo.h"

namespace trit::zoo {

Graph BuildMlp(uint64_t seed) {
  GraphBuilder b(seed);
  ValueId x = b.Flatten(b.Input({1, 28, 28, 1}));
  x = b.Relu(b.Dense(x, 256));
  x = b.Relu(b.Dense(x, 128));
  return b.Finish(b.Dense(x, 10));
}

}  // namespace trit::zoo
