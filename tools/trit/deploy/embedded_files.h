// The freestanding runtime's sources, port files and headers, built into the trit binary
// (cmake/embed_files.cmake) so that trit deploy can write a self-contained project anywhere.
#pragma once

#include <cstddef>
#include <string_view>

namespace trit::cli {

struct EmbeddedFile {
  const char* path;  // in the project: trit/src/..., trit/include/..., port/...
  std::string_view text;
};

extern const EmbeddedFile kEmbeddedFiles[];
extern const size_t kEmbeddedFileCount;

// The text of the file at `path`; throws kInternal when it is not built in.
std::string_view EmbeddedFileText(std::string_view path);

}  // namespace trit::cli
