#include "model_io.h"

#include <cmath>
#include <cstring>

#include "core/error.h"
#include "data/npy.h"
#include "kernels/ref/quantize.h"
#include "zoo/graph_builder.h"

namespace trit::cli {
namespace {

void StoreFloats(const Value& input, const float* values, void* destination) {
  const int64_t count = NumElements(input.shape);
  switch (input.dtype) {
    case DType::kF32:
      std::memcpy(destination, values, static_cast<size_t>(count) * sizeof(float));
      break;
    case DType::kI8:
      ref::QuantizeF32(count, values, input.quant.scale[0], input.quant.zero_point[0],
                       static_cast<int8_t*>(destination));
      break;
    case DType::kU8:
      ref::QuantizeF32(count, values, input.quant.scale[0], input.quant.zero_point[0],
                       static_cast<uint8_t*>(destination));
      break;
    default:
      throw Error(ErrorCode::kUnsupported,
                  "input '" + input.name + "' has type " + std::string(DTypeName(input.dtype)));
  }
}

}  // namespace

void FillInputs(runtime::Session& session, const std::vector<std::string>& npy_paths,
                uint64_t seed) {
  if (npy_paths.size() > session.input_count()) {
    throw Error(ErrorCode::kInvalidArgument, "got " + std::to_string(npy_paths.size()) +
                                                 " inputs, the model has " +
                                                 std::to_string(session.input_count()));
  }
  zoo::Random random(seed);
  for (size_t i = 0; i < session.input_count(); ++i) {
    const Value& input = session.input(i);
    const int64_t count = NumElements(input.shape);
    if (i < npy_paths.size()) {
      const data::NpyArray array = data::ReadNpy(npy_paths[i]);
      if (array.shape != input.shape) {
        throw Error(ErrorCode::kShape, npy_paths[i] + ": shape " + ShapeToString(array.shape) +
                                           " does not match input '" + input.name + "' " +
                                           ShapeToString(input.shape));
      }
      if (array.dtype == input.dtype) {
        std::memcpy(session.input_data(i), array.bytes.data(), array.bytes.size());
      } else if (array.dtype == DType::kF32) {
        StoreFloats(input, reinterpret_cast<const float*>(array.bytes.data()),
                    session.input_data(i));
      } else {
        throw Error(ErrorCode::kInvalidArgument,
                    npy_paths[i] + ": type " + std::string(DTypeName(array.dtype)) +
                        " does not fit input '" + input.name + "' (" +
                        std::string(DTypeName(input.dtype)) + "); give f32");
      }
      continue;
    }
    std::vector<float> values(static_cast<size_t>(count));
    for (float& v : values) v = random.Uniform(0.0f, 1.0f);
    StoreFloats(input, values.data(), session.input_data(i));
  }
}

std::vector<float> OutputAsFloat(const runtime::Session& session, size_t i) {
  const Value& output = session.output(i);
  const int64_t count = NumElements(output.shape);
  std::vector<float> values(static_cast<size_t>(count));
  const void* data = session.output_data(i);
  switch (output.dtype) {
    case DType::kF32:
      std::memcpy(values.data(), data, values.size() * sizeof(float));
      break;
    case DType::kI8:
      ref::DequantizeF32(count, static_cast<const int8_t*>(data), output.quant.scale[0],
                         output.quant.zero_point[0], values.data());
      break;
    case DType::kU8:
      ref::DequantizeF32(count, static_cast<const uint8_t*>(data), output.quant.scale[0],
                         output.quant.zero_point[0], values.data());
      break;
    default:
      throw Error(ErrorCode::kUnsupported,
                  "output '" + output.name + "' has type " + std::string(DTypeName(output.dtype)));
  }
  return values;
}

}  // namespace trit::cli
