/*
 * The .npy reader: files written by NumPy itself (tests/fixtures, made by make_npy_fixtures.py) read
 * back exactly; a table of hostile headers and files (written here into SCRATCH_DIR) is refused with a
 * reason, never a crash.
 *
 * Usage: test_npy FIXTURE_DIR SCRATCH_DIR
 */
#define _POSIX_C_SOURCE 200809L

#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "npy.h"

static const char *fixtures;
static const char *scratch;

static void fixture(char *path, size_t size, const char *name)
{
    snprintf(path, size, "%s/%s", fixtures, name);
}

static void scratch_file(char *path, size_t size, const char *name)
{
    snprintf(path, size, "%s/%s", scratch, name);
}

/* Writes magic + version + little-endian header length + header + data bytes. */
static void write_npy(const char *name, int major, const char *header, const void *data, size_t n_data)
{
    char path[512];
    scratch_file(path, sizeof path, name);
    FILE *f = fopen(path, "wb");
    size_t len = strlen(header);
    fwrite("\x93NUMPY", 1, 6, f);
    fputc(major, f);
    fputc(0, f);
    if (major == 1) {
        fputc((int)(len & 0xFF), f);
        fputc((int)(len >> 8), f);
    } else {
        for (int i = 0; i < 4; i++)
            fputc((int)((len >> (8 * i)) & 0xFF), f);
    }
    fwrite(header, 1, len, f);
    if (n_data > 0)
        fwrite(data, 1, n_data, f);
    fclose(f);
}

static void numpy_float32_matrices_read_back_exactly(void)
{
    char path[512], why[512];
    npy_array a;
    fixture(path, sizeof path, "f32_2x3.npy");
    CHECK(npy_read_file(path, 1 << 20, &a, why, sizeof why) == 0, "%s", why);
    CHECK(a.header.dtype == NPY_FLOAT32 && a.header.rank == 2 && a.header.shape[0] == 2 && a.header.shape[1] == 3,
          "header");
    CHECK(a.header.count == 6 && a.n_bytes == 24, "count %zu bytes %zu", a.header.count, a.n_bytes);
    for (int i = 0; a.data != NULL && i < 6; i++)
        CHECK(((float *)a.data)[i] == (float)i * 0.5f - 1.0f, "value %d = %g", i, (double)((float *)a.data)[i]);
    npy_free(&a);
}

static void format_versions_2_and_3_scalars_int64_and_empty_arrays_read(void)
{
    char path[512], why[512];
    npy_array a;
    fixture(path, sizeof path, "f32_v2.npy");
    CHECK(npy_read_file(path, 1 << 20, &a, why, sizeof why) == 0, "%s", why);
    CHECK(a.header.rank == 1 && a.header.shape[0] == 4 && ((float *)a.data)[3] == 3.0f, "v2");
    npy_free(&a);
    fixture(path, sizeof path, "f32_scalar.npy");
    CHECK(npy_read_file(path, 1 << 20, &a, why, sizeof why) == 0, "%s", why);
    CHECK(a.header.rank == 0 && a.header.count == 1 && *(float *)a.data == 2.5f, "scalar");
    npy_free(&a);
    fixture(path, sizeof path, "i64_4.npy");
    CHECK(npy_read_file(path, 1 << 20, &a, why, sizeof why) == 0, "%s", why);
    CHECK(a.header.dtype == NPY_INT64 && ((int64_t *)a.data)[3] == -3000000000LL, "int64");
    npy_free(&a);
    fixture(path, sizeof path, "f32_v3.npy");
    CHECK(npy_read_file(path, 1 << 20, &a, why, sizeof why) == 0, "%s", why);
    CHECK(a.header.rank == 1 && a.header.shape[0] == 3 && ((float *)a.data)[2] == 2.0f, "v3");
    npy_free(&a);
    fixture(path, sizeof path, "f32_0x3.npy");
    CHECK(npy_read_file(path, 1 << 20, &a, why, sizeof why) == 0, "%s", why);
    CHECK(a.header.count == 0 && a.n_bytes == 0 && a.data == NULL, "empty");
    npy_free(&a);
}

