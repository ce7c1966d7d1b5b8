/*
 * libmaasclient: connection, framing and the three ModelService calls.
 *
 * One call is on the wire at a time, so a call is: send its request frame(s), then read exactly one
 * response frame. Every read and write goes through poll() against the call's deadline on a
 * non-blocking socket, so a silent server can only cost the caller its timeout. Anything that leaves
 * the byte stream in an unknown state closes the connection instead of guessing where the next frame
 * starts.
 */
#define _POSIX_C_SOURCE 200809L
#define _DEFAULT_SOURCE

#include "maas_client.h"
#include "maas_results.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define METHOD_PREFIX "/maas.v1.ModelService/"
#define STAGE_SIZE (64u * 1024u)
#define PEER_MAX 300 /* "[host]:port" with the host cut at 200 bytes */
#define MIN_FRAME_SIZE (64u * 1024u)
/* Decoding budget: twice the frame plus this, for protobuf-c's structs and scan slabs. */
#define DECODE_SLACK ((size_t)16 << 20)
/* What malloc spends on each allocation beyond the bytes asked for, charged to the budget too. */
#define ALLOCATION_OVERHEAD 32

struct maas_client {
    int fd; /* -1 once closed */
    uint64_t next_call_id;
    int timeout_ms;
    uint32_t max_frame_size;
    char peer[PEER_MAX];
    char closed_reason[200];
    uint8_t stage[STAGE_SIZE]; /* outgoing bytes are gathered here before send() */
};

/* One call in progress. */
typedef struct call {
    uint64_t id;
    int64_t deadline_ms; /* monotonic; 0 = none */
    const char *method;  /* short name, e.g. "Predict" */
} call;

/* ---------------------------------------------------------------- errors */

static const char *const code_names[] = {
    "OK", "CANCELLED", "UNKNOWN", "INVALID_ARGUMENT", "DEADLINE_EXCEEDED", "NOT_FOUND", "ALREADY_EXISTS",
    "PERMISSION_DENIED", "RESOURCE_EXHAUSTED", "FAILED_PRECONDITION", "ABORTED", "OUT_OF_RANGE",
    "UNIMPLEMENTED", "INTERNAL", "UNAVAILABLE", "DATA_LOSS", "UNAUTHENTICATED",
};

const char *maas_code_name(int code)
{
    if (code < 0 || code > MAAS_ERR_UNAUTHENTICATED)
        return "UNKNOWN";
    return code_names[code];
}

size_t maas_dtype_size(int dtype)
{
    switch (dtype) {
    case MAAS_DTYPE_FLOAT32: return 4;
    case MAAS_DTYPE_INT64: return 8;
    default: return 0;
    }
}

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

/* Public entry points call this first; internal code then always has somewhere to put an error. */
#define ENTER(err)                                                                                        \
    maas_error scratch_error_;                                                                            \
    if ((err) == NULL)                                                                                    \
        (err) = &scratch_error_;                                                                          \
    clear_error(err)

static void clear_error(maas_error *err)
{
    err->code = MAAS_OK;
    err->from_server = 0;
    err->message[0] = '\0';
}

__attribute__((format(printf, 3, 4))) static maas_code fail(maas_error *err, maas_code code, const char *format, ...)
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
static void close_connection(maas_client *c, const char *reason)
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

