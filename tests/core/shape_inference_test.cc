#include <gtest/gtest.h>

#include "core/error.h"
#include "core/graph.h"

namespace trit {
namespace {

using Ints = std::vector<int64_t>;

Shape InferOne(OpType op, const std::vector<Shape>& inputs, Attributes attrs = {},
               bool constant_rest = true) {
  Graph g;
  std::vector<ValueId> ids;
  for (size_t i = 0; i < inputs.size(); ++i) {
    const std::string name = "in" + std::to_string(i);
    if (i > 0 && constant_rest) {
      const int64_t count = NumElements(inputs[i]);
      ids.push_back(g.AddConstant(name, DType::kF32, inputs[i],
                                  Buffer::FromVector(std::vector<float>(count, 1.0f))));
    } else {
      ids.push_back(g.AddInput(name, DType::kF32, inputs[i]));
    }
  }
  g.MarkOutput(g.AddNode(op, "node", ids, std::move(attrs)));
  g.InferShapes();
  return g.value(g.outputs()[0]).shape;
}

TEST(ShapeInference, Conv2DStridePadDilationGroups) {
  // 32x32, 3x3 kernel, stride 2, pad 1: floor((32 + 2 - 3) / 2) + 1 = 16.
  EXPECT_EQ(InferOne(OpType::kConv2D, {{1, 32, 32, 16}, {32, 3, 3, 16}},
                     {{"strides", Ints{2, 2}}, {"pads", Ints{1, 1, 1, 1}}}),
            (Shape{1, 16, 16, 32}));
  // Dilation 2 makes a 3x3 kernel span 5: 10 - 5 + 1 = 6.
  EXPECT_EQ(InferOne(OpType::kConv2D, {{1, 10, 10, 4}, {4, 3, 3, 4}}, {{"dilations", Ints{2, 2}}}),
            (Shape{1, 6, 6, 4}));
  // Depthwise: groups = channels, weights [C, kh, kw, 1].
  EXPECT_EQ(InferOne(OpType::kConv2D, {{1, 8, 8, 6}, {6, 3, 3, 1}},
                     {{"groups", int64_t{6}}, {"pads", Ints{1, 1, 1, 1}}}),
            (Shape{1, 8, 8, 6}));
}

TEST(ShapeInference, Conv2DMismatchNamesNode) {
  try {
    InferOne(OpType::kConv2D, {{1, 8, 8, 3}, {4, 3, 3, 5}});
    FAIL();
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::kShape);
    EXPECT_NE(std::string(e.what()).find("node 'node' (Conv2D)"), std::string::npos) << e.what();
  }
}

TEST(ShapeInference, PoolsAndDense) {
  EXPECT_EQ(InferOne(OpType::kMaxPool, {{1, 55, 55, 64}},
                     {{"kernel", Ints{3, 3}}, {"strides", Ints{2, 2}}}),
            (Shape{1, 27, 27, 64}));
  EXPECT_EQ(InferOne(OpType::kAvgPool, {{1, 32, 32, 16}}, {{"kernel", Ints{2, 2}}}),
            (Shape{1, 16, 16, 16}));
  EXPECT_EQ(InferOne(OpType::kGlobalAvgPool, {{2, 8, 8, 64}}), (Shape{2, 1, 1, 64}));
  EXPECT_EQ(InferOne(OpType::kDense, {{3, 400}, {120, 400}, {120}}), (Shape{3, 120}));
  EXPECT_THROW(InferOne(OpType::kDense, {{3, 401}, {120, 400}}), Error);
}

TEST(ShapeInference, BroadcastConcatReshapeFlattenPad) {
  EXPECT_EQ(InferOne(OpType::kAdd, {{1, 4, 4, 8}, {8}}, {}, false), (Shape{1, 4, 4, 8}));
  EXPECT_EQ(InferOne(OpType::kMul, {{2, 1, 3}, {1, 5, 1}}, {}, false), (Shape{2, 5, 3}));
  EXPECT_THROW(InferOne(OpType::kAdd, {{2, 3}, {4}}, {}, false), Error);
  EXPECT_EQ(InferOne(OpType::kConcat, {{1, 4, 4, 8}, {1, 4, 4, 3}}, {{"axis", int64_t{-1}}}, false),
            (Shape{1, 4, 4, 11}));
  EXPECT_EQ(InferOne(OpType::kReshape, {{1, 4, 4, 8}}, {{"shape", Ints{0, -1}}}), (Shape{1, 128}));
  EXPECT_THROW(InferOne(OpType::kReshape, {{1, 4, 4, 8}}, {{"shape", Ints{3, -1}}}), Error);
  EXPECT_EQ(InferOne(OpType::kFlatten, {{2, 3, 4, 5}}), (Shape{2, 60}));
  EXPECT_EQ(InferOne(OpType::kPad, {{1, 8, 8, 16}}, {{"pads", Ints{0, 0, 0, 8, 0, 0, 0, 8}}}),
            (Shape{1, 8, 8, 32}));
}

TEST(ShapeInference, WindowLargerThanInputFails) {
  EXPECT_THROW(InferOne(OpType::kConv2D, {{1, 2, 2, 1}, {1, 3, 3, 1}}), Error);
}

}  // namespace
}  // namespace trit
