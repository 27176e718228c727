// A BinaryNet-style convolutional network (Courbariaux et al. 2016; the block order of Larq's
// examples) for 28x28 grey images: a real-valued first convolution, then binary blocks of
// convolution, BatchNorm, (max pool,) and Binarize, whose +-1 outputs feed the next layer;
// a binary fully connected layer and a classifier. Compressed with binary weights, every layer
// after the first multiplies +-1 by +-1: the xor + popcount kernels.
#include "zoo/graph_builder.h"
#include "zoo/zoo.h"

namespace trit::zoo {

Graph BuildBnn(uint64_t seed) {
  GraphBuilder b(seed);
  const std::vector<int64_t> same = {1, 1, 1, 1};
  ValueId x = b.Input({1, 28, 28, 1});
  x = b.Binarize(b.BatchNorm(b.Conv(x, 64, 3, 1, same, false)));
  x = b.Binarize(b.MaxPool(b.BatchNorm(b.Conv(x, 128, 3, 1, same, false)), 2, 2));
  x = b.Binarize(b.MaxPool(b.BatchNorm(b.Conv(x, 256, 3, 1, same, false)), 2, 2));
  x = b.Flatten(x);
  x = b.Binarize(b.BatchNorm(b.Dense(x, 512, false)));
  return b.Finish(b.Dense(x, 10));
}

}  // namespace trit::zoo
