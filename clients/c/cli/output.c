/*
 * What maas-c prints, line for line what the Swift `maas` CLI prints for the same results
 * (Sources/maas/Commands/{Versions,Predict,Register}.swift, Support/TensorSummary.swift,
 * Support/{ModelVersionJSON,PredictionJSON}.swift). One deliberate difference: control characters in
 * server strings are shown as '?' in human output.
 */
#include "output.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "format.h"
#include "serving.h"

/* TensorSummary's limits. */
#define MAX_ROWS 8
#define TOP_CLASSES 5
#define MAX_VALUES 16

/* ---------------------------------------------------------------- pieces */

static int compare_labels(const void *a, const void *b)
{
    return strcmp((*(const maas_kv *const *)a)->key, (*(const maas_kv *const *)b)->key);
}

/* Labels in key order, as pointers into the version (JSONEncoder's .sortedKeys). */
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

/* "[-1, 3]" (Units.shape). */
static void append_shape(text *t, const int64_t *shape, size_t rank)
{
    text_append(t, "[");
    for (size_t i = 0; i < rank; i++)
        text_appendf(t, "%s%lld", i > 0 ? ", " : "", (long long)shape[i]);
    text_append(t, "]");
}

/* "x float32[-1, 3], y int64[]" (TensorSpec.summary joined). */
static void append_specs(text *t, const maas_tensor_spec *specs, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        char dtype[FORMAT_NUMBER_MAX];
        format_dtype(dtype, specs[i].dtype);
        text_appendf(t, "%s%s %s", i > 0 ? ", " : "", specs[i].name, dtype);
        append_shape(t, specs[i].shape, specs[i].rank);
    }
}

static void json_shape(json_writer *w, const int64_t *shape, size_t rank)
{
    json_begin_array(w);
    for (size_t i = 0; i < rank; i++)
        json_int(w, shape[i]);
    json_end_array(w);
}

static void json_specs(json_writer *w, const maas_tensor_spec *specs, size_t n)
{
    json_begin_array(w);
    for (size_t i = 0; i < n; i++) {
        char dtype[FORMAT_NUMBER_MAX];
        format_dtype(dtype, specs[i].dtype);
        json_begin_object(w);
        json_key(w, "dtype");
        json_string(w, dtype);
        json_key(w, "name");
        json_string(w, specs[i].name);
        json_key(w, "shape");
        json_shape(w, specs[i].shape, specs[i].rank);
        json_end_object(w);
    }
    json_end_array(w);
}

/* ModelVersionJSON, keys sorted. */
static void json_version(json_writer *w, const maas_version *v)
{
    char iso[FORMAT_NUMBER_MAX], format[FORMAT_NUMBER_MAX];
    format_iso8601(iso, v->created_at_unix_ms);
    format_model_format(format, v->format);
    json_begin_object(w);
    if (v->audio != NULL) {
        json_key(w, "audio");
        json_audio(w, v->audio);
    }
    if (v->batching != NULL) {
        json_key(w, "batching");
        json_batching(w, v->batching);
    }
    if (v->classes != NULL) {
        json_key(w, "classes");
        json_classes(w, v->classes);
    }
    json_key(w, "created_at");
    json_string(w, iso);
    json_key(w, "created_at_unix_ms");
    json_int(w, v->created_at_unix_ms);
    json_key(w, "description");
    json_string(w, v->description);
    json_key(w, "format");
    json_string(w, format);
    json_key(w, "inputs");
    json_specs(w, v->inputs, v->n_inputs);
    json_key(w, "labels");
    json_begin_object(w);
    const maas_kv **labels = sorted_labels(v);
    for (size_t i = 0; i < v->n_labels; i++) {
        json_key(w, labels[i]->key);
        json_string(w, labels[i]->value);
    }
    free(labels);
    json_end_object(w);
    json_key(w, "name");
    json_string(w, v->name);
    json_key(w, "outputs");
    json_specs(w, v->outputs, v->n_outputs);
    json_key(w, "sha256");
    json_string(w, v->sha256);
    json_key(w, "size_bytes");
    json_uint(w, v->size_bytes);
    json_key(w, "version");
    json_int(w, v->version);
    json_end_object(w);
}

/* ---------------------------------------------------------------- versions and register */

