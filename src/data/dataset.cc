#include "data/dataset.h"

#include <algorithm>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "core/error.h"
#include "data/idx_reader.h"
#include "data/npy.h"

namespace trit::data {
namespace {

namespace fs = std::filesystem;

[[noreturn]] void Malformed(const std::string& what, const std::string& problem) {
  throw Error(ErrorCode::kInvalidArgument, what + ": " + problem);
}

// The IDX file `stem` in `folder`, compressed or not.
std::string IdxPath(const std::string& folder, const std::string& stem) {
  for (const std::string& name : {stem + ".gz", stem}) {
    const fs::path path = fs::path(folder) / name;
    if (fs::exists(path)) return path.string();
  }
  throw Error(ErrorCode::kIo, (fs::path(folder) / (stem + "[.gz]")).string() + ": no such file");
}

void SetLabels(Dataset& d, std::vector<int32_t> labels, const std::string& what) {
  int32_t max_label = -1;
  for (const int32_t label : labels) {
    if (label < 0) Malformed(what, "negative label " + std::to_string(label));
    max_label = std::max(max_label, label);
  }
  d.labels = std::move(labels);
  d.num_classes = max_label + 1;
}

Dataset LoadIdx(const std::string& name, const std::string& folder, Split split) {
  const std::string prefix = split == Split::kTrain ? "train" : "t10k";
  const std::string images_path = IdxPath(folder, prefix + "-images-idx3-ubyte");
  const std::string labels_path = IdxPath(folder, prefix + "-labels-idx1-ubyte");
  const IdxArray images = ReadIdx(images_path);
  const IdxArray labels = ReadIdx(labels_path);
  if (images.shape.size() != 3) Malformed(images_path, "images must be N x H x W");
  if (labels.shape.size() != 1 || labels.shape[0] != images.shape[0]) {
    Malformed(labels_path, "has " + std::to_string(labels.shape[0]) + " labels for " +
                               std::to_string(images.shape[0]) + " images");
  }
  Dataset d;
  d.name = name;
  d.sample_shape = {images.shape[1], images.shape[2], 1};
  d.samples.resize(images.data.size());
  std::transform(images.data.begin(), images.data.end(), d.samples.begin(),
                 [](uint8_t v) { return static_cast<float>(v) / 255.0f; });
  SetLabels(d, std::vector<int32_t>(labels.data.begin(), labels.data.end()), labels_path);
  d.num_classes = std::max(d.num_classes, 10);
  return d;
}

Dataset LoadCifar10(const std::string& folder, Split split) {
  std::vector<std::string> files;
  if (split == Split::kTrain) {
    for (int i = 1; i <= 5; ++i) files.push_back("data_batch_" + std::to_string(i) + ".bin");
  } else {
    files.push_back("test_batch.bin");
  }
  constexpr size_t kRecord = 1 + 3 * 32 * 32;  // label, then R, G, B planes of 32x32
  Dataset d;
  d.name = "cifar10";
  d.sample_shape = {32, 32, 3};
  std::vector<int32_t> labels;
  for (const std::string& file : files) {
    const std::string path = (fs::path(folder) / file).string();
    std::ifstream in(path, std::ios::binary);
    if (!in) throw Error(ErrorCode::kIo, path + ": no such file");
    std::vector<uint8_t> bytes((std::istreambuf_iterator<char>(in)),
                               std::istreambuf_iterator<char>());
    if (bytes.empty() || bytes.size() % kRecord != 0) {
      Malformed(path, "size " + std::to_string(bytes.size()) + " is not a multiple of the " +
                          std::to_string(kRecord) + "-byte CIFAR-10 record");
    }
    for (size_t r = 0; r < bytes.size() / kRecord; ++r) {
      const uint8_t* record = bytes.data() + r * kRecord;
      if (record[0] > 9) Malformed(path, "label " + std::to_string(record[0]) + " out of 0..9");
      labels.push_back(record[0]);
      for (int p = 0; p < 32 * 32; ++p) {  // planar CHW to NHWC
        for (int c = 0; c < 3; ++c) d.samples.push_back(record[1 + c * 1024 + p] / 255.0f);
      }
    }
  }
  SetLabels(d, std::move(labels), folder);
  d.num_classes = 10;
  return d;
}

// Images from an NPY array: N x H x W or N x H x W x C, u8 (scaled to [0, 1]) or f32.
void SamplesFromNpy(Dataset& d, const NpyArray& images, const std::string& path) {
  if (images.shape.size() != 3 && images.shape.size() != 4) {
    Malformed(path,
              "images must be N x H x W or N x H x W x C, got " + ShapeToString(images.shape));
  }
  d.sample_shape = {images.shape[1], images.shape[2],
                    images.shape.size() == 4 ? images.shape[3] : 1};
  const int64_t count = NumElements(images.shape);
  d.samples.resize(static_cast<size_t>(count));
  if (images.dtype == DType::kU8) {
    for (int64_t i = 0; i < count; ++i)
      d.samples[static_cast<size_t>(i)] = images.bytes[static_cast<size_t>(i)] / 255.0f;
  } else if (images.dtype == DType::kF32) {
    std::memcpy(d.samples.data(), images.bytes.data(), images.bytes.size());
  } else {
    Malformed(path, "images must be u8 or f32");
  }
}

std::vector<int32_t> LabelsFromNpy(const NpyArray& labels, int64_t count, const std::string& path) {
  if (labels.shape.size() != 1 || labels.shape[0] != count) {
    Malformed(path, "needs " + std::to_string(count) + " labels in a 1-D array, has shape " +
                        ShapeToString(labels.shape));
  }
  std::vector<int32_t> out(static_cast<size_t>(count));
  for (int64_t i = 0; i < count; ++i) {
    switch (labels.dtype) {
      case DType::kI32:
        std::memcpy(&out[static_cast<size_t>(i)], labels.bytes.data() + 4 * i, 4);
        break;
      case DType::kU8:
        out[static_cast<size_t>(i)] = labels.bytes[static_cast<size_t>(i)];
        break;
      case DType::kI8:
        out[static_cast<size_t>(i)] = static_cast<int8_t>(labels.bytes[static_cast<size_t>(i)]);
        break;
      default:
        Malformed(path, "labels must be integers (i32, u8 or i8)");
    }
  }
  return out;
}

Dataset LoadNpyPair(const std::string& name, const std::string& images_path,
                    const std::string& labels_path) {
  Dataset d;
  d.name = name;
  SamplesFromNpy(d, ReadNpy(images_path), images_path);
  const int64_t count =
      static_cast<int64_t>(d.samples.size()) / std::max<int64_t>(1, NumElements(d.sample_shape));
  SetLabels(d, LabelsFromNpy(ReadNpy(labels_path), count, labels_path), labels_path);
  return d;
}

Dataset LoadCsv(const std::string& path) {
  std::ifstream in(path);
  if (!in) throw Error(ErrorCode::kIo, path + ": no such file");
  Dataset d;
  d.name = "csv";
  std::vector<int32_t> labels;
  std::string line;
  int64_t width = -1, line_number = 0;
  while (std::getline(in, line)) {
    ++line_number;
    if (line.empty()) continue;
    std::stringstream fields(line);
    std::string field;
    std::vector<float> values;
    while (std::getline(fields, field, ',')) {
      try {
        size_t used = 0;
        values.push_back(std::stof(field, &used));
      } catch (const std::exception&) {
        Malformed(path,
                  "line " + std::to_string(line_number) + ": '" + field + "' is not a number");
      }
    }
    if (values.size() < 2)
      Malformed(path, "line " + std::to_string(line_number) + " needs a label and values");
    if (width < 0) width = static_cast<int64_t>(values.size()) - 1;
    if (static_cast<int64_t>(values.size()) - 1 != width) {
      Malformed(path, "line " + std::to_string(line_number) + " has " +
                          std::to_string(values.size() - 1) + " values, the first had " +
                          std::to_string(width));
    }
    if (values[0] != static_cast<float>(static_cast<int32_t>(values[0]))) {
      Malformed(path, "line " + std::to_string(line_number) + ": the label must be an integer");
    }
    labels.push_back(static_cast<int32_t>(values[0]));
    d.samples.insert(d.samples.end(), values.begin() + 1, values.end());
  }
  if (labels.empty()) Malformed(path, "no samples");
  d.sample_shape = {1, 1, width};
  SetLabels(d, std::move(labels), path);
  return d;
}

}  // namespace

Dataset LoadDataset(const std::string& spec, Split split) {
  const size_t colon = spec.find(':');
  if (colon == std::string::npos) {
    throw Error(ErrorCode::kInvalidArgument,
                "dataset '" + spec +
                    "' must be FORMAT:PATH, e.g. fashion-mnist:/usr/share/datasets/fashion-mnist");
  }
  const std::string format = spec.substr(0, colon);
  const std::string path = spec.substr(colon + 1);
  const std::string which = split == Split::kTrain ? "train" : "test";
  if (format == "mnist" || format == "fashion-mnist" || format == "idx")
    return LoadIdx(format, path, split);
  if (format == "cifar10") return LoadCifar10(path, split);
  if (format == "svhn") {
    return LoadNpyPair("svhn", (fs::path(path) / (which + "_images.npy")).string(),
                       (fs::path(path) / (which + "_labels.npy")).string());
  }
  if (format == "npy") {
    const size_t comma = path.find(',');
    if (comma == std::string::npos) {
      throw Error(ErrorCode::kInvalidArgument, "npy dataset needs IMAGES.npy,LABELS.npy");
    }
    return LoadNpyPair("npy", path.substr(0, comma), path.substr(comma + 1));
  }
  if (format == "csv") return LoadCsv(path);
  throw Error(ErrorCode::kInvalidArgument,
              "unknown dataset format '" + format +
                  "' (mnist, fashion-mnist, idx, cifar10, svhn, npy, csv)");
}

}  // namespace trit::data