static int64_t now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* poll() until fd is ready for `events`: the revents, 0 when the deadline passed, -1 on error. */
static int wait_ready(int fd, short events, int64_t deadline_ms)
{
    for (;;) {
        int timeout = -1;
        if (deadline_ms != 0) {
            int64_t left = deadline_ms - now_ms();
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
            fail(err, MAAS_ERR_UNAVAILABLE, "reading the %s response from %s failed: %s", k->method, c->peer,
                 strerror(errno));
            return IO_FAILED;
        }
        int ready = wait_ready(c->fd, POLLIN, k->deadline_ms);
        if (ready == 0) {
            fail(err, MAAS_ERR_DEADLINE_EXCEEDED, "no %s response from %s within %d ms", k->method, c->peer,
                 c->timeout_ms);
            return IO_FAILED;
        }
        if (ready < 0) {
            fail(err, MAAS_ERR_UNAVAILABLE, "waiting for %s failed: %s", c->peer, strerror(errno));
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
            fail(err, MAAS_ERR_UNAVAILABLE, "sending the %s request to %s failed: %s", k->method, c->peer,
                 strerror(errno));
            return IO_FAILED;
        }
        int ready = wait_ready(c->fd, (short)(POLLOUT | (watch_input ? POLLIN : 0)), k->deadline_ms);
        if (ready == 0) {
            fail(err, MAAS_ERR_DEADLINE_EXCEEDED, "sending the %s request to %s did not finish within %d ms",
                 k->method, c->peer, c->timeout_ms);
            return IO_FAILED;
        }
        if (ready < 0) {
            fail(err, MAAS_ERR_UNAVAILABLE, "waiting for %s failed: %s", c->peer, strerror(errno));
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
        if (s->used == 0 && len >= STAGE_SIZE) {
            s->state = write_all(s->client, s->call, data, len, s->watch_input, &s->sent, s->err);
            return;
        }
        size_t n = STAGE_SIZE - s->used < len ? STAGE_SIZE - s->used : len;
        memcpy(s->client->stage + s->used, data, n);
        s->used += n;
        data += n;
        len -= n;
        if (s->used == STAGE_SIZE)
            sink_flush(s);
    }
}

typedef enum send_result {
    SEND_DONE,
    SEND_INTERRUPTED, /* the server answered or hung up mid-request: read its answer next */
    SEND_FAILED,      /* *err filled */
} send_result;

/*
 * Sends one request frame of call k. The first frame of a call passes `method` (and carries the
 * timeout-ms metadata); later ones pass NULL. *partial is set when the frame was cut off after some of
 * its bytes went out: the server can no longer find frame boundaries, so the connection must close.
 */
static send_result send_frame(maas_client *c, const call *k, const char *method, const uint8_t *payload,
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
            int64_t left = k->deadline_ms - now_ms();
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
        fail(err, MAAS_ERR_RESOURCE_EXHAUSTED, "the %s request frame would be %zu bytes, over the frame limit of %u bytes",
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
static maas_code pack_request(maas_client *c, const call *k, const ProtobufCMessage *request, uint8_t **out,
                              size_t *len, maas_error *err)
{
    size_t n = protobuf_c_message_get_packed_size(request);
    if (n > c->max_frame_size)
        return fail(err, MAAS_ERR_RESOURCE_EXHAUSTED, "the %s request is %zu bytes, over the frame limit of %u bytes",
                    k->method, n, (unsigned)c->max_frame_size);
    uint8_t *buf = malloc(n > 0 ? n : 1);
    if (buf == NULL)
        return fail(err, MAAS_ERR_RESOURCE_EXHAUSTED, "out of memory packing a %zu-byte %s request", n, k->method);
    protobuf_c_message_pack(request, buf);
    *out = buf;
    *len = n;
    return MAAS_OK;
}

/* ---------------------------------------------------------------- receiving frames */

/* A protobuf-c allocator with a ceiling, so a small hostile frame cannot make the decoder allocate
 * far more than it holds (an empty submessage costs 2 bytes on the wire and ~100 in memory). */
typedef struct decode_budget {
    ProtobufCAllocator allocator;
    size_t limit;
    size_t used;
    int exceeded;
} decode_budget;

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
            fail(err, MAAS_ERR_UNAVAILABLE, "%s closed the connection before answering the %s call", c->peer, k->method);
        else
            fail(err, MAAS_ERR_UNAVAILABLE, "%s closed the connection in the middle of a frame header (%zu of 4 bytes)",
                 c->peer, got);
    }
    if (r != IO_OK) {
        close_connection(c, err->message);
        return err->code;
    }
    uint32_t len = (uint32_t)prefix[0] << 24 | (uint32_t)prefix[1] << 16 | (uint32_t)prefix[2] << 8 | prefix[3];
    if (len > c->max_frame_size) {
        fail(err, MAAS_ERR_INTERNAL, "%s sent a frame of %u bytes, over the client's limit of %u bytes", c->peer,
             (unsigned)len, (unsigned)c->max_frame_size);
        close_connection(c, "the server sent an oversized frame");
        return MAAS_ERR_INTERNAL;
    }
    uint8_t *body = malloc(len > 0 ? len : 1);
    if (body == NULL) {
        fail(err, MAAS_ERR_RESOURCE_EXHAUSTED, "out of memory for a %u-byte frame from %s", (unsigned)len, c->peer);
        close_connection(c, "out of memory reading a frame");
        return MAAS_ERR_RESOURCE_EXHAUSTED;
    }
    r = read_exact(c, k, body, len, &got, err);
    if (r == IO_EOF)
        fail(err, MAAS_ERR_UNAVAILABLE, "%s closed the connection in the middle of a frame (%zu of %u bytes)", c->peer,
             got, (unsigned)len);
    if (r != IO_OK) {
        free(body);
        close_connection(c, err->message);
        return err->code;
    }
    budget_init(budget, len);
    Maas__V1__Envelope *envelope = maas__v1__envelope__unpack(&budget->allocator, len, body);
    free(body);
    if (envelope == NULL) {
        if (budget->exceeded)
            fail(err, MAAS_ERR_INTERNAL, "decoding the %u-byte frame from %s would need more than %zu bytes of memory",
                 (unsigned)len, c->peer, budget->limit);
        else
            fail(err, MAAS_ERR_INTERNAL, "%s sent a %u-byte frame that is not a valid maas.v1.Envelope", c->peer,
                 (unsigned)len);
        close_connection(c, "the server sent an undecodable frame");
        return MAAS_ERR_INTERNAL;
    }
    *out = envelope;
    return MAAS_OK;
}

/*
 * Reads the response of call k and decodes its payload as `response_type` into *response (freed by the
 * caller with the same budget's allocator). A non-OK status becomes the return value.
 */
static maas_code await_response(maas_client *c, const call *k, const ProtobufCMessageDescriptor *response_type,
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
        close_connection(c, "the server reported a connection error");
    } else if (env->call_id != k->id) {
        code = fail(err, MAAS_ERR_INTERNAL, "%s answered call id %llu while call %llu (%s) was waiting", c->peer,
                    (unsigned long long)env->call_id, (unsigned long long)k->id, k->method);
        close_connection(c, "the server answered the wrong call");
    } else if (!env->end_stream && status == NULL) {
        code = fail(err, MAAS_ERR_INTERNAL, "%s sent a non-final frame for the unary %s call", c->peer, k->method);
        close_connection(c, "the server sent an unexpected frame");
    } else if (status != NULL && status->code != 0) {
        code = fail_from_server(err, status->code, status->message);
    } else {
        budget_init(budget, env->payload.len);
        *response = protobuf_c_message_unpack(response_type, &budget->allocator, env->payload.len, env->payload.data);
        if (*response == NULL)
            code = fail(err, MAAS_ERR_INTERNAL, "cannot decode the %zu-byte %s response from %s%s", env->payload.len,
                        k->method, c->peer, budget->exceeded ? ": it would need too much memory" : "");
    }
    maas__v1__envelope__free_unpacked(env, &envelope_budget.allocator);
    return code;
}

