/* The helpers every test_client case uses: connecting to the fake server, scratch files, and checking
 * whether a connection survived the previous call. */
#define _POSIX_C_SOURCE 200809L

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"

maas_client *connect_to(uint16_t to_port, int timeout_ms)
{
    maas_client *c = NULL;
    maas_error err;
    maas_code code = maas_connect("127.0.0.1", to_port, timeout_ms, &c, &err);
    if (code != MAAS_OK) {
        fprintf(stderr, "cannot connect to port %u: %s\n", (unsigned)to_port, err.message);
        exit(2);
    }
    return c;
}

maas_client *open_client(int timeout_ms)
{
    return connect_to(port, timeout_ms);
}

/* A file of `size` bytes with a recognisable pattern, written a block at a time (valgrind makes a call
 * per byte slow); its path goes to `path`. */
void make_file(char *path, size_t path_size, const char *name, size_t size)
{
    snprintf(path, path_size, "%s/%s", scratch, name);
    FILE *f = fopen(path, "wb");
    if (f == NULL) {
        perror(path);
        exit(2);
    }
    static uint8_t block[65536];
    for (size_t done = 0; done < size;) {
        size_t n = size - done < sizeof block ? size - done : sizeof block;
        for (size_t i = 0; i < n; i++)
            block[i] = (uint8_t)(((done + i) * 131 + (done + i) / 7) & 0xFF);
        fwrite(block, 1, n, f);
        done += n;
    }
    if (fclose(f) != 0) {
        perror(path);
        exit(2);
    }
}

const char *label(const maas_version *v, const char *key)
{
    for (size_t i = 0; i < v->n_labels; i++)
        if (strcmp(v->labels[i].key, key) == 0)
            return v->labels[i].value;
    return NULL;
}

/* The next call on a connection that should have been closed by the previous failure. */
void check_closed(maas_client *c)
{
    maas_version_list *list;
    maas_error err;
    maas_code code = maas_list_versions(c, "iris", &list, &err);
    CHECK_CODE(code, MAAS_ERR_UNAVAILABLE, err);
    CHECK(strstr(err.message, "closed") != NULL, "message: %s", err.message);
    CHECK(list == NULL, "list should be NULL");
}

void check_usable(maas_client *c)
{
    maas_version_list *list;
    maas_error err;
    maas_code code = maas_list_versions(c, "iris", &list, &err);
    CHECK_CODE(code, MAAS_OK, err);
    maas_version_list_free(list);
}
