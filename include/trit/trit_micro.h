/* trit on microcontrollers: the freestanding runtime's C API (docs/microcontrollers.md).
 *
 * Built for Cortex-M with arm-none-eabi-gcc: no heap, no exceptions, no RTTI, no threads, no
 * file system. The model is a .trit file in a const array (flash), verified in place (header,
 * CRC-32, FlatBuffers verifier, each layer's shapes and parameters) and never copied: weights
 * are read by the kernels in their packed form. Everything else lives in one arena the caller
 * owns: the runtime's records and prepared per-channel parameters at its bottom, then every
 * activation and each kernel's scratch, placed by liveness. `trit deploy` computes the exact
 * arena size with this same code and writes it into model_data.h as TRIT_MODEL_ARENA_BYTES.
 *
 * Errors are status codes (the numbers of trit.h's trit_status); trit_micro_last_error() holds
 * a one-line message naming the problem. One model per arena; one call at a time. */
#ifndef TRIT_TRIT_MICRO_H_
#define TRIT_TRIT_MICRO_H_

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef enum trit_micro_status {
  TRIT_MICRO_OK = 0,
  TRIT_MICRO_ERROR_FORMAT = 2,           /* corrupted or hostile model bytes */
  TRIT_MICRO_ERROR_INVALID_ARGUMENT = 3, /* null pointer, bad index, arena too small */
  TRIT_MICRO_ERROR_SHAPE = 4,            /* a layer whose shapes do not agree */
  TRIT_MICRO_ERROR_UNSUPPORTED = 5       /* an op or type this runtime does not run */
} trit_micro_status;

/* Alignment, in bytes, of the model array and of the arena. */
#define TRIT_MICRO_ALIGNMENT 16

typedef struct trit_micro trit_micro; /* lives at the start of the caller's arena */

typedef struct trit_micro_tensor {
  void* data;    /* in the arena; written by the caller (inputs) or by invoke (outputs) */
  size_t bytes;  /* of data */
  uint8_t dtype; /* trit.h's trit_dtype numbers: 0 f32, 2 i8, 3 u8 */
  uint8_t rank;
  int32_t shape[8];
  float scale; /* quantized tensors: real = scale * (q - zero_point) */
  int32_t zero_point;
} trit_micro_tensor;

/* Verifies the model, prepares every layer and plans the arena. On success *out points into
 * the arena. The model bytes must stay valid and unchanged while the model is used. */
trit_micro_status trit_micro_load(const void* model, size_t model_bytes, void* arena,
                                  size_t arena_bytes, trit_micro** out);

/* Bytes of the arena the loaded model uses (at most the arena given). */
size_t trit_micro_arena_used(const trit_micro* m);

int trit_micro_input_count(const trit_micro* m);
int trit_micro_output_count(const trit_micro* m);
trit_micro_status trit_micro_input(const trit_micro* m, int index, trit_micro_tensor* tensor);
trit_micro_status trit_micro_output(const trit_micro* m, int index, trit_micro_tensor* tensor);

/* Runs the model once: reads the inputs' bytes, writes the outputs'. Allocates nothing. */
trit_micro_status trit_micro_invoke(trit_micro* m);

/* The last failure's one-line message ("" after success). */
const char* trit_micro_last_error(void);

#ifdef __cplusplus
}
#endif

#endif /* TRIT_TRIT_MICRO_H_ */
