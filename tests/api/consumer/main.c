#include <stdio.h>

#include "trit/trit.h"

int main(int argc, char** argv) {
  trit_session* session = NULL;
  if (argc < 2 || trit_session_create_from_file(argv[1], &session) != TRIT_OK) {
    fprintf(stderr, "consumer: %s\n", trit_last_error());
    return 1;
  }
  const int ok = trit_session_run(session) == TRIT_OK;
  printf("consumer ran trit %s: %s\n", trit_version(), ok ? "ok" : trit_last_error());
  trit_session_destroy(session);
  return ok ? 0 : 1;
}
