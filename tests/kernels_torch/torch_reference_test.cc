// Every fp32 reference kernel against PyTorch (Debian's python3-torch) on random inputs.
// The script writes the cases; the tolerance is max |ours - torch| <= 1e-4 * (1 + max |torch|):
// both compute in f32, only the summation order differs.
#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <limits>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include "data/npy.h"
#include "kernels/ref/activation.h"
#include "kernels/ref/batch_norm.h"
#include "kernels/ref/concat.h"
#include "kernels/ref/conv2d.h"
#include "kernels/ref/dense.h"
#include "kernels/ref/elementwise.h"
#include "kernels/ref/pool.h"
#include "kernels/ref/softmax.h"

namespace trit::ref {
namespace {

namespace fs = std::filesystem;

struct Tensor {
  Shape shape;
  std::vector<float> values;
  const float* data() const { return values.data(); }
  int dim(size_t i) const { return static_cast<int>(shape.at(i)); }
};

Tensor Load(const fs::path& path) {
  const data::NpyArray array = data::ReadNpy(path.string());
  Tensor t{array.shape, std::vector<float>(array.bytes.size() / 4)};
  std::memcpy(t.values.data(), array.bytes.data(), array.bytes.size());
  return t;
}

// ctest's environment names the source and build trees; the compiled-in paths are the fallback
// when the binary is run by hand.
std::string DirFromEnv(const char* variable, const char* fallback) {
  const char* value = std::getenv(variable);
  return value != nullptr && *value != '\0' ? value : fallback;
}

// Runs the PyTorch script once into a fresh folder under the build tree. Returns an empty
// string after a (fatal) failure explaining what is missing.
std::string GenerateCases() {
  const char* python = "/usr/bin/python3";
  if (!fs::exists(python)) {
    ADD_FAILURE() << python << " not found: this test needs Debian's python3 with python3-torch";
    return "";
  }
  if (std::system((std::string(python) + " -c 'import torch, numpy' >/dev/null 2>&1").c_str()) !=
      0) {
    ADD_FAILURE() << python << " cannot import torch and numpy: install python3-torch";
    return "";
  }
  const fs::path script = fs::path(DirFromEnv("TRIT_SOURCE_DIR", TRIT_SOURCE_DIR)) / "tests" /
                          "kernels_torch" / "torch_reference.py";
  const fs::path dir = fs::path(DirFromEnv("TRIT_BINARY_DIR", TRIT_BINARY_DIR)) /
                       ("torch_cases_" + std::to_string(::getpid()));
  fs::remove_all(dir);
  fs::create_directories(dir);
  const std::string command =
      std::string(python) + " '" + script.string() + "' '" + dir.string() + "' 7";
  if (std::system(command.c_str()) != 0) {
    ADD_FAILURE() << "the PyTorch reference script failed: " << command;
    return "";
  }
  return dir.string();
}

void ExpectClose(const std::vector<float>& got, const Tensor& want, const std::string& name) {
  ASSERT_EQ(got.size(), want.values.size()) << name;
  float max_value = 0.0f, max_error = 0.0f;
  for (size_t i = 0; i < got.size(); ++i) {
    max_value = std::max(max_value, std::abs(want.values[i]));
    max_error = std::max(max_error, std::abs(got[i] - want.values[i]));
  }
  EXPECT_LE(max_error, 1e-4f * (1.0f + max_value)) << name << ": max abs error " << max_error;
}

TEST(TorchReference, EveryFloatKernelMatchesPyTorch) {
  const std::string generated = GenerateCases();
  ASSERT_FALSE(generated.empty());
  const fs::path dir_(generated);
  std::ifstream cases(dir_ / "cases.txt");
  ASSERT_TRUE(cases) << "the script wrote no " << (dir_ / "cases.txt").string();
  std::string line;
  int count = 0;
  while (std::getline(cases, line)) {
    std::istringstream fields(line);
    std::string name, op, item;
    fields >> name >> op;
    SCOPED_TRACE("case " + name + " (" + line + ")");
    std::map<std::string, int> attr;
    while (fields >> item)
      attr[item.substr(0, item.find('='))] = std::stoi(item.substr(item.find('=') + 1));
    const fs::path at = dir_ / name;
    const Tensor x = Load(at / "x.npy");
    const Tensor expected = Load(at / "expected.npy");
    std::vector<float> out(expected.values.size());
    const float inf = std::numeric_limits<float>::infinity();
    ConvGeometry g;
    if (x.shape.size() == 4) {
      g.batch = x.dim(0);
      g.in_h = x.dim(1);
      g.in_w = x.dim(2);
      g.in_c = g.out_c = x.dim(3);
      g.out_h = expected.dim(1);
      g.out_w = expected.dim(2);
    }
    if (op == "conv") {
      const Tensor w = Load(at / "w.npy");
      const bool has_bias = fs::exists(at / "b.npy");
      const Tensor b = has_bias ? Load(at / "b.npy") : Tensor{};
      g.out_c = expected.dim(3);
      g.kernel_h = g.kernel_w = attr["k"];
      g.stride_h = g.stride_w = attr["stride"];
      g.pad_top = g.pad_left = attr["pad"];
      g.dilation_h = g.dilation_w = attr["dilation"];
      g.groups = attr["groups"];
      Conv2DF32(g, x.data(), w.data(), has_bias ? b.data() : nullptr, -inf, inf, out.data());
    } else if (op == "dense") {
      const Tensor w = Load(at / "w.npy"), b = Load(at / "b.npy");
      DenseF32(x.dim(0), x.dim(1), w.dim(0), x.data(), w.data(), b.data(), -inf, inf, out.data());
    } else if (op == "maxpool" || op == "avgpool") {
      g.kernel_h = g.kernel_w = attr["k"];
      g.stride_h = g.stride_w = attr["stride"];
      g.pad_top = g.pad_left = attr["pad"];
      if (op == "maxpool") {
        MaxPoolF32(g, x.data(), out.data());
      } else {
        AvgPoolF32(g, attr["include"] != 0, x.data(), out.data());
      }
    } else if (op == "gap") {
      g.kernel_h = g.stride_h = g.in_h;
      g.kernel_w = g.stride_w = g.in_w;
      AvgPoolF32(g, false, x.data(), out.data());
    } else if (op == "add" || op == "mul") {
      const Tensor y = Load(at / "y.npy");
      const Broadcast b = MakeBroadcast(x.shape.data(), static_cast<int>(x.shape.size()),
                                        y.shape.data(), static_cast<int>(y.shape.size()));
      (op == "add" ? AddF32 : MulF32)(b, x.data(), y.data(), out.data());
    } else if (op == "concat") {
      const Tensor y = Load(at / "y.npy");
      const int64_t outer = NumElements(x.shape) / x.shape.back();
      const int64_t total = x.shape.back() + y.shape.back();
      ConcatCopy(outer, x.shape.back(), total, 0, 1, 4, x.data(), out.data());
      ConcatCopy(outer, y.shape.back(), total, x.shape.back(), 1, 4, y.data(), out.data());
    } else if (op == "relu") {
      ClipF32(static_cast<int64_t>(out.size()), x.data(), 0.0f, inf, out.data());
    } else if (op == "clip") {
      ClipF32(static_cast<int64_t>(out.size()), x.data(), static_cast<float>(attr["lo"]),
              static_cast<float>(attr["hi"]), out.data());
    } else if (op == "sigmoid") {
      SigmoidF32(static_cast<int64_t>(out.size()), x.data(), out.data());
    } else if (op == "tanh") {
      TanhF32(static_cast<int64_t>(out.size()), x.data(), out.data());
    } else if (op == "softmax") {
      const size_t axis = static_cast<size_t>(attr["axis"]);
      int64_t outer = 1, inner = 1;
      for (size_t d = 0; d < x.shape.size(); ++d) {
        if (d < axis) outer *= x.shape[d];
        if (d > axis) inner *= x.shape[d];
      }
      SoftmaxF32(outer, x.shape[axis], inner, x.data(), out.data());
    } else if (op == "batchnorm") {
      const Tensor gamma = Load(at / "gamma.npy"), beta = Load(at / "beta.npy");
      const Tensor mean = Load(at / "mean.npy"), var = Load(at / "var.npy");
      BatchNormF32(NumElements(x.shape) / x.shape.back(), x.shape.back(), x.data(), gamma.data(),
                   beta.data(), mean.data(), var.data(), 1e-5f, out.data());
    } else if (op == "pad") {
      const int64_t pads[8] = {0, 0, 0, attr["before"], 0, 0, 0, attr["after"]};
      const float zero = 0.0f;
      PadConstant(4, x.shape.data(), pads, 4, &zero, x.data(), out.data());
    } else {
      ADD_FAILURE() << "unknown case op " << op;
      continue;
    }
    ExpectClose(out, expected, name);
    ++count;
  }
  EXPECT_GE(count, 30) << "too few cases ran";
  if (!HasFailure()) fs::remove_all(dir_);  // kept for inspection when a case failed
}

}  // namespace
}  // namespace trit::ref