void print_versions(FILE *out, const maas_version_list *list, int json)
{
    if (json) {
        json_writer w;
        json_init(&w, out);
        json_begin_array(&w);
        for (size_t i = 0; i < list->count; i++)
            json_version(&w, &list->versions[i]);
        json_end_array(&w);
        json_finish(&w);
        return;
    }
    static const char *const headers[] = {"VERSION", "FORMAT", "SIZE", "SHA256", "CREATED (UTC)",
                                          "INPUTS", "OUTPUTS", "AUDIO", "CLASSES", "DESCRIPTION"};
    table t;
    table_init(&t, 10);
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
        text inputs = {0}, outputs = {0}, audio = {0}, classes = {0};
        append_specs(&inputs, v->inputs, v->n_inputs);
        append_specs(&outputs, v->outputs, v->n_outputs);
        append_audio_summary(&audio, v->audio);
        append_classes_summary(&classes, v->classes);
        const char *row[] = {version, format,        size,         sha,           created,
                             inputs.chars, outputs.chars, audio.chars, classes.chars, v->description};
        table_add_row(&t, row);
        text_free(&inputs);
        text_free(&outputs);
        text_free(&audio);
        text_free(&classes);
    }
    table_print(&t, out);
    table_free(&t);
}

void print_registered(FILE *out, const maas_version *v, int json)
{
    if (json) {
        json_writer w;
        json_init(&w, out);
        json_version(&w, v);
        json_finish(&w);
        return;
    }
    char format[FORMAT_NUMBER_MAX], size[FORMAT_NUMBER_MAX], sha[13];
    format_model_format(format, v->format);
    format_size(size, v->size_bytes);
    snprintf(sha, sizeof sha, "%s", v->sha256);
    text inputs = {0}, outputs = {0};
    append_specs(&inputs, v->inputs, v->n_inputs);
    append_specs(&outputs, v->outputs, v->n_outputs);
    fputs("registered ", out);
    put_human_string(out, v->name);
    fprintf(out, " version %lld\n  format   %s, %s, sha256 ", (long long)v->version, format, size);
    put_human_string(out, sha);
    fputs("\xE2\x80\xA6\n  inputs   ", out); /* U+2026 */
    put_human_string(out, inputs.chars != NULL ? inputs.chars : "");
    fputs("\n  outputs  ", out);
    put_human_string(out, outputs.chars != NULL ? outputs.chars : "");
    fputc('\n', out);
    if (v->audio != NULL) {
        text audio = {0};
        append_audio_summary(&audio, v->audio);
        fputs("  audio    ", out);
        put_human_string(out, audio.chars);
        fputs(" \xE2\x86\x92 input '", out); /* U+2192 */
        put_human_string(out, v->audio->input);
        fputs("'\n", out);
        text_free(&audio);
    }
    if (v->classes != NULL) {
        text classes = {0};
        char decision[FORMAT_NUMBER_MAX];
        append_classes_summary(&classes, v->classes);
        format_clip_decision(decision, v->classes->clip_decision);
        fputs("  classes  ", out);
        put_human_string(out, classes.chars);
        fputs(" from output '", out);
        put_human_string(out, v->classes->output);
        fprintf(out, "', %s\n", decision);
        text_free(&classes);
    }
    if (v->batching != NULL) {
        text batching = {0};
        append_batching_summary(&batching, v->batching);
        fprintf(out, "  batching %s\n", batching.chars);
        text_free(&batching);
    }
    text_free(&inputs);
    text_free(&outputs);
}

/* ---------------------------------------------------------------- predictions for people */

/* Every row along the last axis lies in [0, 1] and sums to 1 within float rounding (a softmax). */
static int is_probability_rows(const float *values, size_t count, size_t classes)
{
    if (classes < 2 || count == 0 || count % classes != 0)
        return 0;
    for (size_t start = 0; start < count; start += classes) {
        float sum = 0;
        for (size_t i = start; i < start + classes; i++) {
            float v = values[i];
            if (!(v >= 0) || !(v <= 1.0001f))
                return 0;
            sum += v;
        }
        if (!(fabsf(sum - 1) < 1e-3f))
            return 0;
    }
    return 1;
}

/* "  [3, 1]: 2 (0.91)  0 (0.05)  ..." per row (the row's index over the leading axes), or
 * "  top classes: ..." when there is one row; ties keep the lower class first. */
static void put_top_classes(FILE *out, const maas_tensor *t, const float *values, size_t classes)
{
    size_t rows = t->count / classes;
    size_t leading = t->rank - 1;
    for (size_t row = 0; row < rows && row < MAX_ROWS; row++) {
        const float *slice = values + row * classes;
        if (rows == 1) {
            fputs("  top classes: ", out);
        } else {
            int64_t index[MAAS_MAX_RANK] = {0};
            size_t rest = row;
            for (size_t axis = leading; axis-- > 0;) {
                if (t->shape[axis] > 0) {
                    index[axis] = (int64_t)(rest % (size_t)t->shape[axis]);
                    rest /= (size_t)t->shape[axis];
                }
            }
            text label = {0};
            append_shape(&label, index, leading);
            fprintf(out, "  %s: ", label.chars);
            text_free(&label);
        }
        size_t chosen[TOP_CLASSES];
        size_t n_chosen = 0;
        for (; n_chosen < TOP_CLASSES && n_chosen < classes; n_chosen++) {
            size_t best = classes;
            for (size_t c = 0; c < classes; c++) {
                int taken = 0;
                for (size_t k = 0; k < n_chosen; k++)
                    taken |= chosen[k] == c;
                if (!taken && (best == classes || slice[c] > slice[best]))
                    best = c;
            }
            chosen[n_chosen] = best;
            char value[FORMAT_NUMBER_MAX];
            format_value(value, slice[best]);
            fprintf(out, "%s%zu (%s)", n_chosen > 0 ? "  " : "", best, value);
        }
        fputc('\n', out);
    }
    if (rows > MAX_ROWS)
        fprintf(out, "  \xE2\x80\xA6 %zu more rows (--output or --json has them all)\n", rows - MAX_ROWS);
}

