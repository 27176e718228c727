// The one error type of trit. Every failure surfaces as a trit::Error with a code and a
// one-line message that names the problem (file, node, tensor, what was expected).
#pragma once

#include <stdexcept>
#include <string>

namespace trit {

enum class ErrorCode {
  kIo = 1,               // file missing, unreadable, unwritable
  kFormat = 2,           // corrupted or hostile .trit file
  kInvalidArgument = 3,  // bad option or value from the caller
  kShape = 4,            // wrong tensor shape
  kUnsupported = 5,      // op, type or combination not implemented
  kInvalidGraph = 6,     // graph fails validation
  kInternal = 7,
};

const char* ErrorCodeName(ErrorCode code);

class Error : public std::runtime_error {
 public:
  Error(ErrorCode code, const std::string& message) : std::runtime_error(message), code_(code) {}
  ErrorCode code() const { return code_; }

 private:
  ErrorCode code_;
};

}  // namespace trit
