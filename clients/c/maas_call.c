/*
 * libmaasclient's call machinery: deadlines, raw socket I/O, frames out (streamed through a staging
 * buffer) and in (size-checked, decoded under an allocation budget), and the life of one call.
 *
 * One call is on the wire at a time, so a call is: send its request frame(s), then read exactly one
 * response frame. Every read and write goes through poll() against the call's deadline on a
 * non-blocking socket, so a silent server can only cost the caller its timeout. Anything that leaves
 * the byte stream in an unknown state closes the connection instead of guessing where the next frame
 * starts.
 */
#define _POSIX_C_SOURCE 200809L
#define _DEFAULT_SOURCE

#include "maas_call.h"

#include <errno.h>
#include <limits.h>
#include <poll.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define METHOD_PREFIX "/maas.v1.ModelService/"
/* Decoding budget: twice the frame plus this, for protobuf-c's structs and scan slabs. */
#define DECODE_SLACK ((size_t)16 << 20)
/* What malloc spends on each allocation beyond the bytes asked for, charged to the budget too. */
#define ALLOCATION_OVERHEAD 32

/* ---------------------------------------------------------------- errors */
/* A cut at byte cap-1 may split a UTF-8 sequence; drop the partial character. */
static void trim_partial_utf8(char *s)
{
    size_t n = strlen(s);
    size_t lead = n;
    while (lead > 0 && ((unsigned char)s[lead - 1] & 0xC0) == 0x80)
        lead--;
    if (lead == 0)
        return;
    unsigned char first = (unsigned char)s[lead - 1];
    size_t want = first >= 0xF0 ? 4 : first >= 0xE0 ? 3 : first >= 0xC0 ? 2 : 1;
    if (n - (lead - 1) < want)
        s[lead - 1] = '\0';
}


maas_code maas__fail(maas_error *err, maas_code code, const char *format, ...)
{
    if (err != NULL) {
        err->code = code;
        err->from_server = 0;
        va_list args;
        va_start(args, format);
        int n = vsnprintf(err->message, sizeof err->message, format, args);
        va_end(args);
        if (n >= (int)sizeof err->message)
            trim_partial_utf8(err->message);
    }
    return code;
}

static maas_code fail_from_server(maas_error *err, int32_t status, const char *message)
{
    maas_code code = (status >= 1 && status <= MAAS_ERR_UNAUTHENTICATED) ? (maas_code)status : MAAS_ERR_UNKNOWN;
    if (message == NULL)
        message = "";
    if (err != NULL) {
        int n;
        if (code == MAAS_ERR_UNKNOWN && status != MAAS_ERR_UNKNOWN)
            n = snprintf(err->message, sizeof err->message, "(status %d) %s", (int)status, message);
        else
            n = snprintf(err->message, sizeof err->message, "%s", message);
        if (n >= (int)sizeof err->message)
            trim_partial_utf8(err->message);
        err->code = code;
        err->from_server = 1;
    }
    return code;
}

/* Closes the socket for good; later calls report `reason`. */
void maas__close_connection(maas_client *c, const char *reason)
{
    if (c->fd >= 0) {
        close(c->fd);
        c->fd = -1;
        size_t n = strlen(reason);
        if (n >= sizeof c->closed_reason)
            n = sizeof c->closed_reason - 1;
        memcpy(c->closed_reason, reason, n);
        c->closed_reason[n] = '\0';
        trim_partial_utf8(c->closed_reason);
    }
}

/* ---------------------------------------------------------------- time and readiness */

int64_t maas__now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* poll() until fd is ready for `events`: the revents, 0 when the deadline passed, -1 on error. */
int maas__wait_ready(int fd, short events, int64_t deadline_ms)
{
    for (;;) {
        int timeout = -1;
        if (deadline_ms != 0) {
            int64_t left = deadline_ms - maas__now_ms();
            if (left <= 0)
                return 0;
            timeout = left > INT_MAX ? INT_MAX : (int)left;
        }
        struct pollfd p = {.fd = fd, .events = events, .revents = 0};
        int n = poll(&p, 1, timeout);
        if (n > 0)
            return p.revents;
        if (n < 0 && errno != EINTR)
            return -1;
    }
}

/* ---------------------------------------------------------------- raw I/O */