/* ---------------------------------------------------------------- calls */

static maas_code begin_call(maas_client *c, call *k, const char *method, maas_error *err)
{
    if (c->fd < 0)
        return fail(err, MAAS_ERR_UNAVAILABLE, "the connection to %s is closed (%s); connect again", c->peer,
                    c->closed_reason);
    k->id = c->next_call_id++;
    if (c->next_call_id == 0)
        c->next_call_id = 1;
    k->deadline_ms = c->timeout_ms > 0 ? now_ms() + c->timeout_ms : 0;
    k->method = method;
    return MAAS_OK;
}

/* After a send was cut short, the server's answer (if any) is what the caller should see. */
static maas_code answer_after_interrupted_send(maas_client *c, const call *k, int partial,
                                               const ProtobufCMessageDescriptor *response_type,
                                               decode_budget *budget, ProtobufCMessage **response, maas_error *err)
{
    maas_code code = await_response(c, k, response_type, budget, response, err);
    if (partial)
        close_connection(c, "a request frame was cut off when the server answered early");
    return code;
}

static maas_code unary(maas_client *c, const char *method, const ProtobufCMessage *request,
                       const ProtobufCMessageDescriptor *response_type, decode_budget *budget,
                       ProtobufCMessage **response, maas_error *err)
{
    *response = NULL;
    call k;
    maas_code code = begin_call(c, &k, method, err);
    if (code != MAAS_OK)
        return code;
    uint8_t *payload;
    size_t len;
    code = pack_request(c, &k, request, &payload, &len, err);
    if (code != MAAS_OK)
        return code;
    int partial;
    send_result sent = send_frame(c, &k, method, payload, len, 1, &partial, err);
    free(payload);
    if (sent == SEND_FAILED) {
        if (err->code != MAAS_ERR_RESOURCE_EXHAUSTED)
            close_connection(c, "sending a request failed");
        return err->code;
    }
    if (sent == SEND_INTERRUPTED)
        return answer_after_interrupted_send(c, &k, partial, response_type, budget, response, err);
    return await_response(c, &k, response_type, budget, response, err);
}

