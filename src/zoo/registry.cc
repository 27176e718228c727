#include "core/error.h"
#include "zoo/zoo.h"

namespace trit::zoo {

const std::vector<ZooModel>& ZooModels() {
  static const std::vector<ZooModel> models = {
      {"lenet5", "LeNet-5, 28x28x1 input, 10 classes", BuildLeNet5},
      {"convnet", "DeepChip ConvNet (DoReFa-Net SVHN model), 40x40x3 input, 10 classes",
       BuildConvNet},
      {"resnet20", "pre-activation ResNet-20 for CIFAR-10, 32x32x3",
       [](uint64_t seed) { return BuildResNet(20, seed); }},
      {"resnet32", "pre-activation ResNet-32 for CIFAR-10, 32x32x3",
       [](uint64_t seed) { return BuildResNet(32, seed); }},
      {"resnet44", "pre-activation ResNet-44 for CIFAR-10, 32x32x3",
       [](uint64_t seed) { return BuildResNet(44, seed); }},
      {"resnet56", "pre-activation ResNet-56 for CIFAR-10, 32x32x3",
       [](uint64_t seed) { return BuildResNet(56, seed); }},
      {"alexnet", "AlexNet (torchvision layout), 224x224x3, 1000 classes", BuildAlexNet},
      {"mlp", "MLP 784-256-128-10, 28x28x1 input", BuildMlp},
      {"mobilenet", "MobileNet v1, width 0.5, depthwise-separable, 32x32x3, 10 classes",
       BuildMobileNet},
      {"bnn", "BinaryNet-style CNN, binary activations after the first layer, 28x28x1, 10 classes",
       BuildBnn},
  };
  return models;
}

Graph BuildZooModel(const std::string& name, uint64_t seed) {
  std::string names;
  for (const ZooModel& model : ZooModels()) {
    if (model.name == name) return model.build(seed);
    names += (names.empty() ? "" : ", ") + model.name;
  }
  throw Error(ErrorCode::kInvalidArgument,
              "unknown zoo model '" + name + "' (known: " + names + ")");
}

}  // namespace trit::zoo