static void put_item(FILE *out, const maas_tensor *t, size_t i)
{
    if (t->dtype == MAAS_DTYPE_FLOAT32) {
        char value[FORMAT_NUMBER_MAX];
        format_value(value, ((const float *)t->data)[i]);
        fputs(value, out);
    } else {
        fprintf(out, "%lld", (long long)((const int64_t *)t->data)[i]);
    }
}

/* "[a, b, c]", or the first eight, "… N more …" and the last two. */
static void put_abbreviated(FILE *out, const maas_tensor *t)
{
    fputc('[', out);
    if (t->count <= MAX_VALUES) {
        for (size_t i = 0; i < t->count; i++) {
            fputs(i > 0 ? ", " : "", out);
            put_item(out, t, i);
        }
    } else {
        for (size_t i = 0; i < MAX_VALUES / 2; i++) {
            fputs(i > 0 ? ", " : "", out);
            put_item(out, t, i);
        }
        fprintf(out, ", \xE2\x80\xA6 %zu more \xE2\x80\xA6, ", t->count - MAX_VALUES / 2 - 2);
        put_item(out, t, t->count - 2);
        fputs(", ", out);
        put_item(out, t, t->count - 1);
    }
    fputc(']', out);
}

/* "  min a  max b  mean c" over the finite values, only when the values were abbreviated. */
static void put_statistics(FILE *out, const float *values, size_t count)
{
    if (count <= MAX_VALUES)
        return;
    size_t finite = 0;
    float low = 0, high = 0;
    double sum = 0;
    for (size_t i = 0; i < count; i++) {
        float v = values[i];
        if (!isfinite(v))
            continue;
        if (finite == 0 || v < low)
            low = v;
        if (finite == 0 || v > high)
            high = v;
        sum += (double)v;
        finite++;
    }
    if (finite == 0)
        return;
    char a[FORMAT_NUMBER_MAX], b[FORMAT_NUMBER_MAX], c[FORMAT_NUMBER_MAX];
    format_value(a, low);
    format_value(b, high);
    format_value(c, (float)(sum / (double)finite));
    fprintf(out, "  min %s  max %s  mean %s", a, b, c);
}

/* The first line of put_human_tensor: "name  dtype [shape]". */
static void put_tensor_header(FILE *out, const maas_tensor *t)
{
    char dtype[FORMAT_NUMBER_MAX];
    format_dtype(dtype, t->dtype);
    text shape = {0};
    append_shape(&shape, t->shape, t->rank);
    put_human_string(out, t->name);
    fprintf(out, "  %s %s\n", dtype, shape.chars);
    text_free(&shape);
}

static void put_human_tensor(FILE *out, const maas_tensor *t)
{
    put_tensor_header(out, t);
    if (t->dtype == MAAS_DTYPE_FLOAT32) {
        const float *values = t->data;
        size_t classes = t->rank > 0 ? (size_t)t->shape[t->rank - 1] : 0;
        if (t->rank > 0 && is_probability_rows(values, t->count, classes)) {
            put_top_classes(out, t, values, classes);
            return;
        }
        fputs("  ", out);
        put_abbreviated(out, t);
        put_statistics(out, values, t->count);
        fputc('\n', out);
    } else {
        fputs("  ", out);
        put_abbreviated(out, t);
        fputc('\n', out);
    }
}

/* ---------------------------------------------------------------- audio answers for people */

/* "NAME version V: LABEL (P%)" and one aligned line per top class (Predict.swift). */
static void put_audio_answer(FILE *out, const maas_prediction *p)
{
    char percent[FORMAT_NUMBER_MAX];
    put_human_string(out, p->model);
    fprintf(out, " version %lld: ", (long long)p->version);
    put_human_string(out, p->top_classes[0].label);
    format_percent(percent, p->top_classes[0].probability, 0);
    fprintf(out, " (%s)\n", percent);
    size_t width = 0;
    for (size_t i = 0; i < p->n_top_classes; i++) {
        size_t w = format_display_width(p->top_classes[i].label);
        width = w > width ? w : width;
    }
    for (size_t i = 0; i < p->n_top_classes; i++) {
        fputs("  ", out);
        put_human_string(out, p->top_classes[i].label);
        format_percent(percent, p->top_classes[i].probability, 1);
        fprintf(out, "%*s  %s\n", (int)(width - format_display_width(p->top_classes[i].label)), "", percent);
    }
}