/* ---------------------------------------------------------------- connection */

maas_code maas_connect(const char *host, uint16_t port, int timeout_ms, maas_client **out, maas_error *err)
{
    ENTER(err);
    if (out == NULL)
        return fail(err, MAAS_ERR_INVALID_ARGUMENT, "maas_connect: out is NULL");
    *out = NULL;
    if (host == NULL || host[0] == '\0')
        return fail(err, MAAS_ERR_INVALID_ARGUMENT, "maas_connect: no host given");
    if (port == 0)
        return fail(err, MAAS_ERR_INVALID_ARGUMENT, "maas_connect: port 0 cannot be connected to");
    if (timeout_ms < 0)
        return fail(err, MAAS_ERR_INVALID_ARGUMENT, "maas_connect: negative timeout %d ms", timeout_ms);

    char peer[PEER_MAX];
    if (strchr(host, ':') != NULL)
        snprintf(peer, sizeof peer, "[%.200s]:%u", host, (unsigned)port);
    else
        snprintf(peer, sizeof peer, "%.200s:%u", host, (unsigned)port);
    char port_text[8];
    snprintf(port_text, sizeof port_text, "%u", (unsigned)port);
    struct addrinfo hints;
    memset(&hints, 0, sizeof hints);
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_STREAM;
    struct addrinfo *addresses = NULL;
    int gai = getaddrinfo(host, port_text, &hints, &addresses);
    if (gai != 0)
        return fail(err, MAAS_ERR_UNAVAILABLE, "cannot resolve %s: %s", peer, gai_strerror(gai));

    int64_t deadline = timeout_ms > 0 ? now_ms() + timeout_ms : 0;
    int fd = -1;
    int last_errno = 0;
    int timed_out = 0;
    for (struct addrinfo *a = addresses; a != NULL && fd < 0 && !timed_out; a = a->ai_next) {
        int s = socket(a->ai_family, a->ai_socktype | SOCK_CLOEXEC | SOCK_NONBLOCK, a->ai_protocol);
        if (s < 0) {
            last_errno = errno;
            continue;
        }
        if (connect(s, a->ai_addr, a->ai_addrlen) == 0) {
            fd = s;
            break;
        }
        if (errno == EINPROGRESS || errno == EINTR) {
            int ready = wait_ready(s, POLLOUT, deadline);
            int so_error = 0;
            socklen_t so_len = sizeof so_error;
            if (ready == 0) {
                timed_out = 1;
            } else if (ready > 0 && getsockopt(s, SOL_SOCKET, SO_ERROR, &so_error, &so_len) == 0 && so_error == 0) {
                fd = s;
                break;
            } else {
                last_errno = so_error != 0 ? so_error : errno;
            }
        } else {
            last_errno = errno;
        }
        close(s);
    }
    freeaddrinfo(addresses);
    if (fd < 0) {
        if (timed_out)
            return fail(err, MAAS_ERR_DEADLINE_EXCEEDED, "connecting to %s timed out after %d ms", peer, timeout_ms);
        return fail(err, MAAS_ERR_UNAVAILABLE, "cannot connect to %s: %s", peer,
                    last_errno != 0 ? strerror(last_errno) : "no usable address");
    }
    int one = 1;
    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one); /* small frames go out at once */

    maas_client *c = calloc(1, sizeof *c);
    if (c == NULL) {
        close(fd);
        return fail(err, MAAS_ERR_RESOURCE_EXHAUSTED, "out of memory for a client");
    }
    c->fd = fd;
    c->next_call_id = 1;
    c->timeout_ms = timeout_ms;
    c->max_frame_size = MAAS_DEFAULT_MAX_FRAME_SIZE;
    memcpy(c->peer, peer, sizeof peer);
    *out = c;
    return MAAS_OK;
}

