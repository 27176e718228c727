#include "zoo/model_spec.h"

#include <algorithm>
#include <fstream>
#include <nlohmann/json.hpp>

#include "core/error.h"
#include "zoo/graph_builder.h"

namespace trit::zoo {
namespace {

// A structure object of a recurrent layer's W or U (gates * hidden rows, cols columns), or of a
// dense layer's weights (gates 1): a dense matrix whole, any other structure per gate block of
// `hidden` rows.
StructuredShape ParseStructure(const nlohmann::json& j, int64_t gates, int64_t hidden,
                               int64_t cols) {
  const MatrixStructure structure =
      ParseMatrixStructure(j.value("structure", std::string("dense")));
  const int64_t rows = structure == MatrixStructure::kDense ? gates * hidden : hidden;
  if (j.contains("compression")) {
    return ChooseStructuredShape(structure, rows, cols, j["compression"].get<double>(),
                                 j.value("blocks", int64_t{1}));
  }
  StructuredShape shape;
  shape.structure = structure;
  shape.rank = j.value("rank", int64_t{1});
  shape.dense_rows = j.value("dense_rows", int64_t{0});
  shape.blocks = j.value("blocks", int64_t{1});
  if (j.contains("factors")) {
    shape.factors = j["factors"].get<std::vector<std::pair<int64_t, int64_t>>>();
  }
  shape.PartShapes(rows, cols);  // throws when the parts do not fit
  return shape;
}

const std::pair<const char*, OpType> kCells[] = {{"lstm", OpType::kLstm},
                                                 {"gru", OpType::kGru},
                                                 {"fastrnn", OpType::kFastRnn},
                                                 {"fastgrnn", OpType::kFastGrnn}};

}  // namespace

Graph BuildFromSpecFile(const std::string& path,
                        const std::optional<StructureOverride>& structure) {
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
        const int64_t units = layer["dense"].get<int64_t>();
        if (units < 1) throw Error(ErrorCode::kInvalidArgument, where + ": dense units < 1");
        StructuredShape shape;
        try {
          shape = ParseStructure(layer, 1, units, b.shape(x).back());
        } catch (const Error& e) {
          throw Error(ErrorCode::kInvalidArgument, where + ": " + e.what());
        }
        if (shape.structure == MatrixStructure::kDense) {
          x = b.Dense(x, units, layer.value("bias", true));
        } else {
          if (!layer.value("bias", true)) {
            throw Error(ErrorCode::kInvalidArgument,
                        where + ": a structured dense layer has a bias");
          }
          x = b.StructuredDense(x, units, shape);
        }
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
      } else if (const auto cell =
                     std::find_if(std::begin(kCells), std::end(kCells),
                                  [&](const auto& c) { return layer.contains(c.first); });
                 cell != std::end(kCells)) {
        RecurrentSpec spec;
        spec.cell = cell->second;
        spec.hidden = layer[cell->first].get<int64_t>();
        if (spec.hidden < 1) throw Error(ErrorCode::kInvalidArgument, where + ": hidden size < 1");
        spec.direction = layer.value("direction", std::string("forward"));
        spec.output_sequence = layer.value("sequence", false);
        spec.activation = layer.value("activation", std::string("tanh"));
        const Shape& in = b.shape(x);
        const int64_t input = in.size() == 4 ? in[2] * in[3] : in.back();
        const int64_t gates = spec.cell == OpType::kLstm ? 4 : spec.cell == OpType::kGru ? 3 : 1;
        nlohmann::json w = layer.value("w", nlohmann::json::object());
        nlohmann::json u = layer.value("u", nlohmann::json::object());
        for (const char* key : {"structure", "compression", "blocks"}) {
          if (!layer.contains(key)) continue;
          if (!w.contains(key)) w[key] = layer[key];
          if (!u.contains(key)) u[key] = layer[key];
        }
        if (structure) {
          w = u = {{"structure", std::string(MatrixStructureName(structure->structure))},
                   {"compression", structure->compression}};
        }
        try {
          spec.w = ParseStructure(w, gates, spec.hidden, input);
          spec.u = ParseStructure(u, gates, spec.hidden, spec.hidden);
        } catch (const Error& e) {
          throw Error(ErrorCode::kInvalidArgument, where + ": " + e.what());
        }
        x = b.Recurrent(x, spec);
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