/* ---------------------------------------------------------------- predictions */

/* PredictionJSON.Output: dtype, file (when written), name, shape, values. */
static void json_tensor(json_writer *w, const char *name, const maas_tensor *t, const char *file)
{
    char dtype[FORMAT_NUMBER_MAX];
    format_dtype(dtype, t->dtype);
    json_begin_object(w);
    json_key(w, "dtype");
    json_string(w, dtype);
    if (file != NULL) {
        json_key(w, "file");
        json_string(w, file);
    }
    json_key(w, "name");
    json_string(w, name);
    json_key(w, "shape");
    json_shape(w, t->shape, t->rank);
    json_key(w, "values");
    json_begin_array(w);
    for (size_t v = 0; v < t->count; v++) {
        if (t->dtype == MAAS_DTYPE_FLOAT32)
            json_float(w, ((const float *)t->data)[v]);
        else
            json_int(w, ((const int64_t *)t->data)[v]);
    }
    json_end_array(w);
    json_end_object(w);
}

static void json_top_classes(json_writer *w, const maas_prediction *p)
{
    json_key(w, "top_classes");
    json_begin_array(w);
    for (size_t i = 0; i < p->n_top_classes; i++) {
        json_begin_object(w);
        json_key(w, "index");
        json_int(w, p->top_classes[i].index);
        json_key(w, "label");
        json_string(w, p->top_classes[i].label);
        json_key(w, "probability");
        json_float(w, p->top_classes[i].probability);
        json_end_object(w);
    }
    json_end_array(w);
}

static int readable(const maas_tensor *t)
{
    return t->dtype == MAAS_DTYPE_FLOAT32 || t->dtype == MAAS_DTYPE_INT64;
}

int print_prediction(FILE *out, const maas_prediction *p, int json, const char *const *output_files,
                     const char *features_file, const char **unreadable)
{
    for (size_t i = 0; i < p->n_outputs; i++)
        if (!readable(&p->outputs[i])) {
            *unreadable = p->outputs[i].name;
            return -1;
        }
    if (p->features != NULL && !readable(p->features)) {
        *unreadable = "features";
        return -1;
    }
    if (!json) {
        if (p->n_top_classes > 0) {
            put_audio_answer(out, p);
        } else {
            put_human_string(out, p->model);
            fprintf(out, " version %lld\n", (long long)p->version);
        }
        if (p->transcript[0] != '\0') {
            fputs("transcript: ", out);
            put_human_string(out, p->transcript);
            fputc('\n', out);
        }
        /* With labels shown, each output is one line: --json has the values. */
        for (size_t i = 0; i < p->n_outputs; i++) {
            if (p->n_top_classes > 0)
                put_tensor_header(out, &p->outputs[i]);
            else
                put_human_tensor(out, &p->outputs[i]);
            if (output_files != NULL) {
                fputs("  written to ", out);
                put_human_string(out, output_files[i]);
                fputc('\n', out);
            }
        }
        if (features_file != NULL && p->features != NULL) {
            char dtype[FORMAT_NUMBER_MAX];
            format_dtype(dtype, p->features->dtype);
            text shape = {0};
            append_shape(&shape, p->features->shape, p->features->rank);
            fprintf(out, "features  %s %s  written to ", dtype, shape.chars);
            put_human_string(out, features_file);
            fputc('\n', out);
            text_free(&shape);
        }
        return 0;
    }
    json_writer w;
    json_init(&w, out);
    json_begin_object(&w);
    if (p->features != NULL) {
        json_key(&w, "features");
        json_tensor(&w, "features", p->features, features_file);
    }
    json_key(&w, "name");
    json_string(&w, p->model);
    json_key(&w, "outputs");
    json_begin_array(&w);
    for (size_t i = 0; i < p->n_outputs; i++)
        json_tensor(&w, p->outputs[i].name, &p->outputs[i], output_files != NULL ? output_files[i] : NULL);
    json_end_array(&w);
    if (p->n_top_classes > 0)
        json_top_classes(&w, p);
    if (p->transcript[0] != '\0') {
        json_key(&w, "transcript");
        json_string(&w, p->transcript);
    }
    json_key(&w, "version");
    json_int(&w, p->version);
    json_end_object(&w);
    json_finish(&w);
    return 0;
}

void print_error(FILE *out, maas_code code, const char *message)
{
    fprintf(out, "error: %s: ", maas_code_name(code));
    put_human_string(out, message);
    fputc('\n', out);
}