void maas_close(maas_client *client)
{
    if (client == NULL)
        return;
    if (client->fd >= 0)
        close(client->fd);
    free(client);
}

void maas_set_timeout(maas_client *client, int timeout_ms)
{
    if (client != NULL && timeout_ms >= 0)
        client->timeout_ms = timeout_ms;
}

void maas_set_max_frame_size(maas_client *client, uint32_t max_frame_size)
{
    if (client != NULL)
        client->max_frame_size = max_frame_size < MIN_FRAME_SIZE ? MIN_FRAME_SIZE : max_frame_size;
}

const char *maas_peer(const maas_client *client)
{
    return client != NULL ? client->peer : "";
}

/* ---------------------------------------------------------------- ListVersions */

maas_code maas_list_versions(maas_client *client, const char *name, maas_version_list **out, maas_error *err)
{
    ENTER(err);
    if (out == NULL)
        return fail(err, MAAS_ERR_INVALID_ARGUMENT, "maas_list_versions: out is NULL");
    *out = NULL;
    if (client == NULL || name == NULL)
        return fail(err, MAAS_ERR_INVALID_ARGUMENT, "maas_list_versions: client and name are required");
    Maas__V1__ListVersionsRequest request = MAAS__V1__LIST_VERSIONS_REQUEST__INIT;
    request.name = (char *)name;
    decode_budget budget;
    ProtobufCMessage *message;
    maas_code code = unary(client, "ListVersions", &request.base, &maas__v1__list_versions_response__descriptor,
                           &budget, &message, err);
    if (code != MAAS_OK)
        return code;
    *out = maas_results_version_list((const Maas__V1__ListVersionsResponse *)message);
    protobuf_c_message_free_unpacked(message, &budget.allocator);
    if (*out == NULL)
        return fail(err, MAAS_ERR_RESOURCE_EXHAUSTED, "out of memory copying the version list");
    return MAAS_OK;
}

/* ---------------------------------------------------------------- Predict */