typedef enum io_result {
    IO_OK,
    IO_FAILED,     /* *err filled */
    IO_EOF,        /* the peer closed its side */
    IO_PEER_SPOKE, /* while sending, the server started answering */
    IO_PEER_GONE,  /* while sending, the server closed or reset the connection */
} io_result;

static io_result read_exact(maas_client *c, const call *k, uint8_t *buf, size_t n, size_t *got, maas_error *err)
{
    *got = 0;
    while (*got < n) {
        ssize_t r = recv(c->fd, buf + *got, n - *got, 0);
        if (r > 0) {
            *got += (size_t)r;
            continue;
        }
        if (r == 0 || errno == ECONNRESET)
            return IO_EOF;
        if (errno == EINTR)
            continue;
        if (errno != EAGAIN && errno != EWOULDBLOCK) {
            maas__fail(err, MAAS_ERR_UNAVAILABLE, "reading the %s response from %s failed: %s", k->method, c->peer,
                 strerror(errno));
            return IO_FAILED;
        }
        int ready = maas__wait_ready(c->fd, POLLIN, k->deadline_ms);
        if (ready == 0) {
            maas__fail(err, MAAS_ERR_DEADLINE_EXCEEDED, "no %s response from %s within %d ms", k->method, c->peer,
                 c->timeout_ms);
            return IO_FAILED;
        }
        if (ready < 0) {
            maas__fail(err, MAAS_ERR_UNAVAILABLE, "waiting for %s failed: %s", c->peer, strerror(errno));
            return IO_FAILED;
        }
    }
    return IO_OK;
}

/* Sends all n bytes, counting them in *sent. With watch_input, stops early (IO_PEER_SPOKE) when the
 * server has something to say while the socket is full: an answer before the upload ended. */
static io_result write_all(maas_client *c, const call *k, const uint8_t *buf, size_t n, int watch_input,
                           uint64_t *sent, maas_error *err)
{
    size_t off = 0;
    while (off < n) {
        ssize_t w = send(c->fd, buf + off, n - off, MSG_NOSIGNAL);
        if (w >= 0) {
            off += (size_t)w;
            *sent += (uint64_t)w;
            continue;
        }
        if (errno == EINTR)
            continue;
        if (errno == EPIPE || errno == ECONNRESET)
            return IO_PEER_GONE;
        if (errno != EAGAIN && errno != EWOULDBLOCK) {
            maas__fail(err, MAAS_ERR_UNAVAILABLE, "sending the %s request to %s failed: %s", k->method, c->peer,
                 strerror(errno));
            return IO_FAILED;
        }
        int ready = maas__wait_ready(c->fd, (short)(POLLOUT | (watch_input ? POLLIN : 0)), k->deadline_ms);
        if (ready == 0) {
            maas__fail(err, MAAS_ERR_DEADLINE_EXCEEDED, "sending the %s request to %s did not finish within %d ms",
                 k->method, c->peer, c->timeout_ms);
            return IO_FAILED;
        }
        if (ready < 0) {
            maas__fail(err, MAAS_ERR_UNAVAILABLE, "waiting for %s failed: %s", c->peer, strerror(errno));
            return IO_FAILED;
        }
        if (watch_input && (ready & (POLLIN | POLLHUP | POLLERR)))
            return IO_PEER_SPOKE;
    }
    return IO_OK;
}

/* ---------------------------------------------------------------- sending frames */

/* A protobuf-c output buffer that streams the packed Envelope to the socket through the client's
 * staging buffer, so a large payload is never copied into a second, frame-sized buffer. */
typedef struct frame_sink {
    ProtobufCBuffer base; /* first: protobuf-c hands us &base */
    maas_client *client;
    const call *call;
    int watch_input;
    maas_error *err;
    io_result state;
    uint64_t sent;
    size_t used;
} frame_sink;

static void sink_flush(frame_sink *s)
{
    if (s->state == IO_OK && s->used > 0)
        s->state = write_all(s->client, s->call, s->client->stage, s->used, s->watch_input, &s->sent, s->err);
    s->used = 0;
}

