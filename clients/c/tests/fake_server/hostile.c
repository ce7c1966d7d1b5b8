/* The hostile names, shared by every method: each is one way a broken or malicious server can answer. */
#define _POSIX_C_SOURCE 200809L

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "fake_server.h"

static void pause_seconds(int seconds)
{
    struct timespec t = {.tv_sec = seconds};
    while (nanosleep(&t, &t) != 0 && errno == EINTR) {
    }
}

static void send_prefix(connection *c, uint32_t length)
{
    const uint8_t prefix[4] = {(uint8_t)(length >> 24), (uint8_t)(length >> 16), (uint8_t)(length >> 8),
                               (uint8_t)length};
    send_raw(c, prefix, 4);
}

static int compare_entries(const void *a, const void *b)
{
    const Maas__V1__Envelope__MetadataEntry *x = *(Maas__V1__Envelope__MetadataEntry *const *)a;
    const Maas__V1__Envelope__MetadataEntry *y = *(Maas__V1__Envelope__MetadataEntry *const *)b;
    return strcmp(x->key, y->key); /* byte order of UTF-8 is code point order */
}

/* Says back what arrived: call id, method, end_stream and the metadata sorted by key. */
static void echo_metadata(connection *c, const Maas__V1__Envelope *envelope)
{
    arena a = {0};
    Maas__V1__Envelope__MetadataEntry **sorted = arena_new(&a, (envelope->n_metadata + 1) * sizeof *sorted);
    memcpy(sorted, envelope->metadata, envelope->n_metadata * sizeof *sorted);
    qsort(sorted, envelope->n_metadata, sizeof *sorted, compare_entries);
    char *metadata = arena_printf(&a, "%s", "");
    for (size_t i = 0; i < envelope->n_metadata; i++)
        metadata = arena_printf(&a, "%s%s%s=%s", metadata, i ? "," : "", sorted[i]->key, sorted[i]->value);
    answer_error(c, envelope->call_id, CODE_FAILED_PRECONDITION, "call_id=%llu method=%s end_stream=%d metadata=%s",
                 (unsigned long long)envelope->call_id, envelope->method, envelope->end_stream ? 1 : 0, metadata);
    arena_free(&a);
}

/* "fuzz-SEED" and "fuzzp-SEED": a ListVersions or Predict answer with seeded damage. */
static next damaged(connection *c, const char *name, const Maas__V1__Envelope *envelope)
{
    int for_predict = strncmp(name, "fuzzp-", 6) == 0;
    const char *digits = name + (for_predict ? 6 : 5);
    char *end;
    errno = 0;
    unsigned long long seed = strtoull(digits, &end, 10);
    if (*digits == '\0' || *end != '\0' || errno != 0) {
        report("%s: the seed is not a number", name);
        return HANG_UP;
    }
    static const int64_t two_by_3[] = {2, 3};
    static const int64_t one[] = {1};
    static const uint8_t zeros[8];
    uint8_t counting[24];
    for (int i = 0; i < 24; i++)
        counting[i] = (uint8_t)i;
    arena a = {0};
    next outcome;
    if (for_predict) {
        Maas__V1__NamedTensor *outputs[2] = {
            new_named(&a, "doubled",
                      new_tensor(&a, MAAS__V1__DATA_TYPE__DATA_TYPE_FLOAT32, 2, two_by_3, counting, sizeof counting)),
            new_named(&a, "argmax", new_tensor(&a, MAAS__V1__DATA_TYPE__DATA_TYPE_INT64, 1, one, zeros, 8)),
        };
        Maas__V1__PredictResponse response = MAAS__V1__PREDICT_RESPONSE__INIT;
        response.name = "iris";
        response.version = 2;
        response.n_outputs = 2;
        response.outputs = outputs;
        outcome = send_damaged(c, envelope->call_id, &response.base, seed);
    } else {
        Maas__V1__ModelVersion *versions[2] = {iris_version(&a, 2), speech_version(&a, "speech-ctc")};
        Maas__V1__ListVersionsResponse response = MAAS__V1__LIST_VERSIONS_RESPONSE__INIT;
        response.n_versions = 2;
        response.versions = versions;
        outcome = send_damaged(c, envelope->call_id, &response.base, seed);
    }
    arena_free(&a);
    return outcome;
}

