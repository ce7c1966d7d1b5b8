#include "output.h"

#include <stdlib.h>
#include <string.h>

#include "format.h"

/* ---------------------------------------------------------------- pieces */

static int compare_labels(const void *a, const void *b)
{
    return strcmp((*(const maas_kv *const *)a)->key, (*(const maas_kv *const *)b)->key);
}

/* Labels in bytewise key order (strcmp compares as unsigned char), as pointers into the version. */
static const maas_kv **sorted_labels(const maas_version *v)
{
    const maas_kv **sorted = calloc(v->n_labels + 1, sizeof *sorted);
    if (sorted == NULL) {
        fputs("error: RESOURCE_EXHAUSTED: out of memory\n", stderr);
        exit(1);
    }
    for (size_t i = 0; i < v->n_labels; i++)
        sorted[i] = &v->labels[i];
    qsort(sorted, v->n_labels, sizeof *sorted, compare_labels);
    return sorted;
}

static void put_json_shape(FILE *out, const int64_t *shape, size_t rank)
{
    fputc('[', out);
    for (size_t i = 0; i < rank; i++)
        fprintf(out, "%s%lld", i > 0 ? "," : "", (long long)shape[i]);
    fputc(']', out);
}

static void put_json_specs(FILE *out, const maas_tensor_spec *specs, size_t n)
{
    fputc('[', out);
    for (size_t i = 0; i < n; i++) {
        char dtype[FORMAT_NUMBER_MAX];
        format_dtype(dtype, specs[i].dtype);
        fputs(i > 0 ? ",{\"name\":" : "{\"name\":", out);
        put_json_string(out, specs[i].name);
        fprintf(out, ",\"dtype\":\"%s\",\"shape\":", dtype);
        put_json_shape(out, specs[i].shape, specs[i].rank);
        fputc('}', out);
    }
    fputc(']', out);
}

static void put_json_version(FILE *out, const maas_version *v)
{
    char format[FORMAT_NUMBER_MAX];
    format_model_format(format, v->format);
    fputs("{\"name\":", out);
    put_json_string(out, v->name);
    fprintf(out, ",\"version\":%lld,\"format\":\"%s\",\"size_bytes\":%llu,\"sha256\":", (long long)v->version, format,
            (unsigned long long)v->size_bytes);
    put_json_string(out, v->sha256);
    fprintf(out, ",\"created_at_unix_ms\":%lld,\"description\":", (long long)v->created_at_unix_ms);
    put_json_string(out, v->description);
    fputs(",\"labels\":{", out);
    const maas_kv **labels = sorted_labels(v);
    for (size_t i = 0; i < v->n_labels; i++) {
        if (i > 0)
            fputc(',', out);
        put_json_string(out, labels[i]->key);
        fputc(':', out);
        put_json_string(out, labels[i]->value);
    }
    free(labels);
    fputs("},\"inputs\":", out);
    put_json_specs(out, v->inputs, v->n_inputs);
    fputs(",\"outputs\":", out);
    put_json_specs(out, v->outputs, v->n_outputs);
    fputc('}', out);
}

/* "x:float32[-1,4] y:int64[]" */
static void append_specs(text *t, const maas_tensor_spec *specs, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        char dtype[FORMAT_NUMBER_MAX];
        format_dtype(dtype, specs[i].dtype);
        if (i > 0)
            text_append(t, " ");
        text_append(t, specs[i].name);
        text_appendf(t, ":%s[", dtype);
        for (size_t d = 0; d < specs[i].rank; d++)
            text_appendf(t, "%s%lld", d > 0 ? "," : "", (long long)specs[i].shape[d]);
        text_append(t, "]");
    }
}

/* ---------------------------------------------------------------- versions */

void print_versions(FILE *out, const char *name, const maas_version_list *list, int json)
{
    if (json) {
        fputs("{\"name\":", out);
        put_json_string(out, name);
        fputs(",\"versions\":[", out);
        for (size_t i = 0; i < list->count; i++) {
            if (i > 0)
                fputc(',', out);
            put_json_version(out, &list->versions[i]);
        }
        fputs("]}\n", out);
        return;
    }
    static const char *const headers[] = {"VERSION", "FORMAT", "SIZE", "SHA256", "CREATED (UTC)",
                                          "INPUTS", "OUTPUTS", "LABELS", "DESCRIPTION"};
    table t;
    table_init(&t, 9);
    table_add_row(&t, headers);
    for (size_t i = 0; i < list->count; i++) {
        const maas_version *v = &list->versions[i];
        char version[FORMAT_NUMBER_MAX], format[FORMAT_NUMBER_MAX], size[FORMAT_NUMBER_MAX];
        char created[FORMAT_NUMBER_MAX], sha[13];
        snprintf(version, sizeof version, "%lld", (long long)v->version);
        format_model_format(format, v->format);
        format_size(size, v->size_bytes);
        format_utc(created, v->created_at_unix_ms);
        snprintf(sha, sizeof sha, "%s", v->sha256);
        text inputs = {0}, outputs = {0}, labels = {0};
        append_specs(&inputs, v->inputs, v->n_inputs);
        append_specs(&outputs, v->outputs, v->n_outputs);
        const maas_kv **sorted = sorted_labels(v);
        for (size_t l = 0; l < v->n_labels; l++)
            text_appendf(&labels, "%s%s=%s", l > 0 ? "," : "", sorted[l]->key, sorted[l]->value);
        free(sorted);
        const char *row[] = {version, format, size, sha, created, inputs.chars, outputs.chars, labels.chars,
                             v->description};
        table_add_row(&t, row);
        text_free(&inputs);
        text_free(&outputs);
        text_free(&labels);
    }
    table_print(&t, out);
    table_free(&t);
}