static void float64_and_int32_files_are_converted_as_the_swift_cli_does(void)
{
    char path[512], why[512];
    npy_array a;
    fixture(path, sizeof path, "f64_3.npy");
    CHECK(npy_read_file(path, 1 << 20, &a, why, sizeof why) == 0, "%s", why);
    CHECK(a.header.dtype == NPY_FLOAT32 && a.header.converted && strcmp(a.header.descr, "<f8") == 0, "f8 header");
    CHECK(a.n_bytes == 12 && ((float *)a.data)[0] == 0.1f && ((float *)a.data)[1] == -2.5f, "narrowed values");
    CHECK(isinf(((float *)a.data)[2]), "1e300 becomes +inf, got %g", (double)((float *)a.data)[2]);
    npy_free(&a);
    fixture(path, sizeof path, "i32_3.npy");
    CHECK(npy_read_file(path, 1 << 20, &a, why, sizeof why) == 0, "%s", why);
    CHECK(a.header.dtype == NPY_INT64 && a.header.converted && a.n_bytes == 24, "i4 header");
    CHECK(((int64_t *)a.data)[1] == -8 && ((int64_t *)a.data)[2] == 2147483647, "widened values");
    npy_free(&a);
    fixture(path, sizeof path, "f32_2x3.npy");
    CHECK(npy_read_file(path, 1 << 20, &a, why, sizeof why) == 0 && !a.header.converted, "f4 is not converted");
    npy_free(&a);
}

typedef struct bad_header {
    const char *dict;
    const char *reason;
} bad_header;