/* 4 MiB of empty metadata entries: 2 bytes each on the wire, ~100 bytes each once decoded. */
static void amplify(connection *c, uint64_t call_id)
{
    size_t entries = 2 * MIB;
    uint8_t *body = malloc(11 + 2 * entries);
    if (body == NULL) {
        report("out of memory for the amplify frame");
        return;
    }
    size_t n = 0;
    body[n++] = 0x08; /* call_id, varint */
    for (uint64_t v = call_id; n == 1 || v != 0; v >>= 7)
        body[n++] = (uint8_t)((v & 0x7F) | (v >> 7 ? 0x80 : 0));
    for (size_t i = 0; i < entries; i++) {
        body[n++] = 0x1a; /* metadata, length-delimited */
        body[n++] = 0x00;
    }
    send_prefix(c, (uint32_t)n);
    send_raw(c, body, n);
    free(body);
}

next hostile(connection *c, const char *name, const Maas__V1__Envelope *envelope)
{
    uint64_t id = envelope->call_id;
    if (strncmp(name, "fuzz-", 5) == 0 || strncmp(name, "fuzzp-", 6) == 0)
        return damaged(c, name, envelope);
    if (strcmp(name, "missing") == 0) {
        answer_error(c, id, CODE_NOT_FOUND, "no model named \"missing\"");
    } else if (strcmp(name, "control-chars") == 0) {
        answer_error(c, id, CODE_NOT_FOUND, "bad \x1b[31mred\x1b[0m\nforged line");
    } else if (strcmp(name, "unknown-status") == 0) {
        answer_error(c, id, 99, "from the future");
    } else if (strcmp(name, "echo-metadata") == 0) {
        echo_metadata(c, envelope);
    } else if (strcmp(name, "oversize") == 0 || strcmp(name, "oversize-64m") == 0) {
        send_prefix(c, strcmp(name, "oversize") == 0 ? 0xFFFFFFFFu : 64 * MIB + 1);
        pause_seconds(2); /* the client must not wait for a body */
        return HANG_UP;
    } else if (strcmp(name, "truncated") == 0) {
        send_prefix(c, 100);
        send_raw(c, "\x08\x01\x08\x01\x08\x01\x08\x01\x08\x01", 10);
        return HANG_UP;
    } else if (strcmp(name, "truncated-prefix") == 0) {
        send_raw(c, "\x00\x00", 2);
        return HANG_UP;
    } else if (strcmp(name, "garbage") == 0) {
        send_prefix(c, 6);
        send_raw(c, "\x0f\xff\xff\xff\xff\xff", 6); /* field 1 with the unused wire type 7 */
    } else if (strcmp(name, "garbage-varint") == 0) {
        send_prefix(c, 11);
        send_raw(c, "\x08\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff", 11); /* a varint of 10+ bytes */
    } else if (strcmp(name, "wrong-call-id") == 0) {
        Maas__V1__ListVersionsResponse empty = MAAS__V1__LIST_VERSIONS_RESPONSE__INIT;
        answer(c, id + 7, &empty.base, CODE_OK, "");
    } else if (strcmp(name, "call-id-zero-ok") == 0) {
        answer(c, 0, NULL, CODE_OK, "");
    } else if (strcmp(name, "non-final") == 0) {
        Maas__V1__Envelope frame = MAAS__V1__ENVELOPE__INIT;
        frame.call_id = id;
        send_envelope(c, &frame);
    } else if (strcmp(name, "close") == 0) {
        return HANG_UP;
    } else if (strcmp(name, "conn-error") == 0) {
        answer_error(c, 0, CODE_RESOURCE_EXHAUSTED, "connection-level trouble");
        close_gracefully(c);
        return HANG_UP;
    } else if (strcmp(name, "bad-payload") == 0) {
        Maas__V1__Status ok = MAAS__V1__STATUS__INIT;
        Maas__V1__Envelope frame = MAAS__V1__ENVELOPE__INIT;
        frame.call_id = id;
        frame.end_stream = 1;
        frame.status = &ok;
        frame.payload.data = (uint8_t *)"\x0a\xff\x01"; /* a string field claiming 255 bytes, holding 1 */
        frame.payload.len = 3;
        send_envelope(c, &frame);
    } else if (strcmp(name, "amplify") == 0) {
        amplify(c, id);
    } else if (strcmp(name, "slow") == 0) {
        pause_seconds(3);
        return HANG_UP;
    } else {
        return NOT_HOSTILE;
    }
    return KEEP_GOING;
}
