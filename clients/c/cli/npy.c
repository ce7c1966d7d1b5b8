#include "npy.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---------------------------------------------------------------- header dictionary */

typedef struct cursor {
    const char *p;
    const char *end;
    const char *start;
} cursor;

static void skip_space(cursor *c)
{
    while (c->p < c->end && (*c->p == ' ' || *c->p == '\t' || *c->p == '\n' || *c->p == '\r'))
        c->p++;
}

static int peek(const cursor *c)
{
    return c->p < c->end ? (unsigned char)*c->p : -1;
}

static int expect(cursor *c, char ch, char *why, size_t why_size)
{
    skip_space(c);
    if (peek(c) != (unsigned char)ch) {
        snprintf(why, why_size, "header: expected '%c' at offset %zu", ch, (size_t)(c->p - c->start));
        return -1;
    }
    c->p++;
    return 0;
}

/* A quoted string without escapes (numpy never writes any in the keys and descr we accept). */
static int parse_string(cursor *c, char *out, size_t out_size, char *why, size_t why_size)
{
    skip_space(c);
    int quote = peek(c);
    if (quote != '\'' && quote != '"') {
        snprintf(why, why_size, "header: expected a quoted string at offset %zu", (size_t)(c->p - c->start));
        return -1;
    }
    const char *begin = ++c->p;
    while (c->p < c->end && *c->p != quote && *c->p != '\\')
        c->p++;
    if (c->p >= c->end || *c->p != quote) {
        snprintf(why, why_size, "header: unterminated or escaped string at offset %zu", (size_t)(begin - c->start));
        return -1;
    }
    size_t n = (size_t)(c->p - begin);
    c->p++;
    if (n >= out_size) {
        snprintf(why, why_size, "header: string of %zu bytes at offset %zu is too long", n, (size_t)(begin - c->start));
        return -1;
    }
    memcpy(out, begin, n);
    out[n] = '\0';
    return 0;
}

static int parse_bool(cursor *c, int *out, char *why, size_t why_size)
{
    skip_space(c);
    size_t left = (size_t)(c->end - c->p);
    if (left >= 4 && memcmp(c->p, "True", 4) == 0) {
        c->p += 4;
        *out = 1;
        return 0;
    }
    if (left >= 5 && memcmp(c->p, "False", 5) == 0) {
        c->p += 5;
        *out = 0;
        return 0;
    }
    snprintf(why, why_size, "header: expected True or False at offset %zu", (size_t)(c->p - c->start));
    return -1;
}

static int parse_dimension(cursor *c, int64_t *out, char *why, size_t why_size)
{
    skip_space(c);
    const char *begin = c->p;
    int64_t value = 0;
    while (c->p < c->end && *c->p >= '0' && *c->p <= '9') {
        int digit = *c->p - '0';
        if (value > (INT64_MAX - digit) / 10) {
            snprintf(why, why_size, "header: dimension at offset %zu is too large", (size_t)(begin - c->start));
            return -1;
        }
        value = value * 10 + digit;
        c->p++;
    }
    if (c->p == begin) {
        snprintf(why, why_size, "header: expected a non-negative dimension at offset %zu", (size_t)(begin - c->start));
        return -1;
    }
    if (peek(c) == 'L') /* Python 2 long literal, written by old numpy */
        c->p++;
    *out = value;
    return 0;
}

static int parse_shape(cursor *c, npy_header *h, char *why, size_t why_size)
{
    if (expect(c, '(', why, why_size) != 0)
        return -1;
    h->rank = 0;
    skip_space(c);
    while (peek(c) != ')') {
        if (h->rank == NPY_MAX_RANK) {
            snprintf(why, why_size, "header: shape has more than %d dimensions", NPY_MAX_RANK);
            return -1;
        }
        if (parse_dimension(c, &h->shape[h->rank], why, why_size) != 0)
            return -1;
        h->rank++;
        skip_space(c);
        if (peek(c) == ',') {
            c->p++;
            skip_space(c);
        } else if (peek(c) != ')') {
            snprintf(why, why_size, "header: expected ',' or ')' in shape at offset %zu", (size_t)(c->p - c->start));
            return -1;
        }
    }
    c->p++;
    return 0;
}

