#define _POSIX_C_SOURCE 200809L

#include "save.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "npy.h"

#define SAFE_NAME_MAX 200

/* Predict.safeFileName: letters, digits, '_', '-' and '.' kept, any other Unicode scalar becomes '_', a
 * leading '.' becomes '_', at most 200 characters, "output" when empty. */
static void safe_file_name(const char *name, char out[SAFE_NAME_MAX + 1])
{
    size_t n = 0;
    for (const unsigned char *p = (const unsigned char *)name; *p != '\0' && n < SAFE_NAME_MAX;) {
        unsigned char c = *p;
        int keep = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
                   c == '-' || c == '.';
        out[n++] = keep ? (char)c : '_';
        /* One '_' per scalar: skip the continuation bytes of a multi-byte UTF-8 sequence. */
        p++;
        while (c >= 0xC0 && (*p & 0xC0) == 0x80)
            p++;
    }
    out[n] = '\0';
    if (out[0] == '.')
        out[0] = '_';
    if (n == 0)
        strcpy(out, "output");
}

/* mkdir -p; 0, or -1 with errno set. */
static int make_directories(const char *dir)
{
    char *path = strdup(dir);
    if (path == NULL)
        return -1;
    int result = 0;
    for (char *p = path + 1; result == 0; p++) {
        int end = *p == '\0';
        if (*p == '/' || end) {
            char saved = *p;
            *p = '\0';
            struct stat st;
            if (mkdir(path, 0777) != 0 && !(errno == EEXIST && stat(path, &st) == 0 && S_ISDIR(st.st_mode)))
                result = -1;
            *p = saved;
        }
        if (end)
            break;
    }
    int saved_errno = errno;
    free(path);
    errno = saved_errno;
    return result;
}

void free_saved_paths(char **paths, size_t count)
{
    for (size_t i = 0; paths != NULL && i < count; i++)
        free(paths[i]);
    free(paths);
}

static maas_code fail(maas_error *err, const char *message)
{
    err->code = MAAS_ERR_INTERNAL;
    err->from_server = 0;
    snprintf(err->message, sizeof err->message, "%s", message);
    return MAAS_ERR_INTERNAL;
}

maas_code save_outputs(const maas_prediction *p, const char *dir, char ***paths, maas_error *err)
{
    char message[MAAS_ERROR_MESSAGE_MAX];
    *paths = NULL;
    if (make_directories(dir) != 0) {
        snprintf(message, sizeof message, "cannot create output directory '%.200s': %s", dir, strerror(errno));
        return fail(err, message);
    }
    char **files = calloc(p->n_outputs + 1, sizeof *files);
    char (*bases)[SAFE_NAME_MAX + 24] = calloc(p->n_outputs + 1, sizeof *bases);
    if (files == NULL || bases == NULL) {
        free(files);
        free(bases);
        return fail(err, "out of memory");
    }
    const char *slash = dir[0] != '\0' && dir[strlen(dir) - 1] == '/' ? "" : "/";
    maas_code code = MAAS_OK;
    for (size_t i = 0; i < p->n_outputs && code == MAAS_OK; i++) {
        char safe[SAFE_NAME_MAX + 1];
        safe_file_name(p->outputs[i].name, safe);
        snprintf(bases[i], sizeof bases[i], "%s", safe);
        for (int suffix = 2;; suffix++) { /* the same safe name twice: "-2", "-3", ... */
            size_t used = 0;
            while (used < i && strcmp(bases[used], bases[i]) != 0)
                used++;
            if (used == i)
                break;
            snprintf(bases[i], sizeof bases[i], "%s-%d", safe, suffix);
        }
        size_t length = strlen(dir) + strlen(bases[i]) + 6;
        if ((files[i] = malloc(length)) == NULL) {
            code = fail(err, "out of memory");
            break;
        }
        snprintf(files[i], length, "%s%s%s.npy", dir, slash, bases[i]);
        const maas_tensor *t = &p->outputs[i];
        char why[512];
        if (npy_write(files[i], t->dtype == MAAS_DTYPE_INT64 ? NPY_INT64 : NPY_FLOAT32, t->shape, t->rank, t->data,
                      t->count, why, sizeof why) != 0)
            code = fail(err, why);
    }
    free(bases);
    if (code != MAAS_OK) {
        free_saved_paths(files, p->n_outputs);
        return code;
    }
    *paths = files;
    return MAAS_OK;
}