static maas_code check_input(const maas_client *c, const maas_input *in, size_t index, size_t *bytes, maas_error *err)
{
    if (in->name == NULL)
        return fail(err, MAAS_ERR_INVALID_ARGUMENT, "input %zu has no name", index);
    size_t element = maas_dtype_size((int)in->dtype);
    if (element == 0)
        return fail(err, MAAS_ERR_INVALID_ARGUMENT, "input \"%.100s\": dtype %d is not FLOAT32 or INT64", in->name,
                    (int)in->dtype);
    if (in->rank > MAAS_MAX_RANK)
        return fail(err, MAAS_ERR_INVALID_ARGUMENT, "input \"%.100s\": rank %zu is over the limit of %d", in->name,
                    in->rank, MAAS_MAX_RANK);
    if (in->rank > 0 && in->shape == NULL)
        return fail(err, MAAS_ERR_INVALID_ARGUMENT, "input \"%.100s\": rank %zu but no shape", in->name, in->rank);
    int ok;
    size_t count = maas_results_element_count(in->shape, in->rank, &ok);
    if (!ok || count > SIZE_MAX / element)
        return fail(err, MAAS_ERR_INVALID_ARGUMENT, "input \"%.100s\": negative or overflowing shape", in->name);
    *bytes = count * element;
    if (*bytes > c->max_frame_size)
        return fail(err, MAAS_ERR_RESOURCE_EXHAUSTED, "input \"%.100s\" holds %zu bytes, over the frame limit of %u bytes",
                    in->name, *bytes, (unsigned)c->max_frame_size);
    if (*bytes > 0 && in->data == NULL)
        return fail(err, MAAS_ERR_INVALID_ARGUMENT, "input \"%.100s\": %zu elements but no data", in->name, count);
    return MAAS_OK;
}

static int host_is_little_endian(void)
{
    const uint16_t probe = 1;
    return *(const uint8_t *)&probe == 1;
}

maas_code maas_predict(maas_client *client, const char *model, int64_t version, const maas_input *inputs,
                       size_t n_inputs, maas_prediction **out, maas_error *err)
{
    ENTER(err);
    if (out == NULL)
        return fail(err, MAAS_ERR_INVALID_ARGUMENT, "maas_predict: out is NULL");
    *out = NULL;
    if (client == NULL || model == NULL || (n_inputs > 0 && inputs == NULL))
        return fail(err, MAAS_ERR_INVALID_ARGUMENT, "maas_predict: client, model and inputs are required");
    if (version < 0)
        return fail(err, MAAS_ERR_INVALID_ARGUMENT, "version %lld is negative (0 means the latest)", (long long)version);
    if (n_inputs > 4096)
        return fail(err, MAAS_ERR_INVALID_ARGUMENT, "%zu inputs is over the client's limit of 4096", n_inputs);

    /* One allocation for the request's tensors; wire bytes point at the caller's data unless the host is
     * big-endian, where a little-endian copy is made per input. */
    Maas__V1__NamedTensor *named = calloc(n_inputs + 1, sizeof *named);
    Maas__V1__Tensor *tensors = calloc(n_inputs + 1, sizeof *tensors);
    Maas__V1__NamedTensor **pointers = calloc(n_inputs + 1, sizeof *pointers);
    void **swapped = calloc(n_inputs + 1, sizeof *swapped);
    maas_code code = MAAS_OK;
    if (named == NULL || tensors == NULL || pointers == NULL || swapped == NULL)
        code = fail(err, MAAS_ERR_RESOURCE_EXHAUSTED, "out of memory building the Predict request");
    for (size_t i = 0; i < n_inputs && code == MAAS_OK; i++) {
        const maas_input *in = &inputs[i];
        size_t bytes = 0;
        code = check_input(client, in, i, &bytes, err);
        if (code != MAAS_OK)
            break;
        const void *wire = in->data;
        if (!host_is_little_endian() && bytes > 0) {
            swapped[i] = malloc(bytes);
            if (swapped[i] == NULL) {
                code = fail(err, MAAS_ERR_RESOURCE_EXHAUSTED, "out of memory for input \"%.100s\"", in->name);
                break;
            }
            size_t element = maas_dtype_size((int)in->dtype);
            maas_results_copy_le(swapped[i], in->data, bytes / element, element);
            wire = swapped[i];
        }
        Maas__V1__Tensor t = MAAS__V1__TENSOR__INIT;
        t.dtype = in->dtype == MAAS_DTYPE_FLOAT32 ? MAAS__V1__DATA_TYPE__DATA_TYPE_FLOAT32
                                                  : MAAS__V1__DATA_TYPE__DATA_TYPE_INT64;
        t.n_shape = in->rank;
        t.shape = (int64_t *)in->shape;
        t.raw_data.len = bytes;
        t.raw_data.data = (uint8_t *)wire;
        tensors[i] = t;
        Maas__V1__NamedTensor nt = MAAS__V1__NAMED_TENSOR__INIT;
        nt.name = (char *)in->name;
        nt.tensor = &tensors[i];
        named[i] = nt;
        pointers[i] = &named[i];
    }
    if (code == MAAS_OK) {
        Maas__V1__PredictRequest request = MAAS__V1__PREDICT_REQUEST__INIT;
        request.name = (char *)model;
        request.version = version;
        request.n_inputs = n_inputs;
        request.inputs = pointers;
        decode_budget budget;
        ProtobufCMessage *message;
        code = unary(client, "Predict", &request.base, &maas__v1__predict_response__descriptor, &budget, &message,
                     err);
        if (code == MAAS_OK) {
            char why[256];
            *out = maas_results_prediction((const Maas__V1__PredictResponse *)message, &code, why, sizeof why);
            if (*out == NULL)
                fail(err, code, "bad Predict response from %s: %s", client->peer, why);
            protobuf_c_message_free_unpacked(message, &budget.allocator);
        }
    }
    for (size_t i = 0; swapped != NULL && i < n_inputs; i++)
        free(swapped[i]);
    free(swapped);
    free(pointers);
    free(tensors);
    free(named);
    return code;
}