static void malformed_header_dictionaries_are_refused_with_a_reason(void)
{
    static const bad_header cases[] = {
        {"", "expected '{'"},
        {"{'descr': '<f4', 'fortran_order': False}", "missing key 'shape'"},
        {"{'descr': '>f4', 'fortran_order': False, 'shape': (2,), }", "dtype '>f4' is not supported"},
        {"{'descr': '<f2', 'fortran_order': False, 'shape': (2,), }", "dtype '<f2' is not supported"},
        {"{'descr': '<u4', 'fortran_order': False, 'shape': (2,), }", "dtype '<u4' is not supported"},
        {"{'descr': '<f4', 'fortran_order': True, 'shape': (2,), }", "Fortran-order"},
        {"{'descr': '<f4', 'fortran_order': False, 'shape': (-2,), }", "non-negative dimension"},
        {"{'descr': '<f4', 'fortran_order': False, 'shape': (99999999999999999999,), }", "too large"},
        {"{'descr': '<f4', 'fortran_order': False, 'shape': (4294967296, 4294967296), }", "shape is too large"},
        {"{'descr': '<f4', 'fortran_order': False, 'shape': (2,), 'extra': 1}", "unexpected key 'extra'"},
        {"{'descr': '<f4', 'descr': '<f4', 'fortran_order': False, 'shape': (2,)}", "appears twice"},
        {"{'descr': '<f4', 'fortran_order': Maybe, 'shape': (2,)}", "True or False"},
        {"{'descr': '<f4, 'fortran_order': False, 'shape': (2,)}", "expected ',' or '}'"},
        {"{'descr' '<f4', 'fortran_order': False, 'shape': (2,)}", "expected ':'"},
        {"{'descr': '<f\\4', 'fortran_order': False, 'shape': (2,)}", "escaped string"},
        {"{'descr': '<f4', 'fortran_order': False, 'shape': (2,)} trailing", "after the dictionary"},
        {"{'descr': '<f4', 'fortran_order': False, 'shape': (2 3)}", "expected ',' or ')'"},
        {"{'descr': '<f4', 'fortran_order': False, 'shape': (2,)", "expected ',' or '}'"},
        {"{'descr': '<f4', 'fortran_order': False, 'shape': (1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,"
         "1,1,1,1)}",
         "more than 32 dimensions"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        npy_header h;
        char why[256] = "";
        int r = npy_parse_header(cases[i].dict, strlen(cases[i].dict), &h, why, sizeof why);
        CHECK(r == -1, "accepted: %s", cases[i].dict);
        CHECK(strstr(why, cases[i].reason) != NULL, "reason \"%s\" lacks \"%s\"", why, cases[i].reason);
    }
    /* Header text is not NUL-terminated in a file: the parser must stop at `length`. */
    const char good[] = "{'descr': '<f4', 'fortran_order': False, 'shape': (3,), }XXXX";
    npy_header h;
    char why[256];
    CHECK(npy_parse_header(good, strlen(good) - 4, &h, why, sizeof why) == 0, "%s", why);
    CHECK(npy_parse_header(good, 20, &h, why, sizeof why) == -1, "a cut header is refused");
}

typedef struct bad_file {
    const char *name;
    const char *reason;
} bad_file;

static void hostile_files_are_refused_before_allocating_their_claims(void)
{
    const float six[6] = {0};
    write_npy("short-data.npy", 1, "{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }\n", six, 20);
    write_npy("long-data.npy", 1, "{'descr': '<f4', 'fortran_order': False, 'shape': (2, 2), }\n", six, 24);
    write_npy("huge-claim.npy", 1, "{'descr': '<f4', 'fortran_order': False, 'shape': (100000, 100000), }\n", six, 24);
    write_npy("v4.npy", 4, "{'descr': '<f4', 'fortran_order': False, 'shape': (1,), }\n", six, 4);
    write_npy("empty-header.npy", 1, "", NULL, 0);
    char path[512];
    scratch_file(path, sizeof path, "huge-header.npy");
    FILE *f = fopen(path, "wb");
    fwrite("\x93NUMPY\x02\x00\xff\xff\xff\x7f", 1, 12, f);
    fclose(f);
    scratch_file(path, sizeof path, "bad-magic.npy");
    f = fopen(path, "wb");
    fwrite("\x93NUMPZ\x01\x00\x10\x00", 1, 10, f);
    fclose(f);
    scratch_file(path, sizeof path, "tiny.npy");
    f = fopen(path, "wb");
    fwrite("\x93NU", 1, 3, f);
    fclose(f);
    scratch_file(path, sizeof path, "cut-header.npy");
    f = fopen(path, "wb");
    fwrite("\x93NUMPY\x01\x00\x40\x00{'descr'", 1, 18, f);
    fclose(f);

    static const bad_file cases[] = {
        {"short-data.npy", "holds 20 bytes of data but its shape needs 24"},
        {"long-data.npy", "more data than its shape needs"},
        {"huge-claim.npy", "over the limit"},
        {"v4.npy", "format version 4.0 is not supported"},
        {"empty-header.npy", "expected '{'"},
        {"huge-header.npy", "header of 2147483647 bytes is over the limit"},
        {"bad-magic.npy", "bad magic"},
        {"tiny.npy", "shorter than its magic"},
        {"cut-header.npy", "truncated header"},
        {"does-not-exist.npy", "cannot open"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        npy_array a;
        char why[512] = "";
        scratch_file(path, sizeof path, cases[i].name);
        int r = npy_read_file(path, 1 << 20, &a, why, sizeof why);
        CHECK(r == -1, "%s was accepted", cases[i].name);
        CHECK(strstr(why, cases[i].reason) != NULL, "%s: reason \"%s\" lacks \"%s\"", cases[i].name, why,
              cases[i].reason);
        CHECK(a.data == NULL, "%s: no data left behind", cases[i].name);
    }
}

int main(int argc, char **argv)
{
    if (argc != 3) {
        fprintf(stderr, "usage: test_npy FIXTURE_DIR SCRATCH_DIR\n");
        return 2;
    }
    fixtures = argv[1];
    scratch = argv[2];
    TEST(numpy_float32_matrices_read_back_exactly);
    TEST(format_versions_2_and_3_scalars_int64_and_empty_arrays_read);
    TEST(float64_and_int32_files_are_converted_as_the_swift_cli_does);
    TEST(malformed_header_dictionaries_are_refused_with_a_reason);
    TEST(hostile_files_are_refused_before_allocating_their_claims);
    return finish_tests("test_npy");
}
