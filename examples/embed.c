/* Runs a .trit model through the C API alone, the way a small device would: the arena is a
 * static buffer sized at compile time (TRIT_EMBED_ARENA_BYTES), and the input and output are
 * the program's own buffers, bound to the session so that a run reads and writes them in place.
 * usage: trit_embed model.trit [input.raw]   (raw bytes of the first input, else a ramp) */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "trit/trit.h"

#ifndef TRIT_EMBED_ARENA_BYTES
#define TRIT_EMBED_ARENA_BYTES (448u * 1024u)
#endif

/* The session's working memory: every intermediate tensor and the kernels' scratch. */
static unsigned char arena[TRIT_EMBED_ARENA_BYTES] __attribute__((aligned(TRIT_ARENA_ALIGNMENT)));

static int fail(const char* what) {
  fprintf(stderr, "trit_embed: %s: %s\n", what, trit_last_error());
  return 1;
}

int main(int argc, char** argv) {
  if (argc < 2) {
    fprintf(stderr, "usage: %s model.trit [input.raw]\n", argv[0]);
    return 2;
  }
  /* Load without an arena, learn its size, then give it the static one. */
  trit_session_options options;
  memset(&options, 0, sizeof options);
  options.threads = 1;
  options.defer_arena = 1;
  trit_session* session = NULL;
  if (trit_session_create_from_file_with_options(argv[1], &options, &session) != TRIT_OK) {
    return fail("load");
  }
  const size_t needed = trit_session_arena_bytes(session);
  if (needed > sizeof arena) {
    fprintf(stderr,
            "trit_embed: %s needs %zu bytes of arena, more than the %zu of this build's static "
            "arena (rebuild with -DTRIT_EMBED_ARENA_BYTES=%zu)\n",
            argv[1], needed, sizeof arena, needed);
    trit_session_destroy(session);
    return 1;
  }
  if (trit_session_set_arena(session, arena, sizeof arena) != TRIT_OK) return fail("arena");

  trit_tensor_info in, out;
  if (trit_session_input_info(session, 0, &in) != TRIT_OK) return fail("input info");
  if (trit_session_output_info(session, 0, &out) != TRIT_OK) return fail("output info");
  /* The program's buffers (malloc is 16-byte aligned; element alignment is enough). */
  unsigned char* input = malloc(in.bytes ? in.bytes : 1);
  unsigned char* output = malloc(out.bytes ? out.bytes : 1);
  if (!input || !output) {
    fprintf(stderr, "trit_embed: out of memory\n");
    return 1;
  }
  if (argc > 2) {
    FILE* f = fopen(argv[2], "rb");
    size_t got = f ? fread(input, 1, in.bytes, f) : 0;
    if (f) fclose(f);
    if (got != in.bytes) {
      fprintf(stderr, "trit_embed: %s: need %zu bytes of input\n", argv[2], in.bytes);
      free(input);
      free(output);
      trit_session_destroy(session);
      return 1;
    }
  } else if (in.dtype == TRIT_F32) {
    float* values = (float*)input;
    for (size_t i = 0; i < in.bytes / sizeof(float); ++i) values[i] = (float)(i % 255) / 255.0f;
  } else {
    for (size_t i = 0; i < in.bytes; ++i) input[i] = (unsigned char)(i % 251);
  }
  if (trit_session_bind_input(session, 0, input, in.bytes) != TRIT_OK) return fail("bind input");
  if (trit_session_bind_output(session, 0, output, out.bytes) != TRIT_OK) {
    return fail("bind output");
  }
  if (trit_session_run(session) != TRIT_OK) return fail("run");

  if (out.dtype != TRIT_F32) {
    printf("output '%s': %zu bytes (quantized)\n", out.name, out.bytes);
  } else {
    size_t count = out.bytes / sizeof(float);
    float* values = (float*)output;
    printf("output '%s' [", out.name);
    for (int d = 0; d < out.rank; ++d) printf(d ? ",%lld" : "%lld", (long long)out.dims[d]);
    printf("], arena %zu of %zu static bytes\ntop-5:", needed, sizeof arena);
    for (int k = 0; k < 5 && k < (int)count; ++k) {
      size_t best = 0;
      for (size_t i = 1; i < count; ++i) {
        if (values[i] > values[best]) best = i;
      }
      printf(" %zu (%.4f)", best, values[best]);
      values[best] = -1e30f;
    }
    printf("\n");
  }
  trit_session_destroy(session);
  free(input);
  free(output);
  return 0;
}
