// The C API over runtime::Session. No exception crosses this boundary.
#include <cstddef>
#include <cstring>
#include <memory>
#include <new>
#include <span>
#include <string>

#include "core/error.h"
#include "core/shape.h"
#include "format/model_file.h"
#include "runtime/session.h"
#include "trit/trit.h"

struct trit_session {
  std::unique_ptr<trit::runtime::Session> session;
};

namespace {

thread_local std::string last_error;

trit_status Fail(trit_status status, const std::string& message) {
  last_error = message;
  return status;
}

// Runs `body`, turning every exception into a status and a message.
template <typename Body>
trit_status Guard(Body body) {
  try {
    body();
    return TRIT_OK;
  } catch (const trit::Error& e) {
    return Fail(static_cast<trit_status>(e.code()), e.what());
  } catch (const std::bad_alloc&) {
    return Fail(TRIT_ERROR_INTERNAL, "out of memory");
  } catch (const std::exception& e) {
    return Fail(TRIT_ERROR_INTERNAL, e.what());
  } catch (...) {
    return Fail(TRIT_ERROR_INTERNAL, "unknown error");
  }
}

trit_status FillInfo(const trit::Value& value, size_t bytes, trit_tensor_info* info) {
  if (!info) return Fail(TRIT_ERROR_INVALID_ARGUMENT, "info is null");
  if (value.shape.size() > TRIT_MAX_RANK) return Fail(TRIT_ERROR_UNSUPPORTED, "rank above 8");
  info->name = value.name.c_str();
  info->dtype = static_cast<trit_dtype>(value.dtype);
  info->rank = static_cast<int32_t>(value.shape.size());
  for (size_t d = 0; d < TRIT_MAX_RANK; ++d) {
    info->dims[d] = d < value.shape.size() ? value.shape[d] : 0;
  }
  const trit::QuantParams& quant = value.quant;
  info->scale = quant.scale.empty() ? 0.0f : quant.scale[0];
  info->zero_point = quant.zero_point.empty() ? 0 : quant.zero_point[0];
  info->bytes = bytes;
  info->quant_axis = quant.axis;
  info->quant_count = quant.scale.size();
  info->quant_scales = quant.scale.empty() ? nullptr : quant.scale.data();
  info->quant_zero_points = quant.zero_point.empty() ? nullptr : quant.zero_point.data();
  info->quant_ternary_pos = quant.ternary_pos.empty() ? nullptr : quant.ternary_pos.data();
  info->quant_ternary_neg = quant.ternary_neg.empty() ? nullptr : quant.ternary_neg.data();
  return TRIT_OK;
}

trit::runtime::SessionOptions ToSessionOptions(const trit_session_options* options) {
  trit::runtime::SessionOptions result;
  if (!options) return result;
  result.threads = options->threads == 0 ? 1 : options->threads;
  if (options->arena) {
    result.arena = {static_cast<std::byte*>(options->arena), options->arena_bytes};
  }
  result.defer_arena = options->defer_arena != 0;
  return result;
}

}  // namespace

