// MobileNet v1 (Howard et al. 2017) at width 0.5 for 32x32 colour images: a 3x3 stem, then
// depthwise-separable blocks (3x3 depthwise conv, BN, ReLU, 1x1 conv, BN, ReLU), global average
// pooling and one classifier. Strides follow the paper's table, with the first two stride-2
// blocks kept at stride 1 for the small input (as CIFAR ports of the network do).
#include "zoo/graph_builder.h"
#include "zoo/zoo.h"

namespace trit::zoo {

Graph BuildMobileNet(uint64_t seed) {
  GraphBuilder b(seed);
  const std::vector<int64_t> same = {1, 1, 1, 1};
  ValueId x = b.Input({1, 32, 32, 3});
  x = b.Relu(b.BatchNorm(b.Conv(x, 16, 3, 1, same, false)));
  const struct {
    int64_t channels, stride;
  } blocks[] = {{32, 1},  {64, 1},  {64, 1},  {128, 2}, {128, 1}, {256, 2}, {256, 1},
                {256, 1}, {256, 1}, {256, 1}, {256, 1}, {512, 2}, {512, 1}};
  for (const auto& block : blocks) {
    x = b.Relu(b.BatchNorm(b.DepthwiseConv(x, 3, block.stride, same)));
    x = b.Relu(b.BatchNorm(b.Conv(x, block.channels, 1, 1, {0, 0, 0, 0}, false)));
  }
  x = b.Flatten(b.GlobalAvgPool(x));
  return b.Finish(b.Dense(x, 10));
}

}  // namespace trit::zoo
