/*
 * A minimal NumPy .npy reader (and writer) for maas-c: format versions 1.0, 2.0 and 3.0, C order, dtype '<f4'
 * (float32) or '<i8' (int64) as they are, and the two dtypes users produce by accident, as the Swift CLI
 * does: '<f8' (NumPy's default float) narrowed to float32 and '<i4' widened to int64. Files are input, so
 * they are treated as hostile: the header is at most NPY_MAX_HEADER bytes, parsed strictly, and the data
 * size is checked against the shape and a caller's limit before anything is allocated for it.
 */
#ifndef MAAS_CLI_NPY_H
#define MAAS_CLI_NPY_H

#include <stddef.h>
#include <stdint.h>

#define NPY_MAX_RANK 32
#define NPY_MAX_HEADER 65536

typedef enum npy_dtype {
    NPY_FLOAT32 = 1, /* same numbers as maas_dtype */
    NPY_INT64 = 2,
} npy_dtype;

typedef struct npy_header {
    npy_dtype dtype;      /* what the array holds once read (after any conversion) */
    int converted;        /* 1 when the file stored '<f8' or '<i4' */
    char descr[16];       /* the file's dtype, e.g. "<f8" */
    size_t rank;
    int64_t shape[NPY_MAX_RANK];
    size_t count; /* product of shape; 1 for a scalar */
} npy_header;

typedef struct npy_array {
    npy_header header;
    size_t n_bytes;
    void *data; /* host byte order; NULL when n_bytes is 0 */
} npy_array;

/* Parses the dictionary text of a header ("{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }").
 * 0 on success; -1 with a reason in why[]. */
int npy_parse_header(const char *dict, size_t length, npy_header *out, char *why, size_t why_size);

/* Reads a whole .npy file whose data is at most max_bytes. 0 on success (free with npy_free); -1 with a
 * reason in why[] (which names the file). */
int npy_read_file(const char *path, size_t max_bytes, npy_array *out, char *why, size_t why_size);

void npy_free(npy_array *array);

/* Writes a C-order array of `count` float32 (NPY_FLOAT32) or int64 (NPY_INT64) values in host order as
 * NumPy does (and the Swift CLI): version 1.0 (2.0 when the header needs it), the dictionary padded for the
 * first dimension to grow, the data starting at a multiple of 64 bytes. 0 on success; -1 with a reason in
 * why[] (which names the file). */
int npy_write(const char *path, npy_dtype dtype, const int64_t *shape, size_t rank, const void *data, size_t count,
              char *why, size_t why_size);

#endif /* MAAS_CLI_NPY_H */