int npy_parse_header(const char *dict, size_t length, npy_header *out, char *why, size_t why_size)
{
    memset(out, 0, sizeof *out);
    cursor c = {.p = dict, .end = dict + length, .start = dict};
    int have_descr = 0, have_order = 0, have_shape = 0, fortran = 0;
    char descr[16];
    if (expect(&c, '{', why, why_size) != 0)
        return -1;
    skip_space(&c);
    while (peek(&c) != '}') {
        char key[32];
        if (parse_string(&c, key, sizeof key, why, why_size) != 0 || expect(&c, ':', why, why_size) != 0)
            return -1;
        int *seen;
        int r;
        if (strcmp(key, "descr") == 0) {
            seen = &have_descr;
            r = parse_string(&c, descr, sizeof descr, why, why_size);
        } else if (strcmp(key, "fortran_order") == 0) {
            seen = &have_order;
            r = parse_bool(&c, &fortran, why, why_size);
        } else if (strcmp(key, "shape") == 0) {
            seen = &have_shape;
            r = parse_shape(&c, out, why, why_size);
        } else {
            snprintf(why, why_size, "header: unexpected key '%s'", key);
            return -1;
        }
        if (r != 0)
            return -1;
        if (*seen) {
            snprintf(why, why_size, "header: key '%s' appears twice", key);
            return -1;
        }
        *seen = 1;
        skip_space(&c);
        if (peek(&c) == ',') {
            c.p++;
            skip_space(&c);
        } else if (peek(&c) != '}') {
            snprintf(why, why_size, "header: expected ',' or '}' at offset %zu", (size_t)(c.p - c.start));
            return -1;
        }
    }
    c.p++;
    skip_space(&c);
    if (c.p != c.end) {
        snprintf(why, why_size, "header: unexpected text after the dictionary at offset %zu", (size_t)(c.p - c.start));
        return -1;
    }
    if (!have_descr || !have_order || !have_shape) {
        snprintf(why, why_size, "header: missing key '%s'", !have_descr ? "descr" : !have_order ? "fortran_order" : "shape");
        return -1;
    }
    if (strcmp(descr, "<f4") == 0 || strcmp(descr, "<f8") == 0) {
        out->dtype = NPY_FLOAT32;
    } else if (strcmp(descr, "<i8") == 0 || strcmp(descr, "<i4") == 0) {
        out->dtype = NPY_INT64;
    } else {
        snprintf(why, why_size,
                 "dtype '%s' is not supported: save as '<f4' (float32) or '<i8' (int64), little-endian", descr);
        return -1;
    }
    snprintf(out->descr, sizeof out->descr, "%s", descr);
    out->converted = strcmp(descr, "<f8") == 0 || strcmp(descr, "<i4") == 0;
    if (fortran) {
        snprintf(why, why_size, "Fortran-order arrays are not supported: save with np.ascontiguousarray");
        return -1;
    }
    size_t count = 1;
    for (size_t i = 0; i < out->rank; i++) {
        uint64_t dim = (uint64_t)out->shape[i];
        if (dim != 0 && count > SIZE_MAX / 8 / dim) {
            snprintf(why, why_size, "shape is too large");
            return -1;
        }
        count *= (size_t)dim;
    }
    out->count = count;
    return 0;
}

/* ---------------------------------------------------------------- files */

static int host_is_little_endian(void)
{
    const uint16_t probe = 1;
    return *(const uint8_t *)&probe == 1;
}

static void swap_in_place(uint8_t *data, size_t count, size_t size)
{
    for (size_t i = 0; i < count; i++)
        for (size_t b = 0; b < size / 2; b++) {
            uint8_t t = data[i * size + b];
            data[i * size + b] = data[i * size + size - 1 - b];
            data[i * size + size - 1 - b] = t;
        }
}