maas_code maas_predict_f32(maas_client *client, const char *model, int64_t version, const char *input_name,
                           const int64_t *shape, size_t rank, const float *data, maas_prediction **out,
                           maas_error *err)
{
    maas_input input = {
        .name = input_name, .dtype = MAAS_DTYPE_FLOAT32, .rank = rank, .shape = shape, .data = data,
    };
    return maas_predict(client, model, version, &input, 1, out, err);
}

maas_code maas_predict_audio(maas_client *client, const char *model, int64_t version, const char *audio_path,
                             maas_prediction **out, maas_error *err)
{
    ENTER(err);
    (void)version;
    if (out != NULL)
        *out = NULL;
    if (client == NULL || model == NULL || audio_path == NULL || out == NULL)
        return fail(err, MAAS_ERR_INVALID_ARGUMENT, "maas_predict_audio: client, model, audio_path and out are required");
    return fail(err, MAAS_ERR_UNIMPLEMENTED,
                "audio input is not supported until the server accepts audio: maas.v1.PredictRequest has no audio "
                "field yet (fields 4-9 are reserved for it)");
}

/* ---------------------------------------------------------------- RegisterModel */

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
            fail(err, MAAS_ERR_INVALID_ARGUMENT, "reading model file %.200s failed after %llu bytes: %s", u->path,
                 (unsigned long long)sent, strerror(errno));
            close_connection(c, "an upload was abandoned");
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
        send_result r = send_frame(c, &u->call, NULL, u->payload, len, last, partial, err);
        if (r == SEND_FAILED)
            close_connection(c, "an upload failed");
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
    maas_code code = pack_request(c, &u->call, &request.base, &header_payload, &header_len, err);
    if (code != MAAS_OK)
        return code;
    int partial = 0;
    send_result sent = send_frame(c, &u->call, "RegisterModel", header_payload, header_len, 0, &partial, err);
    free(header_payload);
    if (sent == SEND_FAILED) {
        if (err->code != MAAS_ERR_RESOURCE_EXHAUSTED)
            close_connection(c, "sending a request failed");
        return err->code;
    }
    if (sent == SEND_DONE)
        sent = send_chunks(u, &partial, err);
    if (sent == SEND_FAILED)
        return err->code;

    decode_budget budget;
    ProtobufCMessage *message;
    if (sent == SEND_INTERRUPTED)
        code = answer_after_interrupted_send(c, &u->call, partial, &maas__v1__register_model_response__descriptor,
                                             &budget, &message, err);
    else
        code = await_response(c, &u->call, &maas__v1__register_model_response__descriptor, &budget, &message, err);
    if (code != MAAS_OK)
        return code;
    const Maas__V1__RegisterModelResponse *response = (const Maas__V1__RegisterModelResponse *)message;
    if (response->version == NULL)
        code = fail(err, MAAS_ERR_INTERNAL, "the RegisterModel response from %s has no version", c->peer);
    else if ((*out = maas_results_version(response->version)) == NULL)
        code = fail(err, MAAS_ERR_RESOURCE_EXHAUSTED, "out of memory copying the registered version");
    protobuf_c_message_free_unpacked(message, &budget.allocator);
    return code;
}

