/*
 * The scripted maas.v1 server the C client tests run against (tests/run_tests.sh, make_expected.sh).
 * Replies are encoded with the protobuf-c code generated from proto/maas/v1/maas.proto; the model name in
 * a request picks the behaviour: "iris" and friends answer properly, the hostile names (hostile.c) send
 * oversized lengths, truncated frames, garbage, wrong call ids, seeded damage, silence.
 *
 * Anything the server did not expect from the client (an undecodable request, a failed send) is written
 * to stderr, which run_tests.sh requires to stay empty.
 */
#ifndef FAKE_SERVER_H
#define FAKE_SERVER_H

#include <stddef.h>
#include <stdint.h>

#include "maas/v1/maas.pb-c.h"
#include "sha256.h"

#define METHOD_PREFIX "/maas.v1.ModelService/"
#define MAX_FRAME (8u * 1024u * 1024u) /* the real server's default */
#define MIB (1024u * 1024u)
#define MAX_UPLOADS 8
#define MAX_IGNORED 8

enum {
    CODE_OK = 0,
    CODE_INVALID_ARGUMENT = 3,
    CODE_NOT_FOUND = 5,
    CODE_RESOURCE_EXHAUSTED = 8,
    CODE_FAILED_PRECONDITION = 9,
    CODE_UNIMPLEMENTED = 12,
    CODE_INTERNAL = 13,
};

/* What a handler tells the connection loop. */
typedef enum next {
    KEEP_GOING,
    HANG_UP,
    NOT_HOSTILE, /* only from hostile(): the name is an ordinary one */
} next;

/* A RegisterModel call whose chunks are still arriving. */
typedef struct upload {
    int in_use;
    uint64_t call_id;
    Maas__V1__RegisterModelRequest *first; /* owns the header */
    sha256 hash;
    uint64_t size;
    char *chunks; /* "1048576,1048576,524288": every chunk's length, for the x-diagnostics label */
    size_t chunks_len, chunks_cap;
} upload;

typedef struct connection {
    int fd;
    int broken; /* a send failed: the loop stops */
    uint64_t last_call_id;
    upload uploads[MAX_UPLOADS];
    uint64_t ignored[MAX_IGNORED]; /* calls answered early whose remaining frames are dropped */
    size_t n_ignored;
} connection;

/* ---------------------------------------------------------------- arena.c: replies are built in one */

/* Every allocation of one reply, freed together; running out of memory ends the server (a test tool). */
typedef struct arena {
    void **blocks;
    size_t count, capacity;
} arena;

void *arena_new(arena *a, size_t size); /* zeroed */
char *arena_printf(arena *a, const char *format, ...) __attribute__((format(printf, 2, 3)));
void arena_free(arena *a);

Maas__V1__TensorSpec *new_spec(arena *a, const char *name, Maas__V1__DataType dtype, size_t rank,
                               const int64_t *shape);
Maas__V1__Tensor *new_tensor(arena *a, Maas__V1__DataType dtype, size_t rank, const int64_t *shape,
                             const void *data, size_t n_bytes);
Maas__V1__NamedTensor *new_named(arena *a, const char *name, Maas__V1__Tensor *tensor);
Maas__V1__ModelVersion__LabelsEntry *new_label(arena *a, const char *key, const char *value);

/* ---------------------------------------------------------------- frames.c */

/* A surprise on the server's side: the test run fails on anything written here. */
void report(const char *format, ...) __attribute__((format(printf, 1, 2)));

/* The next request frame's Envelope; NULL when the connection is over (EOF, an over-limit frame
 * refused, or bytes that are not an Envelope, reported). */
Maas__V1__Envelope *read_envelope(connection *c);
void send_raw(connection *c, const void *data, size_t n);
void send_envelope(connection *c, const Maas__V1__Envelope *envelope);
/* The final frame of a call: status `code` with `text`, and `message` (may be NULL) as the payload. */
void answer(connection *c, uint64_t call_id, const ProtobufCMessage *message, int code, const char *text);
void answer_error(connection *c, uint64_t call_id, int code, const char *format, ...)
    __attribute__((format(printf, 4, 5)));
/* Stops sending but reads what the client still sends, so closing does not reset the connection and
 * destroy an answer the client has not read yet. */
void close_gracefully(connection *c);
/* Packs `message` into a fresh buffer (freed by the caller). */
uint8_t *pack_message(const ProtobufCMessage *message, size_t *len);

/* ---------------------------------------------------------------- models.c: the ordinary names */

next list_versions(connection *c, const Maas__V1__Envelope *envelope);
next predict(connection *c, const Maas__V1__Envelope *envelope);
/* "iris" version 1 or 2, as ListVersions describes it. */
Maas__V1__ModelVersion *iris_version(arena *a, int number);

/* ---------------------------------------------------------------- audio.c: the audio names */

/* "speech" or "speech-ctc", with an audio front-end and class labels. */
Maas__V1__ModelVersion *speech_version(arena *a, const char *name);
/* A name predict() passes on: the audio models, the hostile "audio-*" and "fuzza-SEED" answers, or any
 * request carrying audio. */
int is_audio_request(const Maas__V1__PredictRequest *request);
next predict_audio(connection *c, const Maas__V1__Envelope *envelope, const Maas__V1__PredictRequest *request);

/* ---------------------------------------------------------------- upload.c: RegisterModel */

next register_model(connection *c, const Maas__V1__Envelope *envelope);
next upload_frame(connection *c, upload *u, const Maas__V1__Envelope *envelope);
void upload_discard(upload *u);

/* ---------------------------------------------------------------- hostile.c */

/* The behaviours every method shares, picked by model name; NOT_HOSTILE for an ordinary name. */
next hostile(connection *c, const char *name, const Maas__V1__Envelope *envelope);

/* damage.c: a valid answer with seeded damage, then the connection closes. */
next send_damaged(connection *c, uint64_t call_id, const ProtobufCMessage *message, uint64_t seed);

#endif /* FAKE_SERVER_H */
