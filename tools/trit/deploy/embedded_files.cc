#include "deploy/embedded_files.h"

#include <string>

#include "core/error.h"

namespace trit::cli {

std::string_view EmbeddedFileText(std::string_view path) {
  for (size_t i = 0; i < kEmbeddedFileCount; ++i) {
    if (kEmbeddedFiles[i].path == path) return kEmbeddedFiles[i].text;
  }
  throw Error(ErrorCode::kInternal, "trit deploy: " + std::string(path) + " is not built in");
}

}  // namespace trit::cli
