#include "core/error.h"

namespace trit {

const char* ErrorCodeName(ErrorCode code) {
  switch (code) {
    case ErrorCode::kIo:
      return "io";
    case ErrorCode::kFormat:
      return "format";
    case ErrorCode::kInvalidArgument:
      return "invalid argument";
    case ErrorCode::kShape:
      return "shape";
    case ErrorCode::kUnsupported:
      return "unsupported";
    case ErrorCode::kInvalidGraph:
      return "invalid graph";
    case ErrorCode::kInternal:
      return "internal";
  }
  return "unknown";
}

}  // namespace trit
