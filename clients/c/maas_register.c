/*
 * RegisterModel: a header frame, then the file in chunk frames read one ahead (so the last can carry
 * end_stream), never more than three chunk-sized buffers in memory whatever the file's size. Between
 * chunks the client looks for an early answer (a refused name, a bad header) and stops sending.
 */
#define _POSIX_C_SOURCE 200809L
#define _DEFAULT_SOURCE

#include "maas_call.h"
#include "maas_results.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* Reads up to n bytes, retrying short reads, so every chunk but the last is full. -1 on error. */
static ssize_t read_chunk(int fd, uint8_t *buf, size_t n)
{
    size_t got = 0;
    while (got < n) {
        ssize_t r = read(fd, buf + got, n - got);
        if (r == 0)
            break;
        if (r < 0) {
            if (errno == EINTR)
                continue;
            return -1;
        }
        got += (size_t)r;
    }
    return (ssize_t)got;
}

/* Is an answer already waiting? Checked between chunks so an early rejection stops the upload. */
static int server_has_spoken(const maas_client *c)
{
    struct pollfd p = {.fd = c->fd, .events = POLLIN, .revents = 0};
    return poll(&p, 1, 0) > 0;
}

typedef struct upload {
    maas_client *client;
    call call;
    int file;
    const char *path;
    size_t chunk_size;
    uint64_t total;
    uint8_t *current, *next, *payload;
    const maas_register_options *options;
} upload;

/* Sends the chunk frames. SEND_DONE after the end_stream chunk; SEND_INTERRUPTED when the server spoke
 * first (*partial as for send_frame); SEND_FAILED with *err filled (the connection is then closed). */
static send_result send_chunks(upload *u, int *partial, maas_error *err)
{
    maas_client *c = u->client;
    uint64_t sent = 0;
    ssize_t n = read_chunk(u->file, u->current, u->chunk_size);
    for (;;) {
        /* Read one chunk ahead so the last one can carry end_stream. */
        ssize_t m = n > 0 ? read_chunk(u->file, u->next, u->chunk_size) : 0;
        if (n < 0 || m < 0) {
            maas__fail(err, MAAS_ERR_INVALID_ARGUMENT, "reading model file %.200s failed after %llu bytes: %s", u->path,
                 (unsigned long long)sent, strerror(errno));
            maas__close_connection(c, "an upload was abandoned");
            return SEND_FAILED;
        }
        if (server_has_spoken(c)) {
            *partial = 0;
            return SEND_INTERRUPTED;
        }
        Maas__V1__RegisterModelRequest request = MAAS__V1__REGISTER_MODEL_REQUEST__INIT;
        request.kind_case = MAAS__V1__REGISTER_MODEL_REQUEST__KIND_CHUNK;
        request.chunk.data = u->current;
        request.chunk.len = (size_t)n;
        size_t len = maas__v1__register_model_request__pack(&request, u->payload);
        int last = m == 0;
        send_result r = maas__send_frame(c, &u->call, NULL, u->payload, len, last, partial, err);
        if (r == SEND_FAILED)
            maas__close_connection(c, "an upload failed");
        if (r != SEND_DONE)
            return r;
        sent += (uint64_t)n;
        if (u->options->progress != NULL)
            u->options->progress(sent, u->total, u->options->progress_context);
        if (last)
            return SEND_DONE;
        uint8_t *swap = u->current;
        u->current = u->next;
        u->next = swap;
        n = m;
    }
}

/* Sends the header frame then the chunks, and reads the answer. */
static maas_code run_upload(upload *u, const Maas__V1__ModelHeader *header, maas_version **out, maas_error *err)
{
    maas_client *c = u->client;
    Maas__V1__RegisterModelRequest request = MAAS__V1__REGISTER_MODEL_REQUEST__INIT;
    request.kind_case = MAAS__V1__REGISTER_MODEL_REQUEST__KIND_HEADER;
    request.header = (Maas__V1__ModelHeader *)header;
    uint8_t *header_payload;
    size_t header_len;
    maas_code code = maas__pack_request(c, &u->call, &request.base, &header_payload, &header_len, err);
    if (code != MAAS_OK)
        return code;
    int partial = 0;
    send_result sent = maas__send_frame(c, &u->call, "RegisterModel", header_payload, header_len, 0, &partial, err);
    free(header_payload);
    if (sent == SEND_FAILED) {
        if (err->code != MAAS_ERR_RESOURCE_EXHAUSTED)
            maas__close_connection(c, "sending a request failed");
        return err->code;
    }
    if (sent == SEND_DONE)
        sent = send_chunks(u, &partial, err);
    if (sent == SEND_FAILED)
        return err->code;

    decode_budget budget;
    ProtobufCMessage *message;
    if (sent == SEND_INTERRUPTED)
        code = maas__answer_early(c, &u->call, partial, &maas__v1__register_model_response__descriptor,
                                             &budget, &message, err);
    else
        code = maas__await_response(c, &u->call, &maas__v1__register_model_response__descriptor, &budget, &message, err);
    if (code != MAAS_OK)
        return code;
    const Maas__V1__RegisterModelResponse *response = (const Maas__V1__RegisterModelResponse *)message;
    char why[256];
    if (response->version == NULL)
        code = maas__fail(err, MAAS_ERR_INTERNAL, "the RegisterModel response from %s has no version", c->peer);
    else if ((*out = maas_results_version(response->version, &code, why, sizeof why)) == NULL)
        maas__fail(err, code, "bad RegisterModel response from %s: %s", c->peer, why);
    protobuf_c_message_free_unpacked(message, &budget.allocator);
    return code;
}

