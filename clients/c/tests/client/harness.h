/* What test_client's case files share: the fake server's port and the directories from the command line
 * (set by test_client.c's main), and helpers for connecting and checking connections (harness.c). */
#ifndef MAAS_TESTS_CLIENT_HARNESS_H
#define MAAS_TESTS_CLIENT_HARNESS_H

#include <stddef.h>
#include <stdint.h>

#include "check.h"
#include "maas_client.h"

extern uint16_t port;        /* the fake server's */
extern const char *fixtures; /* tests/fixtures */
extern const char *scratch;  /* a directory the cases may write in */

#define CHECK_CODE(got, want, err)                                                                        \
    CHECK((got) == (want), "got %s, want %s (message: %s)", maas_code_name(got), maas_code_name(want),    \
          (err).message)

/* Connects or exits with status 2: without a connection no case can say anything useful. */
maas_client *connect_to(uint16_t to_port, int timeout_ms);
maas_client *open_client(int timeout_ms); /* to the fake server */

/* A file of `size` bytes with a recognisable pattern in the scratch directory; its path goes to `path`. */
void make_file(char *path, size_t path_size, const char *name, size_t size);

/* The value of a version's label, or NULL. */
const char *label(const maas_version *v, const char *key);

/* The next call on `c` fails with UNAVAILABLE because the previous failure closed the connection. */
void check_closed(maas_client *c);
/* The next call on `c` succeeds: the previous failure left the connection usable. */
void check_usable(maas_client *c);

#endif /* MAAS_TESTS_CLIENT_HARNESS_H */
