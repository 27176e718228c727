// Labelled image datasets shared by `trit eval` and the trainer. Samples are f32 NHWC in
// memory (8-bit sources scaled to [0, 1]); labels are class indices.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "core/shape.h"

namespace trit::data {

enum class Split { kTrain, kTest };

struct Dataset {
  std::string name;
  Shape sample_shape;          // [H, W, C]
  std::vector<float> samples;  // count x H x W x C
  std::vector<int32_t> labels;
  int32_t num_classes = 0;

  int64_t count() const { return static_cast<int64_t>(labels.size()); }
  int64_t sample_size() const { return NumElements(sample_shape); }
  const float* sample(int64_t i) const { return samples.data() + i * sample_size(); }
};

// Loads FORMAT:PATH, e.g. "fashion-mnist:/usr/share/datasets/fashion-mnist".
//   mnist, fashion-mnist, idx: a folder with {train,t10k}-{images-idx3,labels-idx1}-ubyte[.gz]
//   cifar10: a folder with data_batch_{1..5}.bin and test_batch.bin (the binary version)
//   svhn:    a folder with {train,test}_images.npy (u8, N x 32 x 32 x 3) and
//            {train,test}_labels.npy (integer labels 0..9)
//   npy:     IMAGES.npy,LABELS.npy (images N x H x W [x C], u8 or f32; labels integers);
//            the same files serve both splits
//   csv:     FILE.csv, one sample a line: label, then the H*W*C values (shape [1, 1, N]);
//            the same file serves both splits
// A missing or malformed file is a trit::Error naming the file and the problem.
Dataset LoadDataset(const std::string& spec, Split split);

}  // namespace trit::data
