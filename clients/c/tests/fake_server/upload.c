/* RegisterModel: a header frame, then chunk frames until end_stream; the version it makes echoes the
 * header, and with the label x-diagnostics=1 also what arrived (chunk sizes, size and sha256 claims). */
#define _POSIX_C_SOURCE 200809L

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "fake_server.h"

#define MAX_MODELS 256

/* Version numbers per model name, shared by every connection. */
static struct {
    pthread_mutex_t lock;
    size_t count;
    char *names[MAX_MODELS];
    int64_t latest[MAX_MODELS];
} registry = {.lock = PTHREAD_MUTEX_INITIALIZER};

/* The next version number of `name` (iris already has two); -1 when the table is full. */
static int64_t next_version(const char *name)
{
    int64_t number = -1;
    pthread_mutex_lock(&registry.lock);
    size_t i = 0;
    while (i < registry.count && strcmp(registry.names[i], name) != 0)
        i++;
    if (i == registry.count && i < MAX_MODELS && (registry.names[i] = strdup(name)) != NULL) {
        registry.latest[i] = strcmp(name, "iris") == 0 ? 2 : 0;
        registry.count++;
    }
    if (i < registry.count)
        number = ++registry.latest[i];
    pthread_mutex_unlock(&registry.lock);
    return number;
}

void upload_discard(upload *u)
{
    if (u->first != NULL)
        maas__v1__register_model_request__free_unpacked(u->first, NULL);
    free(u->chunks);
    *u = (upload){0};
}

static void note_chunk(upload *u, size_t length)
{
    char text[32];
    int n = snprintf(text, sizeof text, "%s%zu", u->chunks_len ? "," : "", length);
    if (u->chunks_len + (size_t)n + 1 > u->chunks_cap) {
        size_t cap = 2 * (u->chunks_len + (size_t)n + 1);
        char *grown = realloc(u->chunks, cap);
        if (grown == NULL) {
            report("out of memory noting chunk sizes");
            exit(1);
        }
        u->chunks = grown;
        u->chunks_cap = cap;
    }
    memcpy(u->chunks + u->chunks_len, text, (size_t)n + 1);
    u->chunks_len += (size_t)n;
}

static const char *header_label(const Maas__V1__ModelHeader *h, const char *key)
{
    const char *value = NULL;
    for (size_t i = 0; i < h->n_labels; i++)
        if (strcmp(h->labels[i]->key, key) == 0)
            value = h->labels[i]->value; /* a repeated map key: the last one wins */
    return value;
}

static void finish(connection *c, upload *u)
{
    const Maas__V1__ModelHeader *h = u->first->header;
    char digest[65];
    sha256_hex(&u->hash, digest);
    if (h->size_bytes != 0 && h->size_bytes != u->size) {
        answer_error(c, u->call_id, CODE_INVALID_ARGUMENT, "size mismatch: header says %llu, received %llu",
                     (unsigned long long)h->size_bytes, (unsigned long long)u->size);
        upload_discard(u);
        return;
    }
    if (h->sha256[0] != '\0' && strcmp(h->sha256, digest) != 0) {
        answer_error(c, u->call_id, CODE_INVALID_ARGUMENT, "sha256 mismatch: header says %s, received %s",
                     h->sha256, digest);
        upload_discard(u);
        return;
    }
    int64_t number = next_version(h->name);
    if (number < 0) {
        report("more than %d model names registered", MAX_MODELS);
        answer_error(c, u->call_id, CODE_RESOURCE_EXHAUSTED, "the fake server keeps %d names", MAX_MODELS);
        upload_discard(u);
        return;
    }
    static const int64_t dynamic_by_3[] = {-1, 3};
    arena a = {0};
    Maas__V1__ModelVersion v = MAAS__V1__MODEL_VERSION__INIT;
    v.name = h->name;
    v.version = number;
    v.format = h->format ? h->format : MAAS__V1__MODEL_FORMAT__MODEL_FORMAT_ONNX;
    v.size_bytes = u->size;
    v.sha256 = digest;
    v.created_at_unix_ms = 1748779200000;
    v.description = h->description;
    v.audio = h->audio;
    v.classes = h->classes;
    v.batching = h->batching;
    const char *diagnostics = header_label(h, "x-diagnostics");
    int diagnose = diagnostics != NULL && strcmp(diagnostics, "1") == 0;
    v.labels = arena_new(&a, (h->n_labels + 4) * sizeof *v.labels);
    for (size_t i = 0; i < h->n_labels; i++)
        v.labels[v.n_labels++] = new_label(&a, h->labels[i]->key, h->labels[i]->value);
    if (diagnose) {
        v.labels[v.n_labels++] = new_label(&a, "x-chunks", u->chunks ? u->chunks : "");
        v.labels[v.n_labels++] =
            new_label(&a, "x-size-header", arena_printf(&a, "%llu", (unsigned long long)h->size_bytes));
        v.labels[v.n_labels++] = new_label(&a, "x-sha-header", h->sha256);
        v.labels[v.n_labels++] = new_label(&a, "x-format-header", arena_printf(&a, "%d", (int)h->format));
    }
    Maas__V1__TensorSpec *inputs[1] = {new_spec(&a, "x", MAAS__V1__DATA_TYPE__DATA_TYPE_FLOAT32, 2, dynamic_by_3)};
    v.inputs = inputs;
    v.n_inputs = 1;
    Maas__V1__RegisterModelResponse response = MAAS__V1__REGISTER_MODEL_RESPONSE__INIT;
    response.version = &v;
    answer(c, u->call_id, &response.base, CODE_OK, "");
    arena_free(&a);
    upload_discard(u);
}