static void sink_append(ProtobufCBuffer *buffer, size_t len, const uint8_t *data)
{
    frame_sink *s = (frame_sink *)buffer;
    while (len > 0 && s->state == IO_OK) {
        if (s->used == 0 && len >= MAAS__STAGE_SIZE) {
            s->state = write_all(s->client, s->call, data, len, s->watch_input, &s->sent, s->err);
            return;
        }
        size_t n = MAAS__STAGE_SIZE - s->used < len ? MAAS__STAGE_SIZE - s->used : len;
        memcpy(s->client->stage + s->used, data, n);
        s->used += n;
        data += n;
        len -= n;
        if (s->used == MAAS__STAGE_SIZE)
            sink_flush(s);
    }
}

/*
 * Sends one request frame of call k. The first frame of a call passes `method` (and carries the
 * timeout-ms metadata); later ones pass NULL. *partial is set when the frame was cut off after some of
 * its bytes went out: the server can no longer find frame boundaries, so the connection must close.
 */
send_result maas__send_frame(maas_client *c, const call *k, const char *method, const uint8_t *payload,
                              size_t payload_len, int end_stream, int *partial, maas_error *err)
{
    *partial = 0;
    char full_method[64];
    char timeout_text[24];
    Maas__V1__Envelope__MetadataEntry timeout_entry = MAAS__V1__ENVELOPE__METADATA_ENTRY__INIT;
    Maas__V1__Envelope__MetadataEntry *metadata[1] = {&timeout_entry};
    Maas__V1__Envelope envelope = MAAS__V1__ENVELOPE__INIT;
    envelope.call_id = k->id;
    if (method != NULL) {
        snprintf(full_method, sizeof full_method, METHOD_PREFIX "%s", method);
        envelope.method = full_method;
        if (k->deadline_ms != 0) {
            int64_t left = k->deadline_ms - maas__now_ms();
            snprintf(timeout_text, sizeof timeout_text, "%lld", (long long)(left > 1 ? left : 1));
            timeout_entry.key = "timeout-ms";
            timeout_entry.value = timeout_text;
            envelope.n_metadata = 1;
            envelope.metadata = metadata;
        }
    }
    envelope.payload.data = (uint8_t *)payload;
    envelope.payload.len = payload_len;
    envelope.end_stream = end_stream ? 1 : 0;

    size_t body = maas__v1__envelope__get_packed_size(&envelope);
    if (body > c->max_frame_size) {
        maas__fail(err, MAAS_ERR_RESOURCE_EXHAUSTED, "the %s request frame would be %zu bytes, over the frame limit of %u bytes",
             k->method, body, (unsigned)c->max_frame_size);
        return SEND_FAILED;
    }
    uint8_t prefix[4] = {(uint8_t)(body >> 24), (uint8_t)(body >> 16), (uint8_t)(body >> 8), (uint8_t)body};
    frame_sink sink = {
        .base = {.append = sink_append},
        .client = c,
        .call = k,
        .watch_input = 1,
        .err = err,
        .state = IO_OK,
    };
    sink_append(&sink.base, sizeof prefix, prefix);
    maas__v1__envelope__pack_to_buffer(&envelope, &sink.base);
    sink_flush(&sink);

    *partial = sink.state != IO_OK && sink.sent > 0 && sink.sent < body + sizeof prefix;
    switch (sink.state) {
    case IO_OK: return SEND_DONE;
    case IO_PEER_SPOKE:
    case IO_PEER_GONE: return SEND_INTERRUPTED;
    default: return SEND_FAILED;
    }
}

/* Packs a request message into a fresh buffer, refusing early what cannot fit in a frame. */
maas_code maas__pack_request(maas_client *c, const call *k, const ProtobufCMessage *request, uint8_t **out,
                              size_t *len, maas_error *err)
{
    size_t n = protobuf_c_message_get_packed_size(request);
    if (n > c->max_frame_size)
        return maas__fail(err, MAAS_ERR_RESOURCE_EXHAUSTED, "the %s request is %zu bytes, over the frame limit of %u bytes",
                    k->method, n, (unsigned)c->max_frame_size);
    uint8_t *buf = malloc(n > 0 ? n : 1);
    if (buf == NULL)
        return maas__fail(err, MAAS_ERR_RESOURCE_EXHAUSTED, "out of memory packing a %zu-byte %s request", n, k->method);
    protobuf_c_message_pack(request, buf);
    *out = buf;
    *len = n;
    return MAAS_OK;
}

