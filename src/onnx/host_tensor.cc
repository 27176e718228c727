#include "onnx/host_tensor.h"

#include <onnx/onnx_pb.h>

#include <cmath>
#include <cstring>
#include <fstream>
#include <limits>
#include <sstream>

#include "core/error.h"
#include "kernels/ref/transpose.h"

namespace trit::onnx_import {
namespace {

using onnx::TensorProto;

float HalfToFloat(uint16_t h) {
  const uint32_t sign = (h >> 15) & 1, exponent = (h >> 10) & 0x1f, mantissa = h & 0x3ff;
  float value;
  if (exponent == 0) {
    value = std::ldexp(static_cast<float>(mantissa), -24);
  } else if (exponent == 31) {
    value = mantissa ? NAN : INFINITY;
  } else {
    value = std::ldexp(static_cast<float>(mantissa | 0x400), static_cast<int>(exponent) - 25);
  }
  return sign ? -value : value;
}

float Bfloat16ToFloat(uint16_t b) {
  const uint32_t bits = static_cast<uint32_t>(b) << 16;
  float value;
  std::memcpy(&value, &bits, 4);
  return value;
}

// Bytes per element of the raw_data encoding; 0 for types we do not read.
size_t RawBytes(int32_t type) {
  switch (type) {
    case TensorProto::FLOAT:
    case TensorProto::INT32:
    case TensorProto::UINT32:
      return 4;
    case TensorProto::DOUBLE:
    case TensorProto::INT64:
    case TensorProto::UINT64:
      return 8;
    case TensorProto::FLOAT16:
    case TensorProto::BFLOAT16:
    case TensorProto::INT16:
    case TensorProto::UINT16:
      return 2;
    case TensorProto::INT8:
    case TensorProto::UINT8:
    case TensorProto::BOOL:
      return 1;
    default:
      return 0;
  }
}

template <typename T>
T Load(const std::string& raw, size_t i) {
  T value;
  std::memcpy(&value, raw.data() + i * sizeof(T), sizeof(T));
  return value;
}

double RawElement(const std::string& raw, int32_t type, size_t i) {
  switch (type) {
    case TensorProto::FLOAT:
      return Load<float>(raw, i);
    case TensorProto::DOUBLE:
      return Load<double>(raw, i);
    case TensorProto::FLOAT16:
      return HalfToFloat(Load<uint16_t>(raw, i));
    case TensorProto::BFLOAT16:
      return Bfloat16ToFloat(Load<uint16_t>(raw, i));
    default:
      return 0.0;
  }
}

int64_t RawInt(const std::string& raw, int32_t type, size_t i) {
  switch (type) {
    case TensorProto::INT32:
      return Load<int32_t>(raw, i);
    case TensorProto::UINT32:
      return Load<uint32_t>(raw, i);
    case TensorProto::INT64:
      return Load<int64_t>(raw, i);
    case TensorProto::UINT64:
      return static_cast<int64_t>(Load<uint64_t>(raw, i));
    case TensorProto::INT16:
      return Load<int16_t>(raw, i);
    case TensorProto::UINT16:
      return Load<uint16_t>(raw, i);
    case TensorProto::INT8:
      return Load<int8_t>(raw, i);
    default:  // UINT8, BOOL
      return Load<uint8_t>(raw, i);
  }
}

}  // namespace

bool IsFloatType(int32_t elem_type) {
  return elem_type == TensorProto::FLOAT || elem_type == TensorProto::DOUBLE ||
         elem_type == TensorProto::FLOAT16 || elem_type == TensorProto::BFLOAT16;
}

std::string ElemTypeName(int32_t elem_type) {
  if (!TensorProto::DataType_IsValid(elem_type)) return "type " + std::to_string(elem_type);
  std::string name = TensorProto::DataType_Name(static_cast<TensorProto::DataType>(elem_type));
  for (char& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return name;
}

bool HostTensor::IsFloat() const { return IsFloatType(elem_type); }

double HostTensor::At(int64_t i) const {
  return IsFloat() ? floats.at(static_cast<size_t>(i))
                   : static_cast<double>(ints.at(static_cast<size_t>(i)));
}

namespace {
// Float to int64 as C++ would truncate, but defined everywhere: NaN is 0, out-of-range saturates.
int64_t SaturatingInt(double d) {
  if (std::isnan(d)) return 0;
  if (d >= 9.2e18) return std::numeric_limits<int64_t>::max();
  if (d <= -9.2e18) return std::numeric_limits<int64_t>::min();
  return static_cast<int64_t>(d);
}
}  // namespace

int64_t HostTensor::IntAt(int64_t i) const {
  return IsFloat() ? SaturatingInt(floats.at(static_cast<size_t>(i)))
                   : ints.at(static_cast<size_t>(i));
}

HostTensor HostTensor::Float(Shape shape, std::vector<float> values) {
  HostTensor t;
  t.elem_type = TensorProto::FLOAT;
  t.shape = std::move(shape);
  t.floats = std::move(values);
  return t;
}

HostTensor HostTensor::Int64(Shape shape, std::vector<int64_t> values) {
  HostTensor t;
  t.elem_type = TensorProto::INT64;
  t.shape = std::move(shape);
  t.ints = std::move(values);
  return t;
}

HostTensor FromProto(const TensorProto& proto) {
  const std::string where = "tensor '" + proto.name() + "'";
  HostTensor t;
  t.elem_type = proto.data_type();
  for (const int64_t d : proto.dims()) {
    if (d < 0 || d > (int64_t{1} << 40)) {
      throw Error(ErrorCode::kFormat, where + " has an invalid dimension " + std::to_string(d));
    }
    t.shape.push_back(d);
  }
  const int64_t count = NumElements(t.shape);
  if (count > (int64_t{1} << 34)) throw Error(ErrorCode::kFormat, where + " is too large");
  if (proto.data_location() == TensorProto::EXTERNAL) {
    throw Error(ErrorCode::kUnsupported, where + " keeps its data in an external file");
  }
  const size_t raw_bytes = RawBytes(t.elem_type);
  if (raw_bytes == 0) {
    throw Error(ErrorCode::kUnsupported, where + " has type " + ElemTypeName(t.elem_type));
  }
  const auto n = static_cast<size_t>(count);
  // The values present must match the shape; checked once, before anything is allocated.
  size_t present = 0;
  if (proto.has_raw_data()) {
    if (proto.raw_data().size() % raw_bytes != 0) {
      throw Error(ErrorCode::kFormat, where + " has raw data of " +
                                          std::to_string(proto.raw_data().size()) +
                                          " bytes, not a whole number of values");
    }
    present = proto.raw_data().size() / raw_bytes;
  } else {
    switch (t.elem_type) {
      case TensorProto::FLOAT:
        present = static_cast<size_t>(proto.float_data_size());
        break;
      case TensorProto::DOUBLE:
        present = static_cast<size_t>(proto.double_data_size());
        break;
      case TensorProto::INT64:
        present = static_cast<size_t>(proto.int64_data_size());
        break;
      case TensorProto::UINT32:
      case TensorProto::UINT64:
        present = static_cast<size_t>(proto.uint64_data_size());
        break;
      default:
        present = static_cast<size_t>(proto.int32_data_size());
        break;
    }
  }
  if (present != n) {
    throw Error(ErrorCode::kFormat, where + " holds " + std::to_string(present) +
                                        " values, its shape " + ShapeToString(t.shape) + " needs " +
                                        std::to_string(n));
  }
  if (t.IsFloat()) {
    t.floats.resize(n);
  } else {
    t.ints.resize(n);
  }
  if (proto.has_raw_data()) {
    const std::string& raw = proto.raw_data();
    for (size_t i = 0; i < n; ++i) {
      if (t.IsFloat()) {
        t.floats[i] = static_cast<float>(RawElement(raw, t.elem_type, i));
      } else {
        t.ints[i] = RawInt(raw, t.elem_type, i);
      }
    }
    return t;
  }
  switch (t.elem_type) {
    case TensorProto::FLOAT:
      for (size_t i = 0; i < n; ++i) t.floats[i] = proto.float_data(static_cast<int>(i));
      break;
    case TensorProto::DOUBLE:
      for (size_t i = 0; i < n; ++i) {
        t.floats[i] = static_cast<float>(proto.double_data(static_cast<int>(i)));
      }
      break;
    case TensorProto::INT64:
      for (size_t i = 0; i < n; ++i) t.ints[i] = proto.int64_data(static_cast<int>(i));
      break;
    case TensorProto::UINT32:
    case TensorProto::UINT64:
      for (size_t i = 0; i < n; ++i) {
        t.ints[i] = static_cast<int64_t>(proto.uint64_data(static_cast<int>(i)));
      }
      break;
    default:  // int32 field: int32, int16, int8, uint16, uint8, bool, and float16 bits
      for (size_t i = 0; i < n; ++i) {
        const int32_t v = proto.int32_data(static_cast<int>(i));
        if (t.elem_type == TensorProto::FLOAT16) {
          t.floats[i] = HalfToFloat(static_cast<uint16_t>(v));
        } else if (t.elem_type == TensorProto::BFLOAT16) {
          t.floats[i] = Bfloat16ToFloat(static_cast<uint16_t>(v));
        } else {
          t.ints[i] = v;
        }
      }
      break;
  }
  return t;
}

HostTensor ReadTensorFile(const std::string& path) {
  std::ifstream file(path, std::ios::binary);
  if (!file) throw Error(ErrorCode::kIo, "cannot open '" + path + "'");
  std::stringstream bytes;
  bytes << file.rdbuf();
  TensorProto proto;
  if (!proto.ParseFromString(bytes.str())) {
    throw Error(ErrorCode::kFormat, "'" + path + "' is not a serialized ONNX TensorProto");
  }
  return FromProto(proto);
}

HostTensor CastTo(const HostTensor& t, int32_t elem_type) {
  HostTensor out;
  out.elem_type = elem_type;
  out.shape = t.shape;
  const int64_t n = t.size();
  if (out.IsFloat()) {
    out.floats.resize(static_cast<size_t>(n));
    for (int64_t i = 0; i < n; ++i)
      out.floats[static_cast<size_t>(i)] = static_cast<float>(t.At(i));
    return out;
  }
  out.ints.resize(static_cast<size_t>(n));
  for (int64_t i = 0; i < n; ++i) {
    int64_t v;
    if (t.IsFloat()) {
      const double d = t.At(i);
      v = SaturatingInt(std::trunc(d));
    } else {
      v = t.ints[static_cast<size_t>(i)];
    }
    if (elem_type == TensorProto::BOOL) v = v != 0;
    out.ints[static_cast<size_t>(i)] = v;
  }
  return out;
}

HostTensor ToFloatHost(const HostTensor& t) {
  return t.elem_type == TensorProto::FLOAT ? t : CastTo(t, TensorProto::FLOAT);
}

HostTensor TransposeHost(const HostTensor& t, const std::vector<int64_t>& perm) {
  if (t.shape.size() > static_cast<size_t>(ref::kMaxTransposeRank)) {
    throw Error(ErrorCode::kUnsupported, "a transpose of rank above 8");
  }
  HostTensor out;
  out.elem_type = t.elem_type;
  for (const int64_t p : perm) out.shape.push_back(t.shape[static_cast<size_t>(p)]);
  const int rank = static_cast<int>(t.shape.size());
  if (t.IsFloat()) {
    out.floats.resize(t.floats.size());
    ref::Transpose(t.floats.data(), t.shape.data(), perm.data(), rank, sizeof(float),
                   out.floats.data());
  } else {
    out.ints.resize(t.ints.size());
    ref::Transpose(t.ints.data(), t.shape.data(), perm.data(), rank, sizeof(int64_t),
                   out.ints.data());
  }
  return out;
}

HostTensor ReshapeHost(HostTensor t, Shape shape) {
  t.shape = std::move(shape);
  return t;
}

}  // namespace trit::onnx_import
