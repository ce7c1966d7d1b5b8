/*
 * Text primitives shared by every maas-c output: numbers, sizes, dates, escaping, aligned tables.
 * The exact rules are the ones in the shared CLI output format (the Swift `maas` CLI prints the same).
 */
#ifndef MAAS_CLI_FORMAT_H
#define MAAS_CLI_FORMAT_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

/* Room for any value the format functions below write. */
#define FORMAT_NUMBER_MAX 64

/* The shortest decimal that reads back as the same float32; positional for exponents -4..15. */
void format_float(char out[FORMAT_NUMBER_MAX], float value);

/* "812 B", "1.2 MiB": one decimal, rounded half up, in integer arithmetic. */
void format_size(char out[FORMAT_NUMBER_MAX], uint64_t bytes);

/* "YYYY-MM-DD HH:MM:SS" in UTC, floored to the second; "-" when out of range. */
void format_utc(char out[FORMAT_NUMBER_MAX], int64_t unix_ms);

/* "float32", "int64", "unspecified", or "unknown(N)". */
void format_dtype(char out[FORMAT_NUMBER_MAX], int dtype);

/* "onnx", "maas-plan", "unspecified", or "unknown(N)". */
void format_model_format(char out[FORMAT_NUMBER_MAX], int format);

/* A JSON string literal, quotes included. */
void put_json_string(FILE *out, const char *s);

/* A float as a JSON number, or null for nan/inf. */
void put_json_float(FILE *out, float value);

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
/* Appends s with control characters replaced by '?'. */
void text_append_sanitized(text *t, const char *s);
void text_free(text *t);

/* An aligned table: rows of cells (owned copies), printed with two spaces between columns. */
typedef struct table {
    size_t columns;
    size_t rows;
    char **cells; /* rows x columns */
} table;

void table_init(table *t, size_t columns);
/* Adds a row of `columns` cells; an empty cell is shown as "-". */
void table_add_row(table *t, const char *const *cells);
/* Pads each column to its widest cell in Unicode scalars; the last column is not padded. */
void table_print(const table *t, FILE *out);
void table_free(table *t);

#endif /* MAAS_CLI_FORMAT_H */