maas_code maas_register_model(maas_client *client, const char *name, const char *path,
                              const maas_register_options *options, maas_version **out, maas_error *err)
{
    ENTER(err);
    if (out == NULL)
        return fail(err, MAAS_ERR_INVALID_ARGUMENT, "maas_register_model: out is NULL");
    *out = NULL;
    if (client == NULL || name == NULL || path == NULL)
        return fail(err, MAAS_ERR_INVALID_ARGUMENT, "maas_register_model: client, name and path are required");
    static const maas_register_options defaults = {0};
    if (options == NULL)
        options = &defaults;
    if (options->n_labels > 0 && options->labels == NULL)
        return fail(err, MAAS_ERR_INVALID_ARGUMENT, "maas_register_model: n_labels is %zu but labels is NULL",
                    options->n_labels);
    size_t chunk_size = options->chunk_size > 0 ? options->chunk_size : MAAS_DEFAULT_CHUNK_SIZE;
    if (chunk_size > client->max_frame_size - 64)
        return fail(err, MAAS_ERR_INVALID_ARGUMENT, "chunk size %zu does not fit the frame limit of %u bytes",
                    chunk_size, (unsigned)client->max_frame_size);

    upload u = {.client = client, .path = path, .chunk_size = chunk_size, .options = options, .file = -1};
    maas_code code = begin_call(client, &u.call, "RegisterModel", err);
    if (code != MAAS_OK)
        return code;
    u.file = open(path, O_RDONLY | O_CLOEXEC);
    if (u.file < 0)
        return fail(err, MAAS_ERR_INVALID_ARGUMENT, "cannot open model file %.200s: %s", path, strerror(errno));
    struct stat st;
    if (fstat(u.file, &st) != 0 || S_ISDIR(st.st_mode)) {
        code = fail(err, MAAS_ERR_INVALID_ARGUMENT, "model file %.200s is a directory or cannot be read", path);
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
    Maas__V1__ModelHeader__LabelsEntry *entries = calloc(options->n_labels + 1, sizeof *entries);
    Maas__V1__ModelHeader__LabelsEntry **entry_pointers = calloc(options->n_labels + 1, sizeof *entry_pointers);
    u.current = malloc(chunk_size);
    u.next = malloc(chunk_size);
    u.payload = malloc(chunk_size + 16); /* tag + length varint + chunk */
    if (entries == NULL || entry_pointers == NULL || u.current == NULL || u.next == NULL || u.payload == NULL) {
        code = fail(err, MAAS_ERR_RESOURCE_EXHAUSTED, "out of memory for %zu-byte upload buffers", chunk_size);
    } else {
        for (size_t i = 0; i < options->n_labels && code == MAAS_OK; i++) {
            const maas_kv *label = &options->labels[i];
            if (label->key == NULL || label->value == NULL) {
                code = fail(err, MAAS_ERR_INVALID_ARGUMENT, "label %zu has no key or value", i);
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
