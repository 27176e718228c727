#include "data/dataset.h"

#include <gtest/gtest.h>
#include <unistd.h>
#include <zlib.h>

#include <filesystem>
#include <fstream>

#include "core/error.h"
#include "data/batcher.h"
#include "data/npy.h"

namespace trit::data {
namespace {

namespace fs = std::filesystem;

fs::path Folder(const std::string& name) {
  const fs::path dir =
      fs::temp_directory_path() / ("trit_dataset_" + std::to_string(::getpid())) / name;
  fs::create_directories(dir);
  return dir;
}

std::vector<uint8_t> IdxBytes(const std::vector<int>& dims, const std::vector<uint8_t>& data) {
  std::vector<uint8_t> bytes = {0, 0, 0x08, static_cast<uint8_t>(dims.size())};
  for (const int d : dims) {
    bytes.insert(bytes.end(), {static_cast<uint8_t>(d >> 24), static_cast<uint8_t>(d >> 16),
                               static_cast<uint8_t>(d >> 8), static_cast<uint8_t>(d)});
  }
  bytes.insert(bytes.end(), data.begin(), data.end());
  return bytes;
}

void WriteGz(const fs::path& path, const std::vector<uint8_t>& bytes) {
  gzFile f = gzopen(path.c_str(), "wb");
  gzwrite(f, bytes.data(), static_cast<unsigned>(bytes.size()));
  gzclose(f);
}

void WritePlain(const fs::path& path, const std::vector<uint8_t>& bytes) {
  std::ofstream(path, std::ios::binary)
      .write(reinterpret_cast<const char*>(bytes.data()),
             static_cast<std::streamsize>(bytes.size()));
}

TEST(Dataset, IdxGzipAndPlain) {
  const fs::path dir = Folder("idx");
  // 2 images of 2x3, labels 7 and 1; train gzipped, test plain.
  const std::vector<uint8_t> pixels = {0, 51, 102, 153, 204, 255, 255, 0, 0, 0, 0, 0};
  WriteGz(dir / "train-images-idx3-ubyte.gz", IdxBytes({2, 2, 3}, pixels));
  WriteGz(dir / "train-labels-idx1-ubyte.gz", IdxBytes({2}, {7, 1}));
  WritePlain(dir / "t10k-images-idx3-ubyte", IdxBytes({2, 2, 3}, pixels));
  WritePlain(dir / "t10k-labels-idx1-ubyte", IdxBytes({2}, {7, 1}));
  for (Split split : {Split::kTrain, Split::kTest}) {
    const Dataset d = LoadDataset("idx:" + dir.string(), split);
    EXPECT_EQ(d.count(), 2);
    EXPECT_EQ(d.sample_shape, (Shape{2, 3, 1}));
    EXPECT_EQ(d.labels, (std::vector<int32_t>{7, 1}));
    EXPECT_FLOAT_EQ(d.sample(0)[1], 0.2f);
    EXPECT_FLOAT_EQ(d.sample(1)[0], 1.0f);
  }
}

TEST(Dataset, Cifar10RecordsBecomeNhwc) {
  const fs::path dir = Folder("cifar");
  std::vector<uint8_t> record(1 + 3072, 0);
  record[0] = 3;
  record[1 + 0] = 255;         // R of pixel 0
  record[1 + 1024 + 0] = 51;   // G of pixel 0
  record[1 + 2048 + 1] = 102;  // B of pixel 1
  WritePlain(dir / "test_batch.bin", record);
  const Dataset d = LoadDataset("cifar10:" + dir.string(), Split::kTest);
  ASSERT_EQ(d.count(), 1);
  EXPECT_EQ(d.labels[0], 3);
  EXPECT_FLOAT_EQ(d.sample(0)[0], 1.0f);
  EXPECT_FLOAT_EQ(d.sample(0)[1], 0.2f);
  EXPECT_FLOAT_EQ(d.sample(0)[5], 0.4f);
  WritePlain(dir / "test_batch.bin", std::vector<uint8_t>(100, 0));
  EXPECT_THROW(LoadDataset("cifar10:" + dir.string(), Split::kTest), Error);
}

TEST(Dataset, NpyPairSvhnAndCsv) {
  const fs::path dir = Folder("npy");
  NpyArray images{DType::kU8, {3, 2, 2, 3}, std::vector<uint8_t>(36, 255)};
  NpyArray labels{DType::kI32, {3}, std::vector<uint8_t>(12, 0)};
  labels.bytes[4] = 2;
  WriteNpy((dir / "test_images.npy").string(), images);
  WriteNpy((dir / "test_labels.npy").string(), labels);
  const Dataset svhn = LoadDataset("svhn:" + dir.string(), Split::kTest);
  EXPECT_EQ(svhn.count(), 3);
  EXPECT_EQ(svhn.sample_shape, (Shape{2, 2, 3}));
  EXPECT_EQ(svhn.labels, (std::vector<int32_t>{0, 2, 0}));
  const Dataset pair = LoadDataset(
      "npy:" + (dir / "test_images.npy").string() + "," + (dir / "test_labels.npy").string(),
      Split::kTrain);
  EXPECT_EQ(pair.count(), 3);

  std::ofstream(dir / "data.csv") << "1,0.5,0.25\n0,1,2\n";
  const Dataset csv = LoadDataset("csv:" + (dir / "data.csv").string(), Split::kTrain);
  EXPECT_EQ(csv.count(), 2);
  EXPECT_EQ(csv.sample_shape, (Shape{1, 1, 2}));
  EXPECT_FLOAT_EQ(csv.sample(1)[1], 2.0f);
  std::ofstream(dir / "bad.csv") << "1,0.5,0.25\n0,1\n";
  try {
    LoadDataset("csv:" + (dir / "bad.csv").string(), Split::kTrain);
    FAIL();
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("line 2"), std::string::npos) << e.what();
  }
}

TEST(Dataset, MissingAndMalformedFilesAreNamed) {
  try {
    LoadDataset("fashion-mnist:/nonexistent", Split::kTrain);
    FAIL();
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("/nonexistent/train-images-idx3-ubyte"), std::string::npos)
        << e.what();
  }
  const fs::path dir = Folder("truncated");
  WriteGz(dir / "train-images-idx3-ubyte.gz", IdxBytes({100, 28, 28}, std::vector<uint8_t>(50, 0)));
  WriteGz(dir / "train-labels-idx1-ubyte.gz", IdxBytes({100}, std::vector<uint8_t>(100, 0)));
  try {
    LoadDataset("idx:" + dir.string(), Split::kTrain);
    FAIL();
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("truncated"), std::string::npos) << e.what();
  }
  EXPECT_THROW(LoadDataset("imagenet:/x", Split::kTrain), Error);
  EXPECT_THROW(LoadDataset("no-colon", Split::kTrain), Error);
}

