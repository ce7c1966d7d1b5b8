/*
 * Result structs of maas_client.h: deep copies of decoded messages, their checks, and their free
 * functions. Every result owns all its memory; the free functions accept half-built results (NULL and
 * zeroed fields), which is how construction failures clean up.
 */
#include "maas_results.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int host_is_little_endian(void)
{
    const uint16_t probe = 1;
    return *(const uint8_t *)&probe == 1;
}

void maas_results_copy_le(void *dst, const void *src, size_t n, size_t size)
{
    if (n == 0)
        return;
    if (host_is_little_endian()) {
        memcpy(dst, src, n * size);
        return;
    }
    const uint8_t *from = src;
    uint8_t *to = dst;
    for (size_t i = 0; i < n; i++)
        for (size_t b = 0; b < size; b++)
            to[i * size + b] = from[i * size + (size - 1 - b)];
}

size_t maas_results_element_count(const int64_t *shape, size_t rank, int *ok)
{
    size_t count = 1;
    *ok = 1;
    for (size_t i = 0; i < rank; i++) {
        if (shape[i] < 0 || (uint64_t)shape[i] > SIZE_MAX) {
            *ok = 0;
            return 0;
        }
        size_t dim = (size_t)shape[i];
        if (dim != 0 && count > SIZE_MAX / dim) {
            *ok = 0;
            return 0;
        }
        count *= dim;
    }
    return count;
}

char *maas_results_copy_string(const char *s)
{
    if (s == NULL)
        s = "";
    size_t n = strlen(s);
    char *copy = malloc(n + 1);
    if (copy != NULL)
        memcpy(copy, s, n + 1);
    return copy;
}

static int64_t *copy_shape(const int64_t *shape, size_t rank)
{
    if (rank == 0)
        return NULL;
    int64_t *copy = malloc(rank * sizeof *copy);
    if (copy != NULL)
        memcpy(copy, shape, rank * sizeof *copy);
    return copy;
}

/* Well-formed UTF-8 (no overlong forms, surrogates or code points past U+10FFFF): protobuf-c does not check
 * proto3 strings, and a label or transcript is printed and put in JSON. */
int maas_results_utf8_ok(const char *s)
{
    const unsigned char *p = (const unsigned char *)s;
    while (*p != 0) {
        unsigned c = *p;
        size_t n;
        unsigned min;
        if (c < 0x80) {
            p++;
            continue;
        } else if ((c & 0xE0) == 0xC0) {
            n = 1, min = 0x80, c &= 0x1F;
        } else if ((c & 0xF0) == 0xE0) {
            n = 2, min = 0x800, c &= 0x0F;
        } else if ((c & 0xF8) == 0xF0) {
            n = 3, min = 0x10000, c &= 0x07;
        } else {
            return 0;
        }
        for (size_t i = 1; i <= n; i++) {
            if ((p[i] & 0xC0) != 0x80)
                return 0; /* also stops at the NUL */
            c = (c << 6) | (p[i] & 0x3F);
        }
        if (c < min || c > 0x10FFFF || (c >= 0xD800 && c <= 0xDFFF))
            return 0;
        p += n + 1;
    }
    return 1;
}

/* ---------------------------------------------------------------- versions */

static void free_specs(maas_tensor_spec *specs, size_t n)
{
    if (specs == NULL)
        return;
    for (size_t i = 0; i < n; i++) {
        free((void *)specs[i].name);
        free((void *)specs[i].shape);
    }
    free(specs);
}

static void free_version_fields(maas_version *v)
{
    free((void *)v->name);
    free((void *)v->sha256);
    free((void *)v->description);
    if (v->labels != NULL) {
        for (size_t i = 0; i < v->n_labels; i++) {
            free((void *)v->labels[i].key);
            free((void *)v->labels[i].value);
        }
        free((void *)v->labels);
    }
    free_specs((maas_tensor_spec *)v->inputs, v->n_inputs);
    free_specs((maas_tensor_spec *)v->outputs, v->n_outputs);
    maas_results_audio_free(v->audio);
    maas_results_classes_free(v->classes);
    free((void *)v->batching);
}