void print_registered(FILE *out, const maas_version *v, int json)
{
    if (json) {
        put_json_version(out, v);
        fputc('\n', out);
        return;
    }
    char size[FORMAT_NUMBER_MAX];
    format_size(size, v->size_bytes);
    fputs("registered ", out);
    put_human_string(out, v->name);
    fprintf(out, " version %lld (%s, sha256 ", (long long)v->version, size);
    put_human_string(out, v->sha256);
    fputs(")\n", out);
}

/* ---------------------------------------------------------------- predictions */

static void put_value(FILE *out, const maas_tensor *t, size_t i, int json)
{
    if (t->dtype == MAAS_DTYPE_FLOAT32) {
        float v = ((const float *)t->data)[i];
        if (json) {
            put_json_float(out, v);
        } else {
            char number[FORMAT_NUMBER_MAX];
            format_float(number, v);
            fputs(number, out);
        }
    } else {
        fprintf(out, "%lld", (long long)((const int64_t *)t->data)[i]);
    }
}

static int has_values(const maas_tensor *t)
{
    return t->dtype == MAAS_DTYPE_FLOAT32 || t->dtype == MAAS_DTYPE_INT64;
}

static void put_human_tensor(FILE *out, const maas_tensor *t)
{
    char dtype[FORMAT_NUMBER_MAX];
    format_dtype(dtype, t->dtype);
    put_human_string(out, t->name);
    fprintf(out, " %s [", dtype);
    for (size_t d = 0; d < t->rank; d++)
        fprintf(out, "%s%lld", d > 0 ? ", " : "", (long long)t->shape[d]);
    fputs("]\n", out);
    if (!has_values(t)) {
        fprintf(out, "  (%zu bytes)\n", t->n_bytes);
        return;
    }
    if (t->count == 0) {
        fputs("  (empty)\n", out);
        return;
    }
    if (t->rank == 0) {
        fputs("  ", out);
        put_value(out, t, 0, 0);
        fputc('\n', out);
        return;
    }
    size_t row = (size_t)t->shape[t->rank - 1]; /* > 0 because count > 0 */
    for (size_t start = 0; start < t->count; start += row) {
        fputs("  [", out);
        for (size_t i = start; i < start + row; i++) {
            if (i > start)
                fputs(", ", out);
            put_value(out, t, i, 0);
        }
        fputs("]\n", out);
    }
}

void print_prediction(FILE *out, const maas_prediction *p, int json)
{
    if (!json) {
        fputs("model ", out);
        put_human_string(out, p->model);
        fprintf(out, " version %lld\n", (long long)p->version);
        for (size_t i = 0; i < p->n_outputs; i++)
            put_human_tensor(out, &p->outputs[i]);
        return;
    }
    fputs("{\"name\":", out);
    put_json_string(out, p->model);
    fprintf(out, ",\"version\":%lld,\"outputs\":[", (long long)p->version);
    for (size_t i = 0; i < p->n_outputs; i++) {
        const maas_tensor *t = &p->outputs[i];
        char dtype[FORMAT_NUMBER_MAX];
        format_dtype(dtype, t->dtype);
        fputs(i > 0 ? ",{\"name\":" : "{\"name\":", out);
        put_json_string(out, t->name);
        fprintf(out, ",\"dtype\":\"%s\",\"shape\":", dtype);
        put_json_shape(out, t->shape, t->rank);
        fputs(",\"data\":", out);
        if (!has_values(t)) {
            fputs("null", out);
        } else {
            fputc('[', out);
            for (size_t v = 0; v < t->count; v++) {
                if (v > 0)
                    fputc(',', out);
                put_value(out, t, v, 1);
            }
            fputc(']', out);
        }
        fputc('}', out);
    }
    fputs("]}\n", out);
}

void print_error(FILE *out, maas_code code, const char *message)
{
    fprintf(out, "error: %s: ", maas_code_name(code));
    put_human_string(out, message);
    fputc('\n', out);
}