TEST(Dataset, FashionMnistFromTheDebianPackage) {
  const Dataset train =
      LoadDataset("fashion-mnist:/usr/share/datasets/fashion-mnist", Split::kTrain);
  const Dataset test = LoadDataset("fashion-mnist:/usr/share/datasets/fashion-mnist", Split::kTest);
  EXPECT_EQ(train.count(), 60000);
  EXPECT_EQ(test.count(), 10000);
  EXPECT_EQ(train.sample_shape, (Shape{28, 28, 1}));
  EXPECT_EQ(train.num_classes, 10);
  const auto [lo, hi] = std::minmax_element(test.samples.begin(), test.samples.end());
  EXPECT_EQ(*lo, 0.0f);
  EXPECT_EQ(*hi, 1.0f);
}

}  // namespace
}  // namespace trit::data

namespace trit::data {
namespace {

Dataset Tiny() {
  Dataset d;
  d.name = "tiny";
  d.sample_shape = {2, 2, 1};
  for (int i = 0; i < 10; ++i) {
    for (int p = 0; p < 4; ++p) d.samples.push_back(static_cast<float>(i * 10 + p));
    d.labels.push_back(i);
  }
  d.num_classes = 10;
  return d;
}

TEST(Batcher, FitsPadsAndRepeatsChannels) {
  const Dataset d = Tiny();
  BatchOptions options;
  options.batch_size = 4;
  options.input_shape = {4, 4, 3};
  Batcher batcher(d, options);
  EXPECT_EQ(batcher.batches_per_epoch(), 3);
  std::vector<float> images;
  std::vector<int32_t> labels;
  ASSERT_TRUE(batcher.Next(images, labels));
  EXPECT_EQ(labels, (std::vector<int32_t>{0, 1, 2, 3}));
  // Sample 1 centered in 4x4: pixel (1,1) is its (0,0) = 10, on all three channels.
  const float* s1 = images.data() + 48;
  EXPECT_EQ(s1[(1 * 4 + 1) * 3 + 0], 10.0f);
  EXPECT_EQ(s1[(1 * 4 + 1) * 3 + 2], 10.0f);
  EXPECT_EQ(s1[(2 * 4 + 2) * 3 + 1], 13.0f);
  EXPECT_EQ(s1[0], 0.0f);
  ASSERT_TRUE(batcher.Next(images, labels));
  ASSERT_TRUE(batcher.Next(images, labels));
  EXPECT_EQ(labels.size(), 2u);  // the last, smaller batch
  EXPECT_FALSE(batcher.Next(images, labels));
}

// A model input that is not [H, W, C] (a sequence [T, F]) takes samples of its own shape, as
// they are (an NPY of [N, T, F] reads as [T, F, 1] samples); other shapes are refused by name.
TEST(Batcher, SequenceInputsTakeSamplesOfTheirOwnShape) {
  Dataset d;
  d.name = "sequences";
  d.sample_shape = {2, 3, 1};
  for (int i = 0; i < 12; ++i) d.samples.push_back(static_cast<float>(i));
  d.labels = {0, 1};
  BatchOptions options;
  options.batch_size = 2;
  options.input_shape = {2, 3};
  options.mean = {1.0f, 2.0f, 3.0f};  // per element of the last axis
  Batcher batcher(d, options);
  std::vector<float> x;
  std::vector<int32_t> labels;
  ASSERT_TRUE(batcher.Next(x, labels));
  EXPECT_EQ(x, (std::vector<float>{-1, -1, -1, 2, 2, 2, 5, 5, 5, 8, 8, 8}));
  options.input_shape = {3, 2};
  try {
    Batcher wrong(d, options);
    FAIL() << "a [3, 2] input took [2, 3] samples";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::kShape);
    EXPECT_NE(std::string(e.what()).find("samples [2,3,1] do not fit model input [3,2]"),
              std::string::npos)
        << e.what();
  }
}

TEST(Batcher, ShuffleIsDeterministicPerSeedAndEpoch) {
  const Dataset d = Tiny();
  BatchOptions options;
  options.batch_size = 10;
  options.shuffle = true;
  options.crop_padding = 1;
  options.horizontal_flip = true;
  auto epoch = [&](uint64_t seed, int64_t e) {
    options.seed = seed;
    Batcher b(d, options);
    b.StartEpoch(e);
    std::vector<float> images;
    std::vector<int32_t> labels;
    b.Next(images, labels);
    return std::make_pair(labels, images);
  };
  EXPECT_EQ(epoch(1, 0), epoch(1, 0));
  EXPECT_NE(epoch(1, 0).first, epoch(1, 1).first);
  EXPECT_NE(epoch(1, 0).first, epoch(2, 0).first);
  std::vector<int32_t> sorted = epoch(3, 2).first;
  std::sort(sorted.begin(), sorted.end());
  EXPECT_EQ(sorted, (std::vector<int32_t>{0, 1, 2, 3, 4, 5, 6, 7, 8, 9}));
}

}  // namespace
}  // namespace trit::data
