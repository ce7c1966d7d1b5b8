#define _POSIX_C_SOURCE 200809L

#include "format.h"

#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static void *must(void *p)
{
    if (p == NULL) {
        fputs("error: RESOURCE_EXHAUSTED: out of memory\n", stderr);
        exit(1);
    }
    return p;
}

/* ---------------------------------------------------------------- numbers */

void format_float(char out[FORMAT_NUMBER_MAX], float value)
{
    if (isnan(value)) {
        strcpy(out, "nan");
        return;
    }
    if (isinf(value)) {
        strcpy(out, value < 0 ? "-inf" : "inf");
        return;
    }
    /* Shortest significant digits that survive a round trip (at most 9 for float32). */
    char sci[FORMAT_NUMBER_MAX];
    int digits = 1;
    for (; digits <= 9; digits++) {
        snprintf(sci, sizeof sci, "%.*e", digits - 1, (double)value);
        float back = strtof(sci, NULL);
        if (memcmp(&back, &value, sizeof value) == 0)
            break;
    }
    if (digits > 9)
        digits = 9; /* unreachable for finite floats; keeps sci as printed with 9 digits */

    /* sci is [-]D[.DDD]e(+|-)XX: split into the digit string and the decimal exponent. */
    const char *p = sci;
    int negative = *p == '-';
    if (negative)
        p++;
    char mantissa[16];
    size_t n = 0;
    for (; *p != 'e' && *p != '\0'; p++)
        if (*p != '.' && n < sizeof mantissa - 1)
            mantissa[n++] = *p;
    mantissa[n] = '\0';
    int exponent = *p == 'e' ? atoi(p + 1) : 0;

    char *o = out;
    if (negative)
        *o++ = '-';
    if (exponent >= -4 && exponent < 16) {
        if (exponent >= 0) {
            for (int i = 0; i <= exponent; i++)
                *o++ = (size_t)i < n ? mantissa[i] : '0';
            if (n > (size_t)exponent + 1) {
                *o++ = '.';
                for (size_t i = (size_t)exponent + 1; i < n; i++)
                    *o++ = mantissa[i];
            }
        } else {
            *o++ = '0';
            *o++ = '.';
            for (int i = 0; i < -exponent - 1; i++)
                *o++ = '0';
            for (size_t i = 0; i < n; i++)
                *o++ = mantissa[i];
        }
        *o = '\0';
    } else {
        *o++ = mantissa[0];
        if (n > 1) {
            *o++ = '.';
            for (size_t i = 1; i < n; i++)
                *o++ = mantissa[i];
        }
        snprintf(o, FORMAT_NUMBER_MAX - (size_t)(o - out), "e%c%02d", exponent < 0 ? '-' : '+', abs(exponent));
    }
}

void format_size(char out[FORMAT_NUMBER_MAX], uint64_t bytes)
{
    static const char *const units[] = {"KiB", "MiB", "GiB", "TiB"};
    if (bytes < 1024) {
        snprintf(out, FORMAT_NUMBER_MAX, "%llu B", (unsigned long long)bytes);
        return;
    }
    int unit = 0;
    uint64_t size = 1024;
    while (unit < 3 && bytes / 1024 >= size) {
        size *= 1024;
        unit++;
    }
    uint64_t whole = bytes / size;
    uint64_t tenths = whole * 10 + ((bytes % size) * 10 + size / 2) / size;
    snprintf(out, FORMAT_NUMBER_MAX, "%llu.%llu %s", (unsigned long long)(tenths / 10),
             (unsigned long long)(tenths % 10), units[unit]);
}

void format_utc(char out[FORMAT_NUMBER_MAX], int64_t unix_ms)
{
    int64_t seconds = unix_ms / 1000;
    if (unix_ms % 1000 < 0)
        seconds -= 1; /* floor, not truncation, before 1970 */
    time_t t = (time_t)seconds;
    struct tm tm;
    if ((int64_t)t != seconds || gmtime_r(&t, &tm) == NULL || tm.tm_year + 1900 < 0 || tm.tm_year + 1900 > 9999) {
        strcpy(out, "-");
        return;
    }
    snprintf(out, FORMAT_NUMBER_MAX, "%04d-%02d-%02d %02d:%02d:%02d", tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday,
             tm.tm_hour, tm.tm_min, tm.tm_sec);
}

void format_dtype(char out[FORMAT_NUMBER_MAX], int dtype)
{
    static const char *const names[] = {"unspecified", "float32", "int64"};
    if (dtype >= 0 && dtype <= 2)
        snprintf(out, FORMAT_NUMBER_MAX, "%s", names[dtype]);
    else
        snprintf(out, FORMAT_NUMBER_MAX, "unknown(%d)", dtype);
}

