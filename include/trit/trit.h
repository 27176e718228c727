/* trit C API: load a .trit model, run it, read its outputs. Links only the C++ standard
 * library. Every function returns a status; on failure trit_last_error() (thread-local)
 * holds a one-line message naming the problem.
 *
 * Memory contract (docs/embedding.md):
 * - The model: loaded from a file (mapped) or from the caller's bytes, which are used in place
 *   (not copied) and must outlive the session.
 * - The arena: one block holding every intermediate tensor, the inputs and outputs and the
 *   kernels' scratch. trit allocates it at load by default. To own it, create the session with
 *   `defer_arena` set, read trit_session_arena_bytes(), then pass a buffer of at least that many
 *   bytes, aligned to TRIT_ARENA_ALIGNMENT, to trit_session_set_arena(); or pass the buffer in
 *   trit_session_options.arena directly when its size is known (a static arena). A buffer that
 *   is too small or misaligned is refused (TRIT_ERROR_INVALID_ARGUMENT, naming the bytes
 *   needed and given) and left untouched. The session uses the arena until it is destroyed or
 *   given another; the caller must not touch it meanwhile.
 * - Inputs and outputs: copied in and out (trit_session_set_input / get_output), or bound to
 *   the caller's buffers (trit_session_bind_input / bind_output) so that a run reads and writes
 *   them in place.
 * - Loading allocates (kernels, repacked weights, the session); binding, setting the arena and
 *   running allocate nothing on the heap.
 * - One call at a time per session. */
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

/* The packed types (I4 .. BINARY) hold weights, and BINARY also binary activations; see
 * docs/format.md for their bit layouts. */
typedef enum trit_dtype {
  TRIT_F32 = 0,
  TRIT_I32 = 1,
  TRIT_I8 = 2,
  TRIT_U8 = 3,
  TRIT_I4 = 4,
  TRIT_I2 = 5,
  TRIT_TERNARY = 6,
  TRIT_BINARY = 7
} trit_dtype;

#define TRIT_MAX_RANK 8
/* Alignment, in bytes, of a caller's arena. */
#define TRIT_ARENA_ALIGNMENT 64

typedef struct trit_tensor_info {
  const char* name; /* valid while the session lives */
  trit_dtype dtype;
  int32_t rank;
  int64_t dims[TRIT_MAX_RANK];
  /* Quantized types: real = scale * (q - zero_point); 0 for f32. With per-channel parameters
   * these are channel 0's; quant_scales etc. hold all of them. */
  float scale;
  int32_t zero_point;
  size_t bytes;
  /* Quantization parameters in full (pointers valid while the session lives). quant_axis is
   * the channel axis of per-channel parameters (weights: axis 0, the output channels), -1 for
   * one set per tensor. quant_count entries: 0 (not quantized), 1, or dims[quant_axis]. */
  int32_t quant_axis;
  size_t quant_count;
  const float* quant_scales;        /* NULL when quant_count is 0 */
  const int32_t* quant_zero_points; /* NULL when quant_count is 0 */
  /* Ternary weights: real = scale[c] * (+pos[c] | 0 | -neg[c]) by code; NULL otherwise. */
  const int8_t* quant_ternary_pos;
  const int8_t* quant_ternary_neg;
} trit_tensor_info;

typedef struct trit_session trit_session;

/* Zero-initialize (= {0} or memset) for the defaults: one thread, trit allocates the arena. */
typedef struct trit_session_options {
  /* Threads the optimized Conv2D and Dense kernels split their work across, the calling
   * thread included: 0 or 1 is one thread (no worker started), at most 1024. Results do not
   * depend on it; the arena size may. */
  int32_t threads;
  /* A caller-owned arena of arena_bytes bytes, aligned to TRIT_ARENA_ALIGNMENT, used from load
   * on; NULL: trit allocates one, unless defer_arena is set. */
  void* arena;
  size_t arena_bytes;
  /* With arena NULL: nonzero creates the session without an arena (nothing is allocated for
   * it); read trit_session_arena_bytes() and give it one with trit_session_set_arena(). */
  int32_t defer_arena;
} trit_session_options;