extern "C" {

const char* trit_version(void) { return "0.1.0"; }
const char* trit_last_error(void) { return last_error.c_str(); }

trit_status trit_session_create_from_file_with_options(const char* path,
                                                       const trit_session_options* options,
                                                       trit_session** session) {
  if (!path || !session) return Fail(TRIT_ERROR_INVALID_ARGUMENT, "path or session is null");
  *session = nullptr;
  return Guard([&] {
    auto handle = std::make_unique<trit_session>();
    handle->session = trit::runtime::Session::FromFile(path, ToSessionOptions(options));
    *session = handle.release();
  });
}

trit_status trit_session_create_from_memory_with_options(const void* data, size_t size,
                                                         const trit_session_options* options,
                                                         trit_session** session) {
  if (!data || !session) return Fail(TRIT_ERROR_INVALID_ARGUMENT, "data or session is null");
  *session = nullptr;
  return Guard([&] {
    trit::format::ModelFile file = trit::format::ReadModelBytes(static_cast<const uint8_t*>(data),
                                                                size, nullptr, "model in memory");
    auto handle = std::make_unique<trit_session>();
    handle->session =
        trit::runtime::Session::FromGraph(std::move(file.graph), ToSessionOptions(options));
    *session = handle.release();
  });
}

trit_status trit_session_create_from_file(const char* path, trit_session** session) {
  return trit_session_create_from_file_with_options(path, nullptr, session);
}

trit_status trit_session_create_from_memory(const void* data, size_t size, trit_session** session) {
  return trit_session_create_from_memory_with_options(data, size, nullptr, session);
}

void trit_session_destroy(trit_session* session) { delete session; }

size_t trit_session_input_count(const trit_session* session) {
  return session ? session->session->input_count() : 0;
}
size_t trit_session_output_count(const trit_session* session) {
  return session ? session->session->output_count() : 0;
}

trit_status trit_session_input_info(const trit_session* session, size_t index,
                                    trit_tensor_info* info) {
  if (!session || index >= session->session->input_count()) {
    return Fail(TRIT_ERROR_INVALID_ARGUMENT, "input index out of range");
  }
  return FillInfo(session->session->input(index), session->session->input_bytes(index), info);
}

trit_status trit_session_output_info(const trit_session* session, size_t index,
                                     trit_tensor_info* info) {
  if (!session || index >= session->session->output_count()) {
    return Fail(TRIT_ERROR_INVALID_ARGUMENT, "output index out of range");
  }
  return FillInfo(session->session->output(index), session->session->output_bytes(index), info);
}

trit_status trit_session_tensor_info_by_name(const trit_session* session, const char* name,
                                             trit_tensor_info* info) {
  if (!session || !name) return Fail(TRIT_ERROR_INVALID_ARGUMENT, "session or name is null");
  const trit::Graph& graph = session->session->graph();
  for (const trit::Value& value : graph.values()) {
    if (value.name == name) {
      return FillInfo(value, trit::StorageBytes(value.dtype, trit::NumElements(value.shape)), info);
    }
  }
  return Fail(TRIT_ERROR_INVALID_ARGUMENT, std::string("no tensor named '") + name + "'");
}

trit_status trit_session_set_input(trit_session* session, size_t index, const void* data,
                                   size_t bytes) {
  if (!session || index >= session->session->input_count() || (!data && bytes)) {
    return Fail(TRIT_ERROR_INVALID_ARGUMENT, "bad session, input index or data");
  }
  if (session->session->input_bound(index)) {
    return Fail(TRIT_ERROR_INVALID_ARGUMENT,
                "input '" + session->session->input(index).name +
                    "' is bound to a caller buffer: write into it, or unbind it first");
  }
  const size_t expected = session->session->input_bytes(index);
  if (bytes != expected) {
    return Fail(TRIT_ERROR_SHAPE, "input '" + session->session->input(index).name + "' takes " +
                                      std::to_string(expected) + " bytes, got " +
                                      std::to_string(bytes));
  }
  void* storage = session->session->input_data(index);
  if (!storage) {
    return Fail(TRIT_ERROR_INVALID_ARGUMENT, "input '" + session->session->input(index).name +
                                                 "' has no storage: the session has no arena");
  }
  if (bytes) std::memcpy(storage, data, bytes);
  return TRIT_OK;
}

trit_status trit_session_run(trit_session* session) {
  if (!session) return Fail(TRIT_ERROR_INVALID_ARGUMENT, "session is null");
  return Guard([&] { session->session->Run(); });
}

trit_status trit_session_get_output(const trit_session* session, size_t index, void* data,
                                    size_t bytes) {
  if (!session || index >= session->session->output_count() || (!data && bytes)) {
    return Fail(TRIT_ERROR_INVALID_ARGUMENT, "bad session, output index or data");
  }
  const size_t expected = session->session->output_bytes(index);
  if (bytes != expected) {
    return Fail(TRIT_ERROR_SHAPE, "output '" + session->session->output(index).name + "' has " +
                                      std::to_string(expected) + " bytes, asked for " +
                                      std::to_string(bytes));
  }
  const void* storage = session->session->output_data(index);
  if (!storage) {
    return Fail(TRIT_ERROR_INVALID_ARGUMENT, "output '" + session->session->output(index).name +
                                                 "' has no storage: the session has no arena");
  }
  if (bytes) std::memcpy(data, storage, bytes);
  return TRIT_OK;
}

size_t trit_session_arena_bytes(const trit_session* session) {
  return session ? session->session->arena_bytes() : 0;
}

trit_status trit_session_set_arena(trit_session* session, void* arena, size_t arena_bytes) {
  if (!session) return Fail(TRIT_ERROR_INVALID_ARGUMENT, "session is null");
  return Guard([&] {
    session->session->SetArena(
        arena ? std::span<std::byte>(static_cast<std::byte*>(arena), arena_bytes)
              : std::span<std::byte>());
  });
}

trit_status trit_session_bind_input(trit_session* session, size_t index, const void* data,
                                    size_t bytes) {
  if (!session) return Fail(TRIT_ERROR_INVALID_ARGUMENT, "session is null");
  return Guard([&] {
    session->session->BindInput(
        index, data ? std::span<const std::byte>(static_cast<const std::byte*>(data), bytes)
                    : std::span<const std::byte>());
  });
}

trit_status trit_session_bind_output(trit_session* session, size_t index, void* data,
                                     size_t bytes) {
  if (!session) return Fail(TRIT_ERROR_INVALID_ARGUMENT, "session is null");
  return Guard([&] {
    session->session->BindOutput(
        index,
        data ? std::span<std::byte>(static_cast<std::byte*>(data), bytes) : std::span<std::byte>());
  });
}

}  // extern "C"