static int copy_specs(Maas__V1__TensorSpec *const *in, size_t n, const maas_tensor_spec **out)
{
    *out = NULL;
    if (n == 0)
        return 0;
    maas_tensor_spec *specs = calloc(n, sizeof *specs);
    if (specs == NULL)
        return -1;
    *out = specs;
    for (size_t i = 0; i < n; i++) {
        const Maas__V1__TensorSpec *spec = in[i];
        if (spec == NULL)
            continue;
        specs[i].name = maas_results_copy_string(spec->name);
        specs[i].dtype = (int)spec->dtype;
        specs[i].rank = spec->n_shape;
        specs[i].shape = copy_shape(spec->shape, spec->n_shape);
        if (specs[i].name == NULL || (spec->n_shape > 0 && specs[i].shape == NULL))
            return -1;
    }
    return 0;
}

/* The first string of a copied version that is not UTF-8, named for the error; NULL when all are. */
static const char *bad_utf8_in_version(const maas_version *v)
{
    if (!maas_results_utf8_ok(v->name) || !maas_results_utf8_ok(v->sha256))
        return "its name or sha256";
    if (!maas_results_utf8_ok(v->description))
        return "its description";
    for (size_t i = 0; i < v->n_labels; i++)
        if (!maas_results_utf8_ok(v->labels[i].key) || !maas_results_utf8_ok(v->labels[i].value))
            return "a label";
    for (size_t i = 0; i < v->n_inputs; i++)
        if (!maas_results_utf8_ok(v->inputs[i].name))
            return "an input name";
    for (size_t i = 0; i < v->n_outputs; i++)
        if (!maas_results_utf8_ok(v->outputs[i].name))
            return "an output name";
    if (v->audio != NULL && !maas_results_utf8_ok(v->audio->input))
        return "the audio front-end's input";
    if (v->classes != NULL) {
        if (!maas_results_utf8_ok(v->classes->output))
            return "the classes' output";
        for (size_t i = 0; i < v->classes->n_names; i++)
            if (!maas_results_utf8_ok(v->classes->names[i]))
                return "a class name";
    }
    return NULL;
}

/* Fills *out (zeroed by the caller); -1 when out of memory, leaving what was built for the free. */
static int copy_version(const Maas__V1__ModelVersion *in, maas_version *out)
{
    out->name = maas_results_copy_string(in->name);
    out->version = in->version;
    out->format = (int)in->format;
    out->size_bytes = in->size_bytes;
    out->sha256 = maas_results_copy_string(in->sha256);
    out->created_at_unix_ms = in->created_at_unix_ms;
    out->description = maas_results_copy_string(in->description);
    if (out->name == NULL || out->sha256 == NULL || out->description == NULL)
        return -1;
    if (in->n_labels > 0) {
        maas_kv *labels = calloc(in->n_labels, sizeof *labels);
        if (labels == NULL)
            return -1;
        out->labels = labels;
        out->n_labels = in->n_labels;
        for (size_t i = 0; i < in->n_labels; i++) {
            const Maas__V1__ModelVersion__LabelsEntry *entry = in->labels[i];
            labels[i].key = maas_results_copy_string(entry != NULL ? entry->key : NULL);
            labels[i].value = maas_results_copy_string(entry != NULL ? entry->value : NULL);
            if (labels[i].key == NULL || labels[i].value == NULL)
                return -1;
        }
    }
    out->n_inputs = in->n_inputs;
    if (copy_specs(in->inputs, in->n_inputs, &out->inputs) != 0)
        return -1;
    out->n_outputs = in->n_outputs;
    if (copy_specs(in->outputs, in->n_outputs, &out->outputs) != 0)
        return -1;
    if (in->audio != NULL && (out->audio = maas_results_audio(in->audio)) == NULL)
        return -1;
    if (in->classes != NULL && (out->classes = maas_results_classes(in->classes)) == NULL)
        return -1;
    if (in->batching != NULL && (out->batching = maas_results_batching(in->batching)) == NULL)
        return -1;
    return 0;
}

