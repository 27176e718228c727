// LeNet-5 for 28x28 grey images (MNIST / Fashion-MNIST).
#include "zoo/graph_builder.h"
#include "zoo/zoo.h"

namespace trit::zoo {

Graph BuildLeNet5(uint64_t seed) {
  GraphBuilder b(seed);
  ValueId x = b.Input({1, 28, 28, 1});
  x = b.Relu(b.Conv(x, 6, 5, 1, {2, 2, 2, 2}, true));
  x = b.MaxPool(x, 2, 2);
  x = b.Relu(b.Conv(x, 16, 5, 1, {0, 0, 0, 0}, true));
  x = b.MaxPool(x, 2, 2);
  x = b.Flatten(x);
  x = b.Relu(b.Dense(x, 120));
  x = b.Relu(b.Dense(x, 84));
  return b.Finish(b.Dense(x, 10));
}

}  // namespace trit::zoo