next register_model(connection *c, const Maas__V1__Envelope *envelope)
{
    uint64_t id = envelope->call_id;
    Maas__V1__RegisterModelRequest *request =
        maas__v1__register_model_request__unpack(NULL, envelope->payload.len, envelope->payload.data);
    if (request == NULL) {
        report("the RegisterModel payload of call %llu is not a RegisterModelRequest", (unsigned long long)id);
        return HANG_UP;
    }
    if (request->kind_case != MAAS__V1__REGISTER_MODEL_REQUEST__KIND_HEADER || request->header == NULL) {
        maas__v1__register_model_request__free_unpacked(request, NULL);
        answer_error(c, id, CODE_INVALID_ARGUMENT, "the first RegisterModel frame must be a header");
        return KEEP_GOING;
    }
    const char *name = request->header->name;
    next outcome = KEEP_GOING;
    if (strcmp(name, "reject-early") == 0) {
        answer_error(c, id, CODE_INVALID_ARGUMENT, "model name reject-early is refused");
        if (!envelope->end_stream && c->n_ignored < MAX_IGNORED)
            c->ignored[c->n_ignored++] = id;
    } else if (strcmp(name, "reject-close") == 0) {
        answer_error(c, id, CODE_INVALID_ARGUMENT, "refused, and hanging up");
        close_gracefully(c);
        outcome = HANG_UP;
    } else if (strcmp(name, "hang-no-read") == 0) {
        struct timespec three_seconds = {.tv_sec = 3};
        nanosleep(&three_seconds, NULL);
        outcome = HANG_UP;
    } else if ((outcome = hostile(c, name, envelope)) == NOT_HOSTILE) {
        upload *u = NULL;
        for (size_t i = 0; i < MAX_UPLOADS && u == NULL; i++)
            if (!c->uploads[i].in_use)
                u = &c->uploads[i];
        if (u == NULL) {
            report("more than %d uploads at once on one connection", MAX_UPLOADS);
            maas__v1__register_model_request__free_unpacked(request, NULL);
            return HANG_UP;
        }
        *u = (upload){.in_use = 1, .call_id = id, .first = request};
        sha256_init(&u->hash);
        if (envelope->end_stream)
            finish(c, u);
        return KEEP_GOING;
    }
    maas__v1__register_model_request__free_unpacked(request, NULL);
    return outcome;
}

next upload_frame(connection *c, upload *u, const Maas__V1__Envelope *envelope)
{
    if (envelope->method[0] != '\0') {
        upload_discard(u);
        answer_error(c, envelope->call_id, CODE_INTERNAL, "method repeated on a later frame");
        return KEEP_GOING;
    }
    Maas__V1__RegisterModelRequest *request =
        maas__v1__register_model_request__unpack(NULL, envelope->payload.len, envelope->payload.data);
    if (request == NULL) {
        report("a RegisterModel frame of call %llu is not a RegisterModelRequest",
               (unsigned long long)envelope->call_id);
        return HANG_UP;
    }
    if (request->kind_case != MAAS__V1__REGISTER_MODEL_REQUEST__KIND_CHUNK) {
        maas__v1__register_model_request__free_unpacked(request, NULL);
        upload_discard(u);
        answer_error(c, envelope->call_id, CODE_INVALID_ARGUMENT, "expected a chunk");
        return KEEP_GOING;
    }
    sha256_update(&u->hash, request->chunk.data, request->chunk.len);
    u->size += request->chunk.len;
    note_chunk(u, request->chunk.len);
    maas__v1__register_model_request__free_unpacked(request, NULL);
    if (envelope->end_stream)
        finish(c, u);
    return KEEP_GOING;
}
