// The DeepChip ConvNet: the DoReFa-Net SVHN model its training code uses (40x40x3 input).
#include "zoo/graph_builder.h"
#include "zoo/zoo.h"

namespace trit::zoo {

Graph BuildConvNet(uint64_t seed) {
  GraphBuilder b(seed);
  const std::vector<int64_t> valid = {0, 0, 0, 0};
  const std::vector<int64_t> same3 = {1, 1, 1, 1};
  ValueId x = b.Input({1, 40, 40, 3});
  x = b.Conv(x, 48, 5, 1, valid, true);                        // 36x36x48
  x = b.Relu(b.MaxPool(x, 2, 2));                              // 18x18x48
  x = b.Relu(b.BatchNorm(b.Conv(x, 64, 3, 1, same3, false)));  // 18x18x64
  x = b.BatchNorm(b.Conv(x, 64, 3, 1, same3, false));
  x = b.Relu(b.MaxPool(x, 2, 2));                               // 9x9x64
  x = b.Relu(b.BatchNorm(b.Conv(x, 128, 3, 1, valid, false)));  // 7x7x128
  x = b.Relu(b.BatchNorm(b.Conv(x, 128, 3, 1, same3, false)));  // 7x7x128
  x = b.Relu(b.BatchNorm(b.Conv(x, 128, 3, 1, valid, false)));  // 5x5x128
  x = b.Dropout(x, 0.5f);
  x = b.Relu(b.BatchNorm(b.Conv(x, 512, 5, 1, valid, false)));  // 1x1x512
  x = b.Flatten(x);
  return b.Finish(b.Dense(x, 10));
}

}  // namespace trit::zoo
