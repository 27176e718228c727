/* Runs a .trit model through the C API alone: the smallest embedding of trit.
 * usage: trit_embed model.trit [input.raw]   (raw bytes of the first input, else a ramp) */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "trit/trit.h"

static int fail(const char* what) {
  fprintf(stderr, "trit_embed: %s: %s\n", what, trit_last_error());
  return 1;
}

int main(int argc, char** argv) {
  if (argc < 2) {
    fprintf(stderr, "usage: %s model.trit [input.raw]\n", argv[0]);
    return 2;
  }
  trit_session* session = NULL;
  if (trit_session_create_from_file(argv[1], &session) != TRIT_OK) return fail("load");

  trit_tensor_info in;
  if (trit_session_input_info(session, 0, &in) != TRIT_OK) return fail("input info");
  unsigned char* input = malloc(in.bytes ? in.bytes : 1);
  if (argc > 2) {
    FILE* f = fopen(argv[2], "rb");
    size_t got = f ? fread(input, 1, in.bytes, f) : 0;
    if (f) fclose(f);
    if (got != in.bytes) {
      fprintf(stderr, "trit_embed: %s: need %zu bytes of input\n", argv[2], in.bytes);
      free(input);
      trit_session_destroy(session);
      return 1;
    }
  } else if (in.dtype == TRIT_F32) {
    float* values = (float*)input;
    for (size_t i = 0; i < in.bytes / sizeof(float); ++i) values[i] = (float)(i % 255) / 255.0f;
  } else {
    for (size_t i = 0; i < in.bytes; ++i) input[i] = (unsigned char)(i % 251);
  }
  if (trit_session_set_input(session, 0, input, in.bytes) != TRIT_OK) return fail("set input");
  free(input);
  if (trit_session_run(session) != TRIT_OK) return fail("run");

  trit_tensor_info out;
  if (trit_session_output_info(session, 0, &out) != TRIT_OK) return fail("output info");
  if (out.dtype != TRIT_F32) {
    printf("output '%s': %zu bytes (quantized)\n", out.name, out.bytes);
    trit_session_destroy(session);
    return 0;
  }
  size_t count = out.bytes / sizeof(float);
  float* values = malloc(out.bytes ? out.bytes : 1);
  if (trit_session_get_output(session, 0, values, out.bytes) != TRIT_OK) return fail("output");
  printf("output '%s' [", out.name);
  for (int d = 0; d < out.rank; ++d) printf(d ? ",%lld" : "%lld", (long long)out.dims[d]);
  printf("], arena %zu bytes\ntop-5:", trit_session_arena_bytes(session));
  for (int k = 0; k < 5 && k < (int)count; ++k) {
    size_t best = 0;
    for (size_t i = 1; i < count; ++i) {
      if (values[i] > values[best]) best = i;
    }
    printf(" %zu (%.4f)", best, values[best]);
    values[best] = -1e30f;
  }
  printf("\n");
  free(values);
  trit_session_destroy(session);
  return 0;
}