void format_model_format(char out[FORMAT_NUMBER_MAX], int format)
{
    static const char *const names[] = {"unspecified", "onnx", "maas-plan"};
    if (format >= 0 && format <= 2)
        snprintf(out, FORMAT_NUMBER_MAX, "%s", names[format]);
    else
        snprintf(out, FORMAT_NUMBER_MAX, "unknown(%d)", format);
}

/* ---------------------------------------------------------------- strings */

static int is_control(unsigned char c)
{
    return c < 0x20 || c == 0x7F;
}

void put_json_string(FILE *out, const char *s)
{
    fputc('"', out);
    for (const unsigned char *p = (const unsigned char *)s; *p != '\0'; p++) {
        switch (*p) {
        case '"': fputs("\\\"", out); break;
        case '\\': fputs("\\\\", out); break;
        case '\b': fputs("\\b", out); break;
        case '\f': fputs("\\f", out); break;
        case '\n': fputs("\\n", out); break;
        case '\r': fputs("\\r", out); break;
        case '\t': fputs("\\t", out); break;
        default:
            if (is_control(*p))
                fprintf(out, "\\u%04x", *p);
            else
                fputc(*p, out);
        }
    }
    fputc('"', out);
}

void put_json_float(FILE *out, float value)
{
    if (isnan(value) || isinf(value)) {
        fputs("null", out);
        return;
    }
    char number[FORMAT_NUMBER_MAX];
    format_float(number, value);
    fputs(number, out);
}

void put_human_string(FILE *out, const char *s)
{
    for (const unsigned char *p = (const unsigned char *)s; *p != '\0'; p++)
        fputc(is_control(*p) ? '?' : *p, out);
}

/* ---------------------------------------------------------------- text */

static void text_reserve(text *t, size_t extra)
{
    if (t->length + extra + 1 <= t->capacity)
        return;
    size_t capacity = t->capacity > 0 ? t->capacity : 64;
    while (capacity < t->length + extra + 1)
        capacity *= 2;
    t->chars = must(realloc(t->chars, capacity));
    t->capacity = capacity;
}

void text_append(text *t, const char *s)
{
    size_t n = strlen(s);
    text_reserve(t, n);
    memcpy(t->chars + t->length, s, n + 1);
    t->length += n;
}

void text_appendf(text *t, const char *format, ...)
{
    va_list args;
    va_start(args, format);
    int n = vsnprintf(NULL, 0, format, args);
    va_end(args);
    if (n < 0)
        return;
    text_reserve(t, (size_t)n);
    va_start(args, format);
    vsnprintf(t->chars + t->length, (size_t)n + 1, format, args);
    va_end(args);
    t->length += (size_t)n;
}

void text_append_sanitized(text *t, const char *s)
{
    size_t start = t->length;
    text_append(t, s);
    for (size_t i = start; i < t->length; i++)
        if (is_control((unsigned char)t->chars[i]))
            t->chars[i] = '?';
}

void text_free(text *t)
{
    free(t->chars);
    t->chars = NULL;
    t->length = t->capacity = 0;
}

/* ---------------------------------------------------------------- tables */

static size_t display_width(const char *s)
{
    size_t width = 0;
    for (const unsigned char *p = (const unsigned char *)s; *p != '\0'; p++)
        if ((*p & 0xC0) != 0x80)
            width++;
    return width;
}

void table_init(table *t, size_t columns)
{
    t->columns = columns;
    t->rows = 0;
    t->cells = NULL;
}

void table_add_row(table *t, const char *const *cells)
{
    t->cells = must(realloc(t->cells, (t->rows + 1) * t->columns * sizeof *t->cells));
    for (size_t c = 0; c < t->columns; c++) {
        text cell = {0};
        text_append_sanitized(&cell, cells[c] != NULL && cells[c][0] != '\0' ? cells[c] : "-");
        t->cells[t->rows * t->columns + c] = cell.chars;
    }
    t->rows++;
}

void table_print(const table *t, FILE *out)
{
    size_t *widths = must(calloc(t->columns, sizeof *widths));
    for (size_t r = 0; r < t->rows; r++)
        for (size_t c = 0; c < t->columns; c++) {
            size_t w = display_width(t->cells[r * t->columns + c]);
            if (w > widths[c])
                widths[c] = w;
        }
    for (size_t r = 0; r < t->rows; r++) {
        for (size_t c = 0; c < t->columns; c++) {
            const char *cell = t->cells[r * t->columns + c];
            fputs(cell, out);
            if (c + 1 < t->columns)
                fprintf(out, "%*s", (int)(widths[c] - display_width(cell) + 2), "");
        }
        fputc('\n', out);
    }
    free(widths);
}

void table_free(table *t)
{
    for (size_t i = 0; i < t->rows * t->columns; i++)
        free(t->cells[i]);
    free(t->cells);
    t->cells = NULL;
    t->rows = 0;
}