/* ---------------------------------------------------------------- receiving frames */

typedef union allocation_header {
    max_align_t align;
    size_t size;
} allocation_header;

static void *budget_alloc(void *context, size_t size)
{
    decode_budget *b = context;
    size_t cost = size + sizeof(allocation_header) + ALLOCATION_OVERHEAD;
    if (size > b->limit || cost > b->limit - b->used) {
        b->exceeded = 1;
        return NULL;
    }
    allocation_header *h = malloc(sizeof *h + size);
    if (h == NULL)
        return NULL;
    h->size = cost;
    b->used += cost;
    return h + 1;
}

static void budget_free(void *context, void *pointer)
{
    if (pointer == NULL)
        return;
    decode_budget *b = context;
    allocation_header *h = (allocation_header *)pointer - 1;
    b->used -= h->size;
    free(h);
}

static void budget_init(decode_budget *b, size_t frame_len)
{
    b->allocator.alloc = budget_alloc;
    b->allocator.free = budget_free;
    b->allocator.allocator_data = b;
    b->limit = frame_len * 2 + DECODE_SLACK;
    b->used = 0;
    b->exceeded = 0;
}

/* Reads one whole frame and decodes its Envelope. Any failure here loses framing: the connection closes. */
static maas_code read_envelope(maas_client *c, const call *k, decode_budget *budget, Maas__V1__Envelope **out,
                               maas_error *err)
{
    *out = NULL;
    uint8_t prefix[4];
    size_t got;
    io_result r = read_exact(c, k, prefix, sizeof prefix, &got, err);
    if (r == IO_EOF) {
        if (got == 0)
            maas__fail(err, MAAS_ERR_UNAVAILABLE, "%s closed the connection before answering the %s call", c->peer, k->method);
        else
            maas__fail(err, MAAS_ERR_UNAVAILABLE, "%s closed the connection in the middle of a frame header (%zu of 4 bytes)",
                 c->peer, got);
    }
    if (r != IO_OK) {
        maas__close_connection(c, err->message);
        return err->code;
    }
    uint32_t len = (uint32_t)prefix[0] << 24 | (uint32_t)prefix[1] << 16 | (uint32_t)prefix[2] << 8 | prefix[3];
    if (len > c->max_frame_size) {
        maas__fail(err, MAAS_ERR_INTERNAL, "%s sent a frame of %u bytes, over the client's limit of %u bytes", c->peer,
             (unsigned)len, (unsigned)c->max_frame_size);
        maas__close_connection(c, "the server sent an oversized frame");
        return MAAS_ERR_INTERNAL;
    }
    uint8_t *body = malloc(len > 0 ? len : 1);
    if (body == NULL) {
        maas__fail(err, MAAS_ERR_RESOURCE_EXHAUSTED, "out of memory for a %u-byte frame from %s", (unsigned)len, c->peer);
        maas__close_connection(c, "out of memory reading a frame");
        return MAAS_ERR_RESOURCE_EXHAUSTED;
    }
    r = read_exact(c, k, body, len, &got, err);
    if (r == IO_EOF)
        maas__fail(err, MAAS_ERR_UNAVAILABLE, "%s closed the connection in the middle of a frame (%zu of %u bytes)", c->peer,
             got, (unsigned)len);
    if (r != IO_OK) {
        free(body);
        maas__close_connection(c, err->message);
        return err->code;
    }
    budget_init(budget, len);
    Maas__V1__Envelope *envelope = maas__v1__envelope__unpack(&budget->allocator, len, body);
    free(body);
    if (envelope == NULL) {
        if (budget->exceeded)
            maas__fail(err, MAAS_ERR_INTERNAL, "decoding the %u-byte frame from %s would need more than %zu bytes of memory",
                 (unsigned)len, c->peer, budget->limit);
        else
            maas__fail(err, MAAS_ERR_INTERNAL, "%s sent a %u-byte frame that is not a valid maas.v1.Envelope", c->peer,
                 (unsigned)len);
        maas__close_connection(c, "the server sent an undecodable frame");
        return MAAS_ERR_INTERNAL;
    }
    *out = envelope;
    return MAAS_OK;
}

