// CIFAR-10 ResNets (He et al.), the pre-activation form DeepChip used: blocks of
// BN-ReLU-conv-BN-ReLU-conv, and parameter-free shortcuts when a stage downsamples
// (2x2 average pool, then zero channels padded on).
#include "core/error.h"
#include "zoo/graph_builder.h"
#include "zoo/zoo.h"

namespace trit::zoo {
namespace {

ValueId Block(GraphBuilder& b, ValueId x, int64_t channels, int64_t stride) {
  const std::vector<int64_t> same = {1, 1, 1, 1};
  ValueId y = b.Relu(b.BatchNorm(x));
  // Stride-2 3x3 convolution with pads 1: 32 -> 16 as in the paper.
  y = b.Conv(y, channels, 3, stride, same, false);
  y = b.Relu(b.BatchNorm(y));
  y = b.Conv(y, channels, 3, 1, same, false);
  ValueId shortcut = x;
  const int64_t in_channels = b.shape(x).back();
  if (stride != 1) shortcut = b.AvgPool(shortcut, 2, 2);
  if (in_channels != channels) {
    shortcut = b.Pad(shortcut, {0, 0, 0, 0, 0, 0, 0, channels - in_channels});
  }
  return b.Add(y, shortcut);
}

}  // namespace

Graph BuildResNet(int depth, uint64_t seed) {
  if (depth < 8 || (depth - 2) % 6 != 0) {
    throw Error(ErrorCode::kInvalidArgument,
                "ResNet depth must be 6n+2, got " + std::to_string(depth));
  }
  const int blocks = (depth - 2) / 6;
  GraphBuilder b(seed);
  ValueId x = b.Input({1, 32, 32, 3});
  x = b.Conv(x, 16, 3, 1, {1, 1, 1, 1}, false);
  const int64_t widths[3] = {16, 32, 64};
  for (int stage = 0; stage < 3; ++stage) {
    for (int i = 0; i < blocks; ++i) {
      x = Block(b, x, widths[stage], stage > 0 && i == 0 ? 2 : 1);
    }
  }
  x = b.Relu(b.BatchNorm(x));
  x = b.Flatten(b.GlobalAvgPool(x));
  return b.Finish(b.Dense(x, 10));
}

}  // namespace trit::zoo