/* '<f8' to float32 (out-of-range values become +-inf, as a C or Swift cast does), '<i4' to int64. */
static void *convert(const uint8_t *raw, size_t count, npy_dtype to)
{
    if (to == NPY_FLOAT32) {
        float *out = malloc(count * sizeof *out);
        for (size_t i = 0; out != NULL && i < count; i++) {
            double d;
            memcpy(&d, raw + 8 * i, sizeof d);
            out[i] = (float)d;
        }
        return out;
    }
    int64_t *out = malloc(count * sizeof *out);
    for (size_t i = 0; out != NULL && i < count; i++) {
        int32_t v;
        memcpy(&v, raw + 4 * i, sizeof v);
        out[i] = v;
    }
    return out;
}

static int read_body(FILE *f, const char *path, const uint8_t preamble[8], size_t max_bytes, npy_array *out,
                     char *why, size_t why_size)
{
    static const uint8_t magic[6] = {0x93, 'N', 'U', 'M', 'P', 'Y'};
    if (memcmp(preamble, magic, sizeof magic) != 0) {
        snprintf(why, why_size, "%.200s is not a .npy file (bad magic)", path);
        return -1;
    }
    int major = preamble[6];
    size_t header_length;
    if (major == 1) {
        uint8_t b[2];
        if (fread(b, 1, 2, f) != 2)
            goto truncated;
        header_length = (size_t)b[0] | (size_t)b[1] << 8;
    } else if (major == 2 || major == 3) { /* 3.0 only allows a UTF-8 header: the same parse for us */
        uint8_t b[4];
        if (fread(b, 1, 4, f) != 4)
            goto truncated;
        header_length = (size_t)b[0] | (size_t)b[1] << 8 | (size_t)b[2] << 16 | (size_t)b[3] << 24;
    } else {
        snprintf(why, why_size, "%.200s: .npy format version %d.%d is not supported (1.0, 2.0 and 3.0 are)", path, major,
                 preamble[7]);
        return -1;
    }
    if (header_length > NPY_MAX_HEADER) {
        snprintf(why, why_size, "%.200s: header of %zu bytes is over the limit of %d", path, header_length,
                 NPY_MAX_HEADER);
        return -1;
    }
    char *header = malloc(header_length + 1);
    if (header == NULL) {
        snprintf(why, why_size, "out of memory");
        return -1;
    }
    if (fread(header, 1, header_length, f) != header_length) {
        free(header);
        goto truncated;
    }
    char reason[200];
    int r = npy_parse_header(header, header_length, &out->header, reason, sizeof reason);
    free(header);
    if (r != 0) {
        snprintf(why, why_size, "%.200s: %s", path, reason);
        return -1;
    }
    /* The file's element width: 8 for '<f8' and '<i8', 4 for '<f4' and '<i4'. */
    size_t stored = out->header.descr[2] == '8' ? 8 : 4;
    size_t element = out->header.dtype == NPY_FLOAT32 ? 4 : 8;
    size_t stored_bytes = out->header.count * stored; /* count <= SIZE_MAX / 8: no overflow */
    if (stored_bytes > max_bytes || out->header.count * element > max_bytes) {
        snprintf(why, why_size, "%.200s: %zu bytes of data is over the limit of %zu", path, stored_bytes, max_bytes);
        return -1;
    }
    out->n_bytes = out->header.count * element;
    if (stored_bytes > 0) {
        uint8_t *raw = malloc(stored_bytes);
        if (raw == NULL) {
            snprintf(why, why_size, "out of memory for %zu bytes", stored_bytes);
            return -1;
        }
        size_t got = fread(raw, 1, stored_bytes, f);
        if (got != stored_bytes) {
            free(raw);
            snprintf(why, why_size, "%.200s: holds %zu bytes of data but its shape needs %zu", path, got, stored_bytes);
            return -1;
        }
        if (!host_is_little_endian())
            swap_in_place(raw, out->header.count, stored);
        if (out->header.converted) {
            out->data = convert(raw, out->header.count, out->header.dtype);
            free(raw);
            if (out->data == NULL) {
                snprintf(why, why_size, "out of memory for %zu bytes", out->n_bytes);
                return -1;
            }
        } else {
            out->data = raw;
        }
    }
    if (fgetc(f) != EOF) {
        snprintf(why, why_size, "%.200s: more data than its shape needs (%zu bytes)", path, stored_bytes);
        return -1;
    }
    return 0;

truncated:
    snprintf(why, why_size, "%.200s: truncated header", path);
    return -1;
}

