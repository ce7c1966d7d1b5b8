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

void format_value(char out[FORMAT_NUMBER_MAX], float value)
{
    snprintf(out, FORMAT_NUMBER_MAX, "%.4g", (double)value);
}

/* Does mantissa * 10^exponent read back (strtof or strtod, round to nearest) as exactly `value`? */
static int reads_back(uint64_t mantissa, int exponent, double value, int is_double)
{
    char decimal[48];
    snprintf(decimal, sizeof decimal, "%llue%d", (unsigned long long)mantissa, exponent);
    if (is_double)
        return strtod(decimal, NULL) == value;
    float back = strtof(decimal, NULL);
    float want = (float)value;
    return memcmp(&back, &want, sizeof want) == 0;
}

/*
 * The shortest decimal that reads back as `value` (finite, > 0; a float unless is_double), and among those
 * the closest, as Swift's Float.description and Double.description choose: *mantissa has *digits digits
 * and value ~ mantissa * 10^(*exponent).
 */
static void shortest_decimal(double value, int is_double, uint64_t *mantissa, int *digits, int *exponent)
{
    int most = is_double ? 17 : 9;
    for (int p = 1; p <= most; p++) {
        char sci[48];
        snprintf(sci, sizeof sci, "%.*e", p - 1, value);
        uint64_t m = 0;
        const char *c = sci;
        for (; *c != 'e'; c++)
            if (*c != '.')
                m = m * 10 + (uint64_t)(*c - '0');
        int e = atoi(c + 1) - (p - 1); /* value ~ m * 10^e */
        if (reads_back(m, e, value, is_double)) {
            *mantissa = m, *digits = p, *exponent = e;
            return;
        }
        /* Next to a power of two the interval of decimals that read back is lopsided: the correctly rounded
         * p-digit decimal can fall outside it while its neighbour on the wider side is inside. */
        uint64_t low = 1;
        for (int i = 1; i < p; i++)
            low *= 10;
        uint64_t neighbours[2] = {m + 1, m - 1};
        for (int i = 0; i < 2; i++) {
            uint64_t n = neighbours[i];
            int ne = e;
            if (n == low * 10) { /* 99..9 + 1 carries into a new digit */
                n = low;
                ne = e + 1;
            }
            if (n < low) /* 10..0 - 1 has p-1 digits: tried when p-1 digits were */
                continue;
            if (reads_back(n, ne, value, is_double)) {
                *mantissa = n, *digits = p, *exponent = ne;
                return;
            }
        }
    }
    /* Unreachable for a finite value (9 or 17 digits always read back); keep that rounding. */
    char sci[48];
    snprintf(sci, sizeof sci, "%.*e", most - 1, value);
    uint64_t m = 0;
    const char *c = sci;
    for (; *c != 'e'; c++)
        if (*c != '.')
            m = m * 10 + (uint64_t)(*c - '0');
    *mantissa = m, *digits = most, *exponent = atoi(c + 1) - (most - 1);
}

/* Swift's description of a Float or Double, as JSONEncoder writes it. */
static void format_json_number(char out[FORMAT_NUMBER_MAX], double value, int is_double)
{
    if (isnan(value)) {
        strcpy(out, "\"nan\"");
        return;
    }
    if (isinf(value)) {
        strcpy(out, value < 0 ? "\"-inf\"" : "\"inf\"");
        return;
    }
    char *o = out;
    if (signbit(value)) {
        *o++ = '-';
        value = -value;
    }
    if (value == 0) {
        strcpy(o, "0");
        return;
    }
    uint64_t mantissa;
    int digits, exponent;
    shortest_decimal(value, is_double, &mantissa, &digits, &exponent);
    char d[24];
    snprintf(d, sizeof d, "%llu", (unsigned long long)mantissa);
    while (digits > 1 && d[digits - 1] == '0') { /* a carried neighbour can end in 0 */
        d[--digits] = '\0';
        exponent++;
    }
    int point = digits + exponent; /* value = 0.d * 10^point */
    /* Past 2^24 (float) or 2^53 (double) Swift switches to the exponent form. */
    if (point < -3 || value > (is_double ? 9007199254740992.0 : 16777216.0)) {
        /* Swift's exponent form: d[.ddd]e±XX, at least two exponent digits. */
        int e10 = point - 1;
        *o++ = d[0];
        if (digits > 1) {
            *o++ = '.';
            memcpy(o, d + 1, (size_t)digits - 1);
            o += digits - 1;
        }
        snprintf(o, FORMAT_NUMBER_MAX - (size_t)(o - out), "e%c%02d", e10 < 0 ? '-' : '+', e10 < 0 ? -e10 : e10);
        return;
    }
    if (point <= 0) {
        *o++ = '0';
        *o++ = '.';
        for (int i = 0; i < -point; i++)
            *o++ = '0';
        memcpy(o, d, (size_t)digits);
        o += digits;
    } else {
        for (int i = 0; i < point; i++)
            *o++ = i < digits ? d[i] : '0';
        if (digits > point) { /* Swift writes "100.0"; JSONEncoder drops the ".0" */
            *o++ = '.';
            memcpy(o, d + point, (size_t)(digits - point));
            o += digits - point;
        }
    }
    *o = '\0';
}