maas_code maas_register_model(maas_client *client, const char *name, const char *path,
                              const maas_register_options *options, maas_version **out, maas_error *err)
{
    MAAS__ENTER(err);
    if (out == NULL)
        return maas__fail(err, MAAS_ERR_INVALID_ARGUMENT, "maas_register_model: out is NULL");
    *out = NULL;
    if (client == NULL || name == NULL || path == NULL)
        return maas__fail(err, MAAS_ERR_INVALID_ARGUMENT, "maas_register_model: client, name and path are required");
    static const maas_register_options defaults = {0};
    if (options == NULL)
        options = &defaults;
    if (options->n_labels > 0 && options->labels == NULL)
        return maas__fail(err, MAAS_ERR_INVALID_ARGUMENT, "maas_register_model: n_labels is %zu but labels is NULL",
                    options->n_labels);
    size_t chunk_size = options->chunk_size > 0 ? options->chunk_size : MAAS_DEFAULT_CHUNK_SIZE;
    if (chunk_size > client->max_frame_size - 64)
        return maas__fail(err, MAAS_ERR_INVALID_ARGUMENT, "chunk size %zu does not fit the frame limit of %u bytes",
                    chunk_size, (unsigned)client->max_frame_size);

    upload u = {.client = client, .path = path, .chunk_size = chunk_size, .options = options, .file = -1};
    maas_code code = maas__begin_call(client, &u.call, "RegisterModel", err);
    if (code != MAAS_OK)
        return code;
    u.file = open(path, O_RDONLY | O_CLOEXEC);
    if (u.file < 0)
        return maas__fail(err, MAAS_ERR_INVALID_ARGUMENT, "cannot open model file %.200s: %s", path, strerror(errno));
    struct stat st;
    if (fstat(u.file, &st) != 0 || S_ISDIR(st.st_mode)) {
        code = maas__fail(err, MAAS_ERR_INVALID_ARGUMENT, "model file %.200s is a directory or cannot be read", path);
        close(u.file);
        return code;
    }
    u.total = S_ISREG(st.st_mode) ? (uint64_t)st.st_size : 0;

    Maas__V1__ModelHeader header = MAAS__V1__MODEL_HEADER__INIT;
    header.name = (char *)name;
    header.format = (Maas__V1__ModelFormat)options->format;
    if (options->description != NULL)
        header.description = (char *)options->description;
    header.size_bytes = u.total;
    if (options->sha256 != NULL)
        header.sha256 = (char *)options->sha256;
    Maas__V1__AudioFrontEnd audio;
    if (options->audio != NULL) {
        maas_results_audio_to_wire(options->audio, &audio);
        header.audio = &audio;
    }
    Maas__V1__ClassLabels classes;
    if (options->classes != NULL) {
        if (maas_results_classes_to_wire(options->classes, &classes) != 0) {
            close(u.file);
            return maas__fail(err, MAAS_ERR_INVALID_ARGUMENT, "maas_register_model: classes has a NULL name");
        }
        header.classes = &classes;
    }
    Maas__V1__BatchingConfig batching;
    if (options->batching != NULL) {
        maas_results_batching_to_wire(options->batching, &batching);
        header.batching = &batching;
    }
    Maas__V1__ModelHeader__LabelsEntry *entries = calloc(options->n_labels + 1, sizeof *entries);
    Maas__V1__ModelHeader__LabelsEntry **entry_pointers = calloc(options->n_labels + 1, sizeof *entry_pointers);
    u.current = malloc(chunk_size);
    u.next = malloc(chunk_size);
    u.payload = malloc(chunk_size + 16); /* tag + length varint + chunk */
    if (entries == NULL || entry_pointers == NULL || u.current == NULL || u.next == NULL || u.payload == NULL) {
        code = maas__fail(err, MAAS_ERR_RESOURCE_EXHAUSTED, "out of memory for %zu-byte upload buffers", chunk_size);
    } else {
        for (size_t i = 0; i < options->n_labels && code == MAAS_OK; i++) {
            const maas_kv *label = &options->labels[i];
            if (label->key == NULL || label->value == NULL) {
                code = maas__fail(err, MAAS_ERR_INVALID_ARGUMENT, "label %zu has no key or value", i);
                break;
            }
            Maas__V1__ModelHeader__LabelsEntry entry = MAAS__V1__MODEL_HEADER__LABELS_ENTRY__INIT;
            entry.key = (char *)label->key;
            entry.value = (char *)label->value;
            entries[i] = entry;
            entry_pointers[i] = &entries[i];
        }
        header.n_labels = options->n_labels;
        header.labels = entry_pointers;
        if (code == MAAS_OK)
            code = run_upload(&u, &header, out, err);
    }
    free(u.payload);
    free(u.next);
    free(u.current);
    free(entry_pointers);
    free(entries);
    close(u.file);
    return code;
}

