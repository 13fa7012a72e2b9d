/* What Lua's io and os libraries call and WASI has not: there is no shell
 * and no temporary directory, so both fail as C allows them to. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>

FILE *tmpfile(void) {
  errno = ENOTSUP;
  return NULL;
}

int system(const char *command) {
  /* system(NULL) asks whether a shell exists: none does. */
  return command ? -1 : 0;
}
