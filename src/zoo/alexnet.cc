// AlexNet for 224x224x3 images, in torchvision's single-tower layout.
#include "zoo/graph_builder.h"
#include "zoo/zoo.h"

namespace trit::zoo {

Graph BuildAlexNet(uint64_t seed) {
  GraphBuilder b(seed);
  ValueId x = b.Input({1, 224, 224, 3});
  x = b.Relu(b.Conv(x, 64, 11, 4, {2, 2, 2, 2}, true));  // 55x55
  x = b.MaxPool(x, 3, 2);                                // 27x27
  x = b.Relu(b.Conv(x, 192, 5, 1, {2, 2, 2, 2}, true));
  x = b.MaxPool(x, 3, 2);  // 13x13
  x = b.Relu(b.Conv(x, 384, 3, 1, {1, 1, 1, 1}, true));
  x = b.Relu(b.Conv(x, 256, 3, 1, {1, 1, 1, 1}, true));
  x = b.Relu(b.Conv(x, 256, 3, 1, {1, 1, 1, 1}, true));
  x = b.MaxPool(x, 3, 2);  // 6x6x256
  x = b.Flatten(x);
  x = b.Relu(b.Dense(b.Dropout(x, 0.5f), 4096));
  x = b.Relu(b.Dense(b.Dropout(x, 0.5f), 4096));
  return b.Finish(b.Dense(x, 1000));
}

}  // namespace trit::zoo