const char* trit_version(void);
const char* trit_last_error(void);

trit_status trit_session_create_from_file(const char* path, trit_session** session);
/* `data` must stay valid and unchanged while the session lives (weights are used in place). */
trit_status trit_session_create_from_memory(const void* data, size_t size, trit_session** session);
/* The same with options (NULL: the defaults). */
trit_status trit_session_create_from_file_with_options(const char* path,
                                                       const trit_session_options* options,
                                                       trit_session** session);
trit_status trit_session_create_from_memory_with_options(const void* data, size_t size,
                                                         const trit_session_options* options,
                                                         trit_session** session);
void trit_session_destroy(trit_session* session);

size_t trit_session_input_count(const trit_session* session);
size_t trit_session_output_count(const trit_session* session);
trit_status trit_session_input_info(const trit_session* session, size_t index,
                                    trit_tensor_info* info);
trit_status trit_session_output_info(const trit_session* session, size_t index,
                                     trit_tensor_info* info);
/* Any tensor of the model by name: inputs, outputs, intermediates and constants (weights, with
 * their per-channel scales). TRIT_ERROR_INVALID_ARGUMENT when no tensor has that name. */
trit_status trit_session_tensor_info_by_name(const trit_session* session, const char* name,
                                             trit_tensor_info* info);

/* Copies `bytes` bytes (which must equal the input's size) into input `index`. Refused for an
 * input bound with trit_session_bind_input (write into the bound buffer instead). */
trit_status trit_session_set_input(trit_session* session, size_t index, const void* data,
                                   size_t bytes);
/* Runs the model; allocates nothing. Fails while the session has no arena. */
trit_status trit_session_run(trit_session* session);
/* Copies output `index` into `data` (`bytes` must equal the output's size). */
trit_status trit_session_get_output(const trit_session* session, size_t index, void* data,
                                    size_t bytes);

/* Bytes of the arena the session needs (known from load on, before any arena exists). It
 * depends on the session's threads: with more than one, the layers' scratch takes a region of
 * its own. */
size_t trit_session_arena_bytes(const trit_session* session);
/* Gives the session a caller-owned arena of `arena_bytes` bytes (at least
 * trit_session_arena_bytes(), aligned to TRIT_ARENA_ALIGNMENT), replacing and freeing one trit
 * allocated; NULL takes the arena away so the caller may reuse it (runs then fail until another
 * is set). Inputs copied in before do not move with the arena: set them after. */
trit_status trit_session_set_arena(trit_session* session, void* arena, size_t arena_bytes);

/* Zero copy: binds the caller's buffer as input (output) `index`, so that runs read (write) it
 * in place. `bytes` must equal the tensor's size (else TRIT_ERROR_SHAPE) and `data` be aligned
 * to the element size (4 for f32/i32, 1 otherwise). The buffer must stay valid while bound;
 * a bound input is only read. NULL unbinds: the tensor is back in the arena (its old contents
 * are not copied back).
 * Aliases: Reshape, Flatten and Dropout outputs share their input's bytes, so an output may be
 * the same storage as an input or as another output. Binding one of them binds that storage
 * for all: e.g. binding only such an output makes trit_session_set_input write its input into
 * the output's buffer. Binding two of them to different buffers is refused
 * (TRIT_ERROR_INVALID_ARGUMENT, naming both), as is binding an output that is a constant of
 * the model. */
trit_status trit_session_bind_input(trit_session* session, size_t index, const void* data,
                                    size_t bytes);
trit_status trit_session_bind_output(trit_session* session, size_t index, void* data, size_t bytes);

#ifdef __cplusplus
}
#endif

#endif /* TRIT_TRIT_H_ */
