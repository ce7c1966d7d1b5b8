#define _POSIX_C_SOURCE 200809L

#include "audio.h"

#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "npy.h"

int audio_check_file(const char *path, maas_error *err)
{
    err->code = MAAS_ERR_INVALID_ARGUMENT;
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    struct stat st;
    if (fd < 0) {
        snprintf(err->message, sizeof err->message, "cannot read audio file %.200s: %s", path, strerror(errno));
        return -1;
    }
    int bad = fstat(fd, &st) != 0 || S_ISDIR(st.st_mode);
    close(fd);
    if (bad) {
        snprintf(err->message, sizeof err->message, "cannot read audio file %.200s: it is a directory", path);
        return -1;
    }
    if (S_ISREG(st.st_mode) && (uint64_t)st.st_size > MAAS_MAX_AUDIO_FILE_BYTES) {
        snprintf(err->message, sizeof err->message, "audio file %.200s is %llu bytes, over the limit of %u bytes", path,
                 (unsigned long long)st.st_size, (unsigned)MAAS_MAX_AUDIO_FILE_BYTES);
        return -1;
    }
    err->code = MAAS_OK;
    return 0;
}

maas_code audio_save_features(const maas_prediction *p, const char *path, maas_error *err)
{
    const maas_tensor *f = p->features;
    char why[512];
    if (f == NULL) {
        snprintf(err->message, sizeof err->message, "the server sent no features (asked for with --features)");
    } else if (f->dtype != MAAS_DTYPE_FLOAT32) {
        snprintf(err->message, sizeof err->message, "the server sent features of dtype %d, not float32", f->dtype);
    } else if (npy_write(path, NPY_FLOAT32, f->shape, f->rank, f->data, f->count, why, sizeof why) != 0) {
        snprintf(err->message, sizeof err->message, "%s", why);
    } else {
        return MAAS_OK;
    }
    err->from_server = 0;
    return err->code = MAAS_ERR_INTERNAL;
}

int audio_read_pcm(const char *path, float **samples, size_t *count, maas_error *err)
{
    *samples = NULL;
    *count = 0;
    if (audio_check_file(path, err) != 0)
        return -1;
    err->code = MAAS_ERR_INVALID_ARGUMENT;
    FILE *f = fopen(path, "rb");
    if (f == NULL) {
        snprintf(err->message, sizeof err->message, "cannot read audio file %.200s: %s", path, strerror(errno));
        return -1;
    }
    size_t capacity = 1 << 16, n = 0;
    uint8_t *bytes = malloc(capacity);
    while (bytes != NULL) {
        if (n == capacity) {
            uint8_t *bigger = capacity >= MAAS_MAX_AUDIO_FILE_BYTES ? NULL : realloc(bytes, capacity * 2);
            if (bigger == NULL)
                break;
            bytes = bigger;
            capacity *= 2;
        }
        size_t got = fread(bytes + n, 1, capacity - n, f);
        n += got;
        if (got == 0)
            break;
    }
    int failed = bytes == NULL || ferror(f) || n == capacity;
    fclose(f);
    if (failed) {
        snprintf(err->message, sizeof err->message, "cannot read audio file %.200s: %s", path,
                 bytes == NULL || n == capacity ? "over the 64 MiB limit, or out of memory" : "read error");
        free(bytes);
        return -1;
    }
    if (n % 4 != 0) {
        snprintf(err->message, sizeof err->message,
                 "raw samples in %.200s: %zu bytes is not a whole number of float32 values", path, n);
        free(bytes);
        return -1;
    }
    const uint16_t probe = 1;
    if (*(const uint8_t *)&probe != 1) /* big-endian host: the file is little-endian */
        for (size_t i = 0; i < n; i += 4) {
            uint8_t t = bytes[i];
            bytes[i] = bytes[i + 3], bytes[i + 3] = t;
            t = bytes[i + 1];
            bytes[i + 1] = bytes[i + 2], bytes[i + 2] = t;
        }
    *samples = (float *)(void *)bytes; /* malloc's alignment suits float */
    *count = n / 4;
    err->code = MAAS_OK;
    return 0;
}