/* copy_version, then the UTF-8 check: MAAS_OK, RESOURCE_EXHAUSTED or INTERNAL with why[] filled. */
static maas_code copy_checked_version(const Maas__V1__ModelVersion *in, maas_version *out, size_t index, char *why,
                                      size_t why_size)
{
    if (copy_version(in, out) != 0) {
        snprintf(why, why_size, "out of memory copying a version");
        return MAAS_ERR_RESOURCE_EXHAUSTED;
    }
    const char *bad = bad_utf8_in_version(out);
    if (bad != NULL) {
        snprintf(why, why_size, "version %zu: %s is not valid UTF-8", index, bad);
        return MAAS_ERR_INTERNAL;
    }
    return MAAS_OK;
}

maas_version *maas_results_version(const Maas__V1__ModelVersion *in, maas_code *code, char *why, size_t why_size)
{
    maas_version *v = calloc(1, sizeof *v);
    *code = MAAS_ERR_RESOURCE_EXHAUSTED;
    snprintf(why, why_size, "out of memory copying a version");
    if (v == NULL || (*code = copy_checked_version(in, v, 0, why, why_size)) != MAAS_OK) {
        maas_version_free(v);
        return NULL;
    }
    return v;
}

maas_version_list *maas_results_version_list(const Maas__V1__ListVersionsResponse *in, maas_code *code, char *why,
                                             size_t why_size)
{
    *code = MAAS_ERR_RESOURCE_EXHAUSTED;
    snprintf(why, why_size, "out of memory copying the version list");
    maas_version_list *list = calloc(1, sizeof *list);
    if (list == NULL)
        return NULL;
    *code = MAAS_OK;
    if (in->n_versions == 0)
        return list;
    maas_version *versions = calloc(in->n_versions, sizeof *versions);
    if (versions == NULL) {
        free(list);
        *code = MAAS_ERR_RESOURCE_EXHAUSTED;
        return NULL;
    }
    list->versions = versions;
    list->count = in->n_versions;
    for (size_t i = 0; i < in->n_versions; i++) {
        static const Maas__V1__ModelVersion empty = MAAS__V1__MODEL_VERSION__INIT;
        const Maas__V1__ModelVersion *source = in->versions[i] != NULL ? in->versions[i] : &empty;
        if ((*code = copy_checked_version(source, &versions[i], i, why, why_size)) != MAAS_OK) {
            maas_version_list_free(list);
            return NULL;
        }
    }
    return list;
}

void maas_version_free(maas_version *version)
{
    if (version == NULL)
        return;
    free_version_fields(version);
    free(version);
}

void maas_version_list_free(maas_version_list *list)
{
    if (list == NULL)
        return;
    if (list->versions != NULL) {
        for (size_t i = 0; i < list->count; i++)
            free_version_fields((maas_version *)&list->versions[i]);
        free((void *)list->versions);
    }
    free(list);
}

/* ---------------------------------------------------------------- predictions */

