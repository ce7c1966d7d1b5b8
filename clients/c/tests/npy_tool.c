/*
 * npy_tool: the .npy chores of the test scripts, in C so the tests need no Python.
 *
 *   npy_tool bit-patterns FILE        262144 float32 values whose bits are i * 2654435761 mod 2^32: every
 *                                     magnitude, subnormals, infinities and NaN payloads (1 MiB, so made at
 *                                     test time rather than committed)
 *   npy_tool zeros FILE DIM...        a float32 array of zeros with that shape, written without holding it
 *   npy_tool within TOLERANCE FILE    reads numbers from stdin (separated by spaces, commas or newlines) and
 *                                     exits 0 when they match FILE's values, count and each within TOLERANCE
 */
#define _POSIX_C_SOURCE 200809L

#include <errno.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "npy.h"

/* Writes a version 1.0 header for a float32 C-order array; its length pads the data to 64 bytes, as NumPy does. */
static int write_header(FILE *f, const int64_t *shape, size_t rank)
{
    char dict[512];
    int n = snprintf(dict, sizeof dict, "{'descr': '<f4', 'fortran_order': False, 'shape': (");
    for (size_t i = 0; i < rank; i++) /* NumPy's spelling: (3,) and (2, 3) */
        n += snprintf(dict + n, sizeof dict - (size_t)n, "%s%lld%s", i ? " " : "", (long long)shape[i],
                      rank == 1 || i + 1 < rank ? "," : "");
    n += snprintf(dict + n, sizeof dict - (size_t)n, "), }");
    size_t total = 10 + (size_t)n + 1;
    size_t padded = (total + 63) / 64 * 64;
    size_t header_len = padded - 10;
    fwrite("\x93NUMPY\x01\x00", 1, 8, f);
    fputc((int)(header_len & 0xFF), f);
    fputc((int)(header_len >> 8), f);
    fwrite(dict, 1, (size_t)n, f);
    for (size_t i = (size_t)n; i + 1 < header_len; i++)
        fputc(' ', f);
    return fputc('\n', f) == EOF ? -1 : 0;
}

static void put_f32(FILE *f, uint32_t bits)
{
    for (int i = 0; i < 4; i++)
        fputc((int)((bits >> (8 * i)) & 0xFF), f);
}

static int bit_patterns(const char *path)
{
    FILE *f = fopen(path, "wb");
    if (f == NULL) {
        perror(path);
        return 1;
    }
    const int64_t shape[] = {262144};
    write_header(f, shape, 1);
    for (uint32_t i = 0; i < 262144; i++)
        put_f32(f, i * 2654435761u);
    return fclose(f) == 0 ? 0 : 1;
}

static int zeros(const char *path, int argc, char **argv)
{
    int64_t shape[NPY_MAX_RANK] = {0};
    size_t rank = 0;
    uint64_t count = 1;
    for (int i = 0; i < argc; i++) {
        char *end;
        errno = 0;
        long long d = strtoll(argv[i], &end, 10);
        if (rank == NPY_MAX_RANK || *end != '\0' || d < 0 || d > (1LL << 32) || errno != 0) {
            fprintf(stderr, "npy_tool: bad dimension %s\n", argv[i]);
            return 2;
        }
        shape[rank++] = d;
        count *= (uint64_t)d;
    }
    if (count > (1u << 30)) {
        fprintf(stderr, "npy_tool: %llu values is more than a test needs\n", (unsigned long long)count);
        return 2;
    }
    FILE *f = fopen(path, "wb");
    if (f == NULL) {
        perror(path);
        return 1;
    }
    write_header(f, shape, rank);
    for (uint64_t i = 0; i < count; i++)
        put_f32(f, 0);
    return fclose(f) == 0 ? 0 : 1;
}

/* The next word of stdin between separators; 0 at the end. */
static int next_word(char *word, size_t size)
{
    int ch;
    while ((ch = getchar()) != EOF && strchr(" ,\t\r\n", ch) != NULL) {
    }
    size_t n = 0;
    for (; ch != EOF && strchr(" ,\t\r\n", ch) == NULL; ch = getchar())
        if (n + 1 < size)
            word[n++] = (char)ch;
    word[n] = '\0';
    return n > 0;
}

static int within(const char *tolerance_text, const char *path)
{
    double tolerance = strtod(tolerance_text, NULL);
    npy_array want;
    char why[512];
    if (npy_read_file(path, (size_t)1 << 30, &want, why, sizeof why) != 0) {
        fprintf(stderr, "npy_tool: %s\n", why);
        return 2;
    }
    size_t count = 0, far = 0;
    double worst = 0;
    char word[128];
    while (next_word(word, sizeof word)) {
        char *end;
        double got = strtod(word, &end);
        if (*end != '\0' || count == want.header.count) {
            fprintf(stderr, "npy_tool: value %zu (\"%s\") is not a number or one too many\n", count, word);
            npy_free(&want);
            return 1;
        }
        double expected = want.header.dtype == NPY_FLOAT32 ? ((const float *)want.data)[count]
                                                           : (double)((const int64_t *)want.data)[count];
        double difference = fabs(got - expected);
        if (!(difference <= tolerance))
            far++;
        if (difference > worst || isnan(difference))
            worst = difference;
        count++;
    }
    int ok = count == want.header.count && far == 0;
    printf("%zu of %zu values, %zu beyond %g, largest difference %g\n", count, want.header.count, far, tolerance, worst);
    npy_free(&want);
    return ok ? 0 : 1;
}

int main(int argc, char **argv)
{
    if (argc == 3 && strcmp(argv[1], "bit-patterns") == 0)
        return bit_patterns(argv[2]);
    if (argc >= 3 && strcmp(argv[1], "zeros") == 0)
        return zeros(argv[2], argc - 3, argv + 3);
    if (argc == 4 && strcmp(argv[1], "within") == 0)
        return within(argv[2], argv[3]);
    fputs("usage: npy_tool bit-patterns FILE | zeros FILE DIM... | within TOLERANCE FILE < VALUES\n", stderr);
    return 2;
}
