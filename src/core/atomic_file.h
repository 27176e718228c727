// Writing a whole file so that readers see the old file or the new one, never a part: a temp
// file in the same folder, fsync, rename, fsync of the folder.
#pragma once

#include <cstddef>
#include <string>

namespace trit {

// Throws trit::Error (kIo) naming the path; on failure nothing is left behind.
void WriteFileAtomically(const std::string& path, const void* data, size_t size);

}  // namespace trit