/* Checks one output and copies it into *out (zeroed by the caller). */
static maas_code copy_tensor(const Maas__V1__NamedTensor *in, maas_tensor *out, char *why, size_t why_size)
{
    const char *name = in->name != NULL ? in->name : "";
    out->name = maas_results_copy_string(name);
    if (out->name == NULL)
        return MAAS_ERR_RESOURCE_EXHAUSTED;
    const Maas__V1__Tensor *t = in->tensor;
    if (t == NULL) {
        snprintf(why, why_size, "output \"%.100s\" has no tensor", name);
        return MAAS_ERR_INTERNAL;
    }
    if (t->n_shape > MAAS_MAX_RANK) {
        snprintf(why, why_size, "output \"%.100s\" has rank %zu, over the client's limit of %d", name,
                 t->n_shape, MAAS_MAX_RANK);
        return MAAS_ERR_INTERNAL;
    }
    int ok;
    size_t count = maas_results_element_count(t->shape, t->n_shape, &ok);
    if (!ok) {
        snprintf(why, why_size, "output \"%.100s\" has a negative or overflowing shape", name);
        return MAAS_ERR_INTERNAL;
    }
    size_t element = maas_dtype_size((int)t->dtype);
    if (element != 0 && (count > SIZE_MAX / element || count * element != t->raw_data.len)) {
        snprintf(why, why_size, "output \"%.100s\" has shape with %zu elements of %zu bytes but %zu bytes of data",
                 name, count, element, t->raw_data.len);
        return MAAS_ERR_INTERNAL;
    }
    out->dtype = (int)t->dtype;
    out->rank = t->n_shape;
    out->count = count;
    out->n_bytes = t->raw_data.len;
    if (t->n_shape > 0) {
        out->shape = copy_shape(t->shape, t->n_shape);
        if (out->shape == NULL)
            return MAAS_ERR_RESOURCE_EXHAUSTED;
    }
    if (t->raw_data.len > 0) {
        void *data = malloc(t->raw_data.len);
        if (data == NULL)
            return MAAS_ERR_RESOURCE_EXHAUSTED;
        if (element != 0)
            maas_results_copy_le(data, t->raw_data.data, count, element);
        else
            memcpy(data, t->raw_data.data, t->raw_data.len);
        out->data = data;
    }
    return MAAS_OK;
}

/* The answer's labels, best first as sent; more than MAAS_MAX_TOP_CLASSES is refused. */
static maas_code copy_top_classes(const Maas__V1__PredictResponse *in, maas_prediction *p, char *why, size_t why_size)
{
    if (in->n_top_classes == 0)
        return MAAS_OK;
    if (in->n_top_classes > MAAS_MAX_TOP_CLASSES) {
        snprintf(why, why_size, "%zu top classes, over the client's limit of %d", in->n_top_classes,
                 MAAS_MAX_TOP_CLASSES);
        return MAAS_ERR_INTERNAL;
    }
    maas_class_score *scores = calloc(in->n_top_classes, sizeof *scores);
    if (scores == NULL)
        return MAAS_ERR_RESOURCE_EXHAUSTED;
    p->top_classes = scores;
    p->n_top_classes = in->n_top_classes;
    for (size_t i = 0; i < in->n_top_classes; i++) {
        static const Maas__V1__ClassScore empty = MAAS__V1__CLASS_SCORE__INIT;
        const Maas__V1__ClassScore *source = in->top_classes[i] != NULL ? in->top_classes[i] : &empty;
        scores[i].index = source->index;
        scores[i].probability = source->probability;
        scores[i].label = maas_results_copy_string(source->label);
        if (scores[i].label == NULL)
            return MAAS_ERR_RESOURCE_EXHAUSTED;
        if (!maas_results_utf8_ok(scores[i].label)) {
            snprintf(why, why_size, "the label of top class %zu is not valid UTF-8", i);
            return MAAS_ERR_INTERNAL;
        }
    }
    return MAAS_OK;
}

