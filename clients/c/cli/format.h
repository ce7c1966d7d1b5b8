/*
 * Text primitives for maas-c output: numbers, sizes, dates, a pretty JSON writer and aligned tables.
 *
 * The Swift `maas` CLI is the reference: for the same request both CLIs must print the same thing, so each
 * function here reproduces one of its formatting rules (Sources/maas/Support: Units, Table, JSONOutput;
 * Foundation's JSONEncoder for JSON). Where a rule comes from Swift or Foundation rather than from us, the
 * comment says which.
 */
#ifndef MAAS_CLI_FORMAT_H
#define MAAS_CLI_FORMAT_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

/* Room for any value the format functions below write. */
#define FORMAT_NUMBER_MAX 64

/* A value for people: printf's "%.4g" of the float widened to double (Units.value). */
void format_value(char out[FORMAT_NUMBER_MAX], float value);

/* A float as Foundation's JSONEncoder writes it: Swift's Float.description (shortest digits that read
 * back exactly; exponent form below 1e-4 and above 2^24) without a trailing ".0". Non-finite values are
 * written as the strings "nan", "inf", "-inf" (quotes included), as the Swift CLI asks its encoder to. */
void format_json_float(char out[FORMAT_NUMBER_MAX], float value);

/* The same for a double: Swift's Double.description (up to 17 digits; exponent form past 2^53). */
void format_json_double(char out[FORMAT_NUMBER_MAX], double value);

/* "97.3%": probability * 100 with one decimal, rounded half away from zero (Units.percent); padded: right-
 * aligned in 6 columns (Units.paddedPercent). NaN and infinities print as "nan%", "inf%" (Swift traps). */
void format_percent(char out[FORMAT_NUMBER_MAX], float probability, int padded);

/* "812 B", "1.2 MiB" (Units.bytes: repeated division in double, one decimal rounded half away from 0). */
void format_size(char out[FORMAT_NUMBER_MAX], uint64_t bytes);

/* "2025-06-01 12:00:00" in UTC, floored to the second (Units.utcDateTime). */
void format_utc(char out[FORMAT_NUMBER_MAX], int64_t unix_ms);

/* "2025-06-01T12:00:00.000Z" (Units.iso8601). */
void format_iso8601(char out[FORMAT_NUMBER_MAX], int64_t unix_ms);

/* "float32", "int64", "unspecified", or "unknown(N)". */
void format_dtype(char out[FORMAT_NUMBER_MAX], int dtype);

/* "onnx", "maas-plan", "unspecified", or "unknown(N)". */
void format_model_format(char out[FORMAT_NUMBER_MAX], int format);

/* Columns a string takes in a table: its Unicode scalars (Swift counts grapheme clusters; the two differ
 * only for combining marks and emoji sequences). */
size_t format_display_width(const char *s);

/* Server text for people: control characters become '?' so they cannot move the cursor or forge lines. */
void put_human_string(FILE *out, const char *s);

/* A growable string; every function keeps it NUL-terminated and exits the process on out of memory. */
typedef struct text {
    char *chars;
    size_t length;
    size_t capacity;
} text;

void text_append(text *t, const char *s);
void text_appendf(text *t, const char *format, ...) __attribute__((format(printf, 2, 3)));
void text_free(text *t);

/*
 * Pretty JSON as Foundation's JSONEncoder writes it with .prettyPrinted: two-space indent, "key" : value,
 * one element per line, an empty container as "[", an empty line, then its closing bracket. Keys are
 * written in the order given: callers pass them sorted (the Swift CLI uses .sortedKeys).
 */
#define JSON_MAX_DEPTH 16

typedef struct json_writer {
    FILE *out;
    int depth;
    int after_key;             /* a key was written: its value follows on the same line */
    int count[JSON_MAX_DEPTH]; /* elements written so far in each open container */
} json_writer;

void json_init(json_writer *w, FILE *out);
void json_key(json_writer *w, const char *key); /* inside an object, before its value */
void json_begin_object(json_writer *w);
void json_end_object(json_writer *w);
void json_begin_array(json_writer *w);
void json_end_array(json_writer *w);
void json_string(json_writer *w, const char *s);
void json_int(json_writer *w, long long value);
void json_uint(json_writer *w, unsigned long long value);
void json_float(json_writer *w, float value);
void json_double(json_writer *w, double value);
void json_bool(json_writer *w, int value);
/* Ends the document with a newline. */
void json_finish(json_writer *w);

/* An aligned table (Sources/maas/Support/Table.swift): columns as wide as their widest cell, two spaces
 * between them, the last column unpadded and trailing spaces trimmed. Cells are sanitized copies. */
typedef struct table {
    size_t columns;
    size_t rows;
    char **cells; /* rows x columns; row 0 is the header */
} table;

void table_init(table *t, size_t columns);
void table_add_row(table *t, const char *const *cells);
void table_print(const table *t, FILE *out);
void table_free(table *t);

#endif /* MAAS_CLI_FORMAT_H */