void format_json_float(char out[FORMAT_NUMBER_MAX], float value)
{
    format_json_number(out, value, 0);
}

void format_json_double(char out[FORMAT_NUMBER_MAX], double value)
{
    format_json_number(out, value, 1);
}

void format_percent(char out[FORMAT_NUMBER_MAX], float probability, int padded)
{
    double tenths = round((double)probability * 100 * 10);
    char percent[40];
    if (isnan(tenths))
        snprintf(percent, sizeof percent, "nan%%");
    else if (isinf(tenths))
        snprintf(percent, sizeof percent, "%sinf%%", tenths < 0 ? "-" : "");
    else if (fabs(tenths) >= 9e18)
        snprintf(percent, sizeof percent, "%.1f%%", tenths / 10);
    else /* sign, whole part, one digit: "-0.5%", never Swift's "0.-5%" */
        snprintf(percent, sizeof percent, "%s%lld.%lld%%", tenths < 0 ? "-" : "", llabs((long long)tenths) / 10,
                 llabs((long long)tenths) % 10);
    size_t n = strlen(percent);
    snprintf(out, FORMAT_NUMBER_MAX, "%*s%s", padded && n < 6 ? (int)(6 - n) : 0, "", percent);
}

void format_size(char out[FORMAT_NUMBER_MAX], uint64_t bytes)
{
    static const char *const units[] = {"B", "KiB", "MiB", "GiB", "TiB"};
    double value = (double)bytes;
    int unit = 0;
    while (value >= 1024 && unit < 4) {
        value /= 1024;
        unit++;
    }
    if (unit == 0) {
        snprintf(out, FORMAT_NUMBER_MAX, "%llu B", (unsigned long long)bytes);
        return;
    }
    long long tenths = (long long)round(value * 10);
    snprintf(out, FORMAT_NUMBER_MAX, "%lld.%lld %s", tenths / 10, tenths % 10, units[unit]);
}

static int utc_parts(int64_t unix_ms, struct tm *tm)
{
    int64_t seconds = unix_ms >= 0 ? unix_ms / 1000 : (unix_ms - 999) / 1000; /* floor */
    time_t t = (time_t)seconds;
    return gmtime_r(&t, tm) != NULL;
}

void format_utc(char out[FORMAT_NUMBER_MAX], int64_t unix_ms)
{
    struct tm tm;
    if (!utc_parts(unix_ms, &tm)) {
        strcpy(out, "-");
        return;
    }
    snprintf(out, FORMAT_NUMBER_MAX, "%04d-%02d-%02d %02d:%02d:%02d", tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday,
             tm.tm_hour, tm.tm_min, tm.tm_sec);
}

void format_iso8601(char out[FORMAT_NUMBER_MAX], int64_t unix_ms)
{
    struct tm tm;
    if (!utc_parts(unix_ms, &tm)) {
        strcpy(out, "-");
        return;
    }
    int millis = (int)((unix_ms % 1000 + 1000) % 1000);
    snprintf(out, FORMAT_NUMBER_MAX, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", tm.tm_year + 1900, tm.tm_mon + 1,
             tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, millis);
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

void put_human_string(FILE *out, const char *s)
{
    for (const unsigned char *p = (const unsigned char *)s; *p != '\0'; p++)
        fputc(is_control(*p) ? '?' : *p, out);
}

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
    char small[256];
    va_list args, again;
    va_start(args, format);
    va_copy(again, args);
    int n = vsnprintf(small, sizeof small, format, args);
    va_end(args);
    if (n >= 0 && (size_t)n < sizeof small) {
        text_append(t, small);
    } else if (n >= 0) {
        text_reserve(t, (size_t)n);
        vsnprintf(t->chars + t->length, (size_t)n + 1, format, again);
        t->length += (size_t)n;
    }
    va_end(again);
}

