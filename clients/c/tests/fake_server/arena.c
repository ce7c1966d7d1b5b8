/* Reply building: protobuf-c messages are trees of pointers; an arena frees a whole reply at once. */
#define _POSIX_C_SOURCE 200809L

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fake_server.h"

void *arena_new(arena *a, size_t size)
{
    if (a->count == a->capacity) {
        size_t capacity = a->capacity ? 2 * a->capacity : 16;
        void **blocks = realloc(a->blocks, capacity * sizeof *blocks);
        if (blocks == NULL) {
            report("out of memory building a reply");
            exit(1);
        }
        a->blocks = blocks;
        a->capacity = capacity;
    }
    void *block = calloc(1, size ? size : 1);
    if (block == NULL) {
        report("out of memory building a reply (%zu bytes)", size);
        exit(1);
    }
    a->blocks[a->count++] = block;
    return block;
}

char *arena_printf(arena *a, const char *format, ...)
{
    va_list args;
    va_start(args, format);
    int n = vsnprintf(NULL, 0, format, args);
    va_end(args);
    char *text = arena_new(a, (size_t)n + 1);
    va_start(args, format);
    vsnprintf(text, (size_t)n + 1, format, args);
    va_end(args);
    return text;
}

void arena_free(arena *a)
{
    for (size_t i = 0; i < a->count; i++)
        free(a->blocks[i]);
    free(a->blocks);
    *a = (arena){0};
}

Maas__V1__TensorSpec *new_spec(arena *a, const char *name, Maas__V1__DataType dtype, size_t rank,
                               const int64_t *shape)
{
    Maas__V1__TensorSpec *spec = arena_new(a, sizeof *spec);
    maas__v1__tensor_spec__init(spec);
    spec->name = (char *)name;
    spec->dtype = dtype;
    spec->n_shape = rank;
    spec->shape = (int64_t *)shape;
    return spec;
}

Maas__V1__Tensor *new_tensor(arena *a, Maas__V1__DataType dtype, size_t rank, const int64_t *shape,
                             const void *data, size_t n_bytes)
{
    Maas__V1__Tensor *tensor = arena_new(a, sizeof *tensor);
    maas__v1__tensor__init(tensor);
    tensor->dtype = dtype;
    tensor->n_shape = rank;
    tensor->shape = (int64_t *)shape;
    tensor->raw_data.data = (uint8_t *)data;
    tensor->raw_data.len = n_bytes;
    return tensor;
}

Maas__V1__NamedTensor *new_named(arena *a, const char *name, Maas__V1__Tensor *tensor)
{
    Maas__V1__NamedTensor *named = arena_new(a, sizeof *named);
    maas__v1__named_tensor__init(named);
    named->name = (char *)name;
    named->tensor = tensor;
    return named;
}

Maas__V1__ModelVersion__LabelsEntry *new_label(arena *a, const char *key, const char *value)
{
    Maas__V1__ModelVersion__LabelsEntry *label = arena_new(a, sizeof *label);
    maas__v1__model_version__labels_entry__init(label);
    label->key = (char *)key;
    label->value = (char *)value;
    return label;
}