int npy_read_file(const char *path, size_t max_bytes, npy_array *out, char *why, size_t why_size)
{
    memset(out, 0, sizeof *out);
    FILE *f = fopen(path, "rb");
    if (f == NULL) {
        snprintf(why, why_size, "cannot open %.200s: %s", path, strerror(errno));
        return -1;
    }
    uint8_t preamble[8];
    int r;
    if (fread(preamble, 1, sizeof preamble, f) != sizeof preamble) {
        snprintf(why, why_size, "%.200s is not a .npy file (shorter than its magic)", path);
        r = -1;
    } else {
        r = read_body(f, path, preamble, max_bytes, out, why, why_size);
    }
    if (ferror(f) && r == 0) {
        snprintf(why, why_size, "reading %.200s failed", path);
        r = -1;
    }
    fclose(f);
    if (r != 0)
        npy_free(out);
    return r;
}

void npy_free(npy_array *array)
{
    free(array->data);
    array->data = NULL;
    array->n_bytes = 0;
}

/* ---------------------------------------------------------------- writing */

static int write_all(FILE *f, const void *data, size_t n)
{
    return n == 0 || fwrite(data, 1, n, f) == n ? 0 : -1;
}

int npy_write(const char *path, npy_dtype dtype, const int64_t *shape, size_t rank, const void *data, size_t count,
              char *why, size_t why_size)
{
    size_t size = dtype == NPY_INT64 ? 8 : 4;
    if (rank > NPY_MAX_RANK) {
        snprintf(why, why_size, "%s: rank %zu is over the limit of %d", path, rank, NPY_MAX_RANK);
        return -1;
    }
    /* NumPy's spelling: () (3,) (2, 3); then room for the first dimension to grow to 21 digits. */
    char dict[NPY_MAX_RANK * 24 + 160];
    size_t n = (size_t)snprintf(dict, sizeof dict, "{'descr': '%s', 'fortran_order': False, 'shape': (",
                                dtype == NPY_INT64 ? "<i8" : "<f4");
    for (size_t i = 0; i < rank; i++)
        n += (size_t)snprintf(dict + n, sizeof dict - n, "%s%lld%s", i > 0 ? " " : "", (long long)shape[i],
                              rank == 1 || i + 1 < rank ? "," : "");
    n += (size_t)snprintf(dict + n, sizeof dict - n, "), }");
    if (rank > 0) {
        int digits = snprintf(NULL, 0, "%lld", (long long)shape[0]);
        for (int i = digits; i < 21; i++)
            dict[n++] = ' ';
    }
    int version1 = 6 + 4 + n + 1 + 64 <= 0xFFFF;
    size_t length_size = version1 ? 2 : 4;
    size_t unpadded = 6 + 2 + length_size + n + 1;
    size_t padding = (64 - unpadded % 64) % 64;
    size_t header_len = n + padding + 1;
    uint8_t preamble[12] = {0x93, 'N', 'U', 'M', 'P', 'Y', version1 ? 1 : 2, 0};
    for (size_t i = 0; i < length_size; i++)
        preamble[8 + i] = (uint8_t)(header_len >> (8 * i));
    FILE *f = fopen(path, "wb");
    if (f == NULL) {
        snprintf(why, why_size, "cannot create %s: %s", path, strerror(errno));
        return -1;
    }
    int failed = write_all(f, preamble, 8 + length_size) || write_all(f, dict, n);
    for (size_t i = 0; i < padding && !failed; i++)
        failed = fputc(' ', f) == EOF;
    failed = failed || fputc('\n', f) == EOF;
    if (host_is_little_endian()) {
        failed = failed || write_all(f, data, count * size);
    } else {
        for (size_t i = 0; i < count && !failed; i++) {
            uint8_t le[8];
            memcpy(le, (const uint8_t *)data + i * size, size);
            swap_in_place(le, 1, size);
            failed = write_all(f, le, size);
        }
    }
    int errno_saved = errno;
    if (fclose(f) != 0 && !failed) {
        failed = 1;
        errno_saved = errno;
    }
    if (failed) {
        snprintf(why, why_size, "cannot write %s: %s", path, strerror(errno_saved));
        return -1;
    }
    return 0;
}