maas_prediction *maas_results_prediction(const Maas__V1__PredictResponse *in, maas_code *code, char *why,
                                         size_t why_size)
{
    *code = MAAS_ERR_RESOURCE_EXHAUSTED;
    snprintf(why, why_size, "out of memory copying the prediction");
    maas_prediction *p = calloc(1, sizeof *p);
    if (p == NULL)
        return NULL;
    p->model = maas_results_copy_string(in->name);
    p->version = in->version;
    if (p->model == NULL) {
        maas_prediction_free(p);
        return NULL;
    }
    if (in->n_outputs > 0) {
        maas_tensor *outputs = calloc(in->n_outputs, sizeof *outputs);
        if (outputs == NULL) {
            maas_prediction_free(p);
            return NULL;
        }
        p->outputs = outputs;
        p->n_outputs = in->n_outputs;
        for (size_t i = 0; i < in->n_outputs; i++) {
            static const Maas__V1__NamedTensor empty = MAAS__V1__NAMED_TENSOR__INIT;
            const Maas__V1__NamedTensor *source = in->outputs[i] != NULL ? in->outputs[i] : &empty;
            maas_code c = copy_tensor(source, &outputs[i], why, why_size);
            if (c != MAAS_OK) {
                *code = c;
                maas_prediction_free(p);
                return NULL;
            }
        }
    }
    p->transcript = maas_results_copy_string(in->transcript);
    if (p->transcript == NULL) {
        maas_prediction_free(p);
        return NULL;
    }
    maas_code c = copy_top_classes(in, p, why, why_size);
    if (c == MAAS_OK && !maas_results_utf8_ok(p->transcript)) {
        snprintf(why, why_size, "the transcript is not valid UTF-8");
        c = MAAS_ERR_INTERNAL;
    }
    for (size_t i = 0; c == MAAS_OK && i < p->n_outputs; i++)
        if (!maas_results_utf8_ok(p->outputs[i].name)) {
            snprintf(why, why_size, "the name of output %zu is not valid UTF-8", i);
            c = MAAS_ERR_INTERNAL;
        }
    if (c == MAAS_OK && !maas_results_utf8_ok(p->model)) {
        snprintf(why, why_size, "the model name is not valid UTF-8");
        c = MAAS_ERR_INTERNAL;
    }
    if (c == MAAS_OK && in->features != NULL) {
        maas_tensor *features = calloc(1, sizeof *features);
        if (features == NULL) {
            c = MAAS_ERR_RESOURCE_EXHAUSTED;
        } else {
            p->features = features;
            Maas__V1__NamedTensor named = MAAS__V1__NAMED_TENSOR__INIT;
            named.name = "features";
            named.tensor = in->features;
            c = copy_tensor(&named, features, why, why_size);
        }
    }
    if (c != MAAS_OK) {
        if (c == MAAS_ERR_RESOURCE_EXHAUSTED)
            snprintf(why, why_size, "out of memory copying the prediction");
        *code = c;
        maas_prediction_free(p);
        return NULL;
    }
    *code = MAAS_OK;
    why[0] = '\0';
    return p;
}

void maas_prediction_free(maas_prediction *prediction)
{
    if (prediction == NULL)
        return;
    free((void *)prediction->model);
    if (prediction->outputs != NULL) {
        for (size_t i = 0; i < prediction->n_outputs; i++) {
            const maas_tensor *t = &prediction->outputs[i];
            free((void *)t->name);
            free((void *)t->shape);
            free((void *)t->data);
        }
        free((void *)prediction->outputs);
    }
    if (prediction->top_classes != NULL) {
        for (size_t i = 0; i < prediction->n_top_classes; i++)
            free((void *)prediction->top_classes[i].label);
        free((void *)prediction->top_classes);
    }
    free((void *)prediction->transcript);
    if (prediction->features != NULL) {
        free((void *)prediction->features->name);
        free((void *)prediction->features->shape);
        free((void *)prediction->features->data);
        free((void *)prediction->features);
    }
    free(prediction);
}

const maas_tensor *maas_prediction_output(const maas_prediction *prediction, const char *name)
{
    if (prediction == NULL || name == NULL)
        return NULL;
    for (size_t i = 0; i < prediction->n_outputs; i++)
        if (strcmp(prediction->outputs[i].name, name) == 0)
            return &prediction->outputs[i];
    return NULL;
}