/*
 * Reads the response of call k and decodes its payload as `response_type` into *response (freed by the
 * caller with the same budget's allocator). A non-OK status becomes the return value.
 */
maas_code maas__await_response(maas_client *c, const call *k, const ProtobufCMessageDescriptor *response_type,
                                decode_budget *budget, ProtobufCMessage **response, maas_error *err)
{
    *response = NULL;
    decode_budget envelope_budget;
    Maas__V1__Envelope *env;
    maas_code code = read_envelope(c, k, &envelope_budget, &env, err);
    if (code != MAAS_OK)
        return code;
    const Maas__V1__Status *status = env->status;
    if (env->call_id == 0 && status != NULL && status->code != 0) {
        /* The server speaking about the connection itself (e.g. a frame it refused); it closes next. */
        code = fail_from_server(err, status->code, status->message);
        maas__close_connection(c, "the server reported a connection error");
    } else if (env->call_id != k->id) {
        code = maas__fail(err, MAAS_ERR_INTERNAL, "%s answered call id %llu while call %llu (%s) was waiting", c->peer,
                    (unsigned long long)env->call_id, (unsigned long long)k->id, k->method);
        maas__close_connection(c, "the server answered the wrong call");
    } else if (!env->end_stream && status == NULL) {
        code = maas__fail(err, MAAS_ERR_INTERNAL, "%s sent a non-final frame for the unary %s call", c->peer, k->method);
        maas__close_connection(c, "the server sent an unexpected frame");
    } else if (status != NULL && status->code != 0) {
        code = fail_from_server(err, status->code, status->message);
    } else {
        budget_init(budget, env->payload.len);
        *response = protobuf_c_message_unpack(response_type, &budget->allocator, env->payload.len, env->payload.data);
        if (*response == NULL)
            code = maas__fail(err, MAAS_ERR_INTERNAL, "cannot decode the %zu-byte %s response from %s%s", env->payload.len,
                        k->method, c->peer, budget->exceeded ? ": it would need too much memory" : "");
    }
    maas__v1__envelope__free_unpacked(env, &envelope_budget.allocator);
    return code;
}

/* ---------------------------------------------------------------- calls */

maas_code maas__begin_call(maas_client *c, call *k, const char *method, maas_error *err)
{
    if (c->fd < 0)
        return maas__fail(err, MAAS_ERR_UNAVAILABLE, "the connection to %s is closed (%s); connect again", c->peer,
                    c->closed_reason);
    k->id = c->next_call_id++;
    if (c->next_call_id == 0)
        c->next_call_id = 1;
    k->deadline_ms = c->timeout_ms > 0 ? maas__now_ms() + c->timeout_ms : 0;
    k->method = method;
    return MAAS_OK;
}

/* After a send was cut short, the server's answer (if any) is what the caller should see. */
maas_code maas__answer_early(maas_client *c, const call *k, int partial,
                                               const ProtobufCMessageDescriptor *response_type,
                                               decode_budget *budget, ProtobufCMessage **response, maas_error *err)
{
    maas_code code = maas__await_response(c, k, response_type, budget, response, err);
    if (partial)
        maas__close_connection(c, "a request frame was cut off when the server answered early");
    return code;
}

maas_code maas__unary(maas_client *c, const char *method, const ProtobufCMessage *request,
                       const ProtobufCMessageDescriptor *response_type, decode_budget *budget,
                       ProtobufCMessage **response, maas_error *err)
{
    *response = NULL;
    call k;
    maas_code code = maas__begin_call(c, &k, method, err);
    if (code != MAAS_OK)
        return code;
    uint8_t *payload;
    size_t len;
    code = maas__pack_request(c, &k, request, &payload, &len, err);
    if (code != MAAS_OK)
        return code;
    int partial;
    send_result sent = maas__send_frame(c, &k, method, payload, len, 1, &partial, err);
    free(payload);
    if (sent == SEND_FAILED) {
        if (err->code != MAAS_ERR_RESOURCE_EXHAUSTED)
            maas__close_connection(c, "sending a request failed");
        return err->code;
    }
    if (sent == SEND_INTERRUPTED)
        return maas__answer_early(c, &k, partial, response_type, budget, response, err);
    return maas__await_response(c, &k, response_type, budget, response, err);
}

