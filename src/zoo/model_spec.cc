#include "zoo/model_spec.h"

#include <fstream>
#include <nlohmann/json.hpp>

#include "core/error.h"
#include "zoo/graph_builder.h"

namespace trit::zoo {

Graph BuildFromSpecFile(const std::string& path) {
  std::ifstream in(path);
  if (!in) throw Error(ErrorCode::kIo, path + ": cannot open");
  nlohmann::json spec;
  try {
    spec = nlohmann::json::parse(in);
  } catch (const nlohmann::json::exception& e) {
    throw Error(ErrorCode::kInvalidArgument, path + ": not valid JSON: " + e.what());
  }
  try {
    const std::vector<int64_t> input = spec.at("input").get<std::vector<int64_t>>();
    if (input.size() != 3)
      throw Error(ErrorCode::kInvalidArgument, path + ": input must be [H, W, C]");
    GraphBuilder b(spec.value("seed", uint64_t{1}));
    ValueId x = b.Input({1, input[0], input[1], input[2]});
    int index = 0;
    for (const nlohmann::json& layer : spec.at("layers")) {
      const std::string where = path + ": layer " + std::to_string(index++);
      if (layer.contains("conv")) {
        const int64_t kernel = layer.value("kernel", int64_t{3});
        const std::string padding = layer.value("padding", std::string("same"));
        if (padding != "same" && padding != "valid")
          throw Error(ErrorCode::kInvalidArgument, where + ": padding must be same or valid");
        const int64_t p = padding == "same" ? (kernel - 1) / 2 : 0;
        const int64_t q = padding == "same" ? kernel - 1 - p : 0;
        x = b.Conv(x, layer["conv"].get<int64_t>(), kernel, layer.value("stride", int64_t{1}),
                   {p, p, q, q}, layer.value("bias", true));
      } else if (layer.contains("dense")) {
        x = b.Dense(x, layer["dense"].get<int64_t>(), layer.value("bias", true));
      } else if (layer.contains("batchnorm")) {
        x = b.BatchNorm(x);
      } else if (layer.contains("relu")) {
        x = b.Relu(x);
      } else if (layer.contains("maxpool")) {
        const int64_t k = layer["maxpool"].get<int64_t>();
        x = b.MaxPool(x, k, layer.value("stride", k));
      } else if (layer.contains("avgpool")) {
        const int64_t k = layer["avgpool"].get<int64_t>();
        x = b.AvgPool(x, k, layer.value("stride", k));
      } else if (layer.contains("globalavgpool")) {
        x = b.GlobalAvgPool(x);
      } else if (layer.contains("flatten")) {
        x = b.Flatten(x);
      } else if (layer.contains("dropout")) {
        x = b.Dropout(x, layer["dropout"].get<float>());
      } else {
        throw Error(ErrorCode::kInvalidArgument, where + ": unknown layer " + layer.dump());
      }
    }
    return b.Finish(x);
  } catch (const nlohmann::json::exception& e) {
    throw Error(ErrorCode::kInvalidArgument, path + ": " + e.what());
  } catch (const Error& e) {
    if (std::string(e.what()).rfind(path, 0) == 0) throw;
    throw Error(e.code(), path + ": " + e.what());
  }
}

}  // namespace trit::zoo