void text_free(text *t)
{
    free(t->chars);
    t->chars = NULL;
    t->length = t->capacity = 0;
}

/* ---------------------------------------------------------------- JSON */

void json_init(json_writer *w, FILE *out)
{
    w->out = out;
    w->depth = 0;
    w->after_key = 0;
    w->count[0] = 0;
}

static void indent(json_writer *w, int level)
{
    for (int i = 0; i < level; i++)
        fputs("  ", w->out);
}

/* Every value starts with this: after a key nothing; otherwise the separator and the indent of a new
 * line in the open container. */
static void before_value(json_writer *w)
{
    if (w->after_key) {
        w->after_key = 0;
        return;
    }
    if (w->depth == 0)
        return;
    fputs(w->count[w->depth] == 0 ? "\n" : ",\n", w->out);
    indent(w, w->depth);
    w->count[w->depth]++;
}

static void put_escaped(FILE *out, const char *s)
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
            if (*p < 0x20)
                fprintf(out, "\\u%04x", *p);
            else
                fputc(*p, out);
        }
    }
    fputc('"', out);
}

void json_key(json_writer *w, const char *key)
{
    before_value(w);
    put_escaped(w->out, key);
    fputs(" : ", w->out);
    w->after_key = 1;
}

static void begin(json_writer *w, char bracket)
{
    before_value(w);
    fputc(bracket, w->out);
    if (w->depth + 1 < JSON_MAX_DEPTH)
        w->depth++;
    w->count[w->depth] = 0;
}

static void end(json_writer *w, char bracket)
{
    fputs(w->count[w->depth] == 0 ? "\n\n" : "\n", w->out);
    w->depth--;
    indent(w, w->depth);
    fputc(bracket, w->out);
}

void json_begin_object(json_writer *w) { begin(w, '{'); }
void json_end_object(json_writer *w) { end(w, '}'); }
void json_begin_array(json_writer *w) { begin(w, '['); }
void json_end_array(json_writer *w) { end(w, ']'); }

void json_string(json_writer *w, const char *s)
{
    before_value(w);
    put_escaped(w->out, s);
}

void json_int(json_writer *w, long long value)
{
    before_value(w);
    fprintf(w->out, "%lld", value);
}

void json_uint(json_writer *w, unsigned long long value)
{
    before_value(w);
    fprintf(w->out, "%llu", value);
}

void json_double(json_writer *w, double value)
{
    char number[FORMAT_NUMBER_MAX];
    format_json_double(number, value);
    before_value(w);
    fputs(number, w->out);
}

void json_bool(json_writer *w, int value)
{
    before_value(w);
    fputs(value ? "true" : "false", w->out);
}

void json_float(json_writer *w, float value)
{
    char number[FORMAT_NUMBER_MAX];
    format_json_float(number, value);
    before_value(w);
    fputs(number, w->out);
}

void json_finish(json_writer *w)
{
    fputc('\n', w->out);
}

/* ---------------------------------------------------------------- tables */

size_t format_display_width(const char *s)
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
        const char *cell = cells[c] != NULL ? cells[c] : "";
        char *copy = must(strdup(cell));
        for (char *p = copy; *p != '\0'; p++)
            if (is_control((unsigned char)*p))
                *p = '?';
        t->cells[t->rows * t->columns + c] = copy;
    }
    t->rows++;
}

void table_print(const table *t, FILE *out)
{
    size_t *widths = must(calloc(t->columns, sizeof *widths));
    for (size_t r = 0; r < t->rows; r++)
        for (size_t c = 0; c < t->columns; c++) {
            size_t w = format_display_width(t->cells[r * t->columns + c]);
            if (w > widths[c])
                widths[c] = w;
        }
    text line = {0};
    for (size_t r = 0; r < t->rows; r++) {
        line.length = 0;
        text_append(&line, "");
        for (size_t c = 0; c < t->columns; c++) {
            const char *cell = t->cells[r * t->columns + c];
            text_append(&line, cell);
            if (c + 1 < t->columns)
                text_appendf(&line, "%*s", (int)(widths[c] - format_display_width(cell) + 2), "");
        }
        while (line.length > 0 && line.chars[line.length - 1] == ' ')
            line.chars[--line.length] = '\0';
        fputs(line.chars, out);
        fputc('\n', out);
    }
    text_free(&line);
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
