/* trit C API: load a .trit model, run it, read its outputs. Links only the C++ standard
 * library. Every function returns a status; on failure trit_last_error() (thread-local)
 * holds a one-line message naming the problem. */
#ifndef TRIT_TRIT_H_
#define TRIT_TRIT_H_

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef enum trit_status {
  TRIT_OK = 0,
  TRIT_ERROR_IO = 1,
  TRIT_ERROR_FORMAT = 2,
  TRIT_ERROR_INVALID_ARGUMENT = 3,
  TRIT_ERROR_SHAPE = 4,
  TRIT_ERROR_UNSUPPORTED = 5,
  TRIT_ERROR_INVALID_GRAPH = 6,
  TRIT_ERROR_INTERNAL = 7
} trit_status;

typedef enum trit_dtype { TRIT_F32 = 0, TRIT_I32 = 1, TRIT_I8 = 2, TRIT_U8 = 3 } trit_dtype;

#define TRIT_MAX_RANK 8

typedef struct trit_tensor_info {
  const char* name; /* valid while the session lives */
  trit_dtype dtype;
  int32_t rank;
  int64_t dims[TRIT_MAX_RANK];
  float scale; /* quantized types: real = scale * (q - zero_point); 0 for f32 */
  int32_t zero_point;
  size_t bytes;
} trit_tensor_info;

typedef struct trit_session trit_session;

const char* trit_version(void);
const char* trit_last_error(void);

trit_status trit_session_create_from_file(const char* path, trit_session** session);
/* `data` must stay valid and unchanged while the session lives (weights are used in place). */
trit_status trit_session_create_from_memory(const void* data, size_t size, trit_session** session);
void trit_session_destroy(trit_session* session);

size_t trit_session_input_count(const trit_session* session);
size_t trit_session_output_count(const trit_session* session);
trit_status trit_session_input_info(const trit_session* session, size_t index,
                                    trit_tensor_info* info);
trit_status trit_session_output_info(const trit_session* session, size_t index,
                                     trit_tensor_info* info);

/* Copies `bytes` bytes (which must equal the input's size) into input `index`. */
trit_status trit_session_set_input(trit_session* session, size_t index, const void* data,
                                   size_t bytes);
trit_status trit_session_run(trit_session* session);
/* Copies output `index` into `data` (`bytes` must equal the output's size). */
trit_status trit_session_get_output(const trit_session* session, size_t index, void* data,
                                    size_t bytes);
/* Bytes of the planned arena holding every intermediate tensor. */
size_t trit_session_arena_bytes(const trit_session* session);

#ifdef __cplusplus
}
#endif

#endif /* TRIT_TRIT_H_ */
