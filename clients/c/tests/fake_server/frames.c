/* The framing: a 4-byte big-endian length, then that many bytes holding an Envelope. */
#define _POSIX_C_SOURCE 200809L

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>

#include "fake_server.h"

void report(const char *format, ...)
{
    char line[1024];
    va_list args;
    va_start(args, format);
    vsnprintf(line, sizeof line, format, args);
    va_end(args);
    fprintf(stderr, "fake server: %s\n", line); /* one call, so threads do not interleave a line */
}

/* 1 when all n bytes arrived; 0 at EOF or on an error (the client hung up). */
static int read_exact(connection *c, uint8_t *into, size_t n)
{
    size_t got = 0;
    while (got < n) {
        ssize_t r = recv(c->fd, into + got, n - got, 0);
        if (r < 0 && errno == EINTR)
            continue;
        if (r <= 0)
            return 0;
        got += (size_t)r;
    }
    return 1;
}

Maas__V1__Envelope *read_envelope(connection *c)
{
    uint8_t prefix[4];
    if (!read_exact(c, prefix, 4))
        return NULL;
    uint32_t length = (uint32_t)prefix[0] << 24 | (uint32_t)prefix[1] << 16 | (uint32_t)prefix[2] << 8 | prefix[3];
    if (length > MAX_FRAME) {
        answer_error(c, 0, CODE_RESOURCE_EXHAUSTED, "frame of %u bytes exceeds the limit of %u", (unsigned)length,
                     MAX_FRAME);
        close_gracefully(c);
        return NULL;
    }
    uint8_t *body = malloc(length ? length : 1);
    if (body == NULL) {
        report("out of memory for a %u-byte frame", (unsigned)length);
        return NULL;
    }
    Maas__V1__Envelope *envelope = NULL;
    if (read_exact(c, body, length)) {
        envelope = maas__v1__envelope__unpack(NULL, length, body);
        if (envelope == NULL)
            report("a %u-byte frame from the client is not a maas.v1.Envelope", (unsigned)length);
    }
    free(body);
    return envelope;
}

void send_raw(connection *c, const void *data, size_t n)
{
    const uint8_t *p = data;
    while (n > 0 && !c->broken) {
        ssize_t sent = send(c->fd, p, n, MSG_NOSIGNAL);
        if (sent < 0 && errno == EINTR)
            continue;
        if (sent <= 0) {
            report("sending to the client failed: %s", strerror(errno));
            c->broken = 1;
            return;
        }
        p += sent;
        n -= (size_t)sent;
    }
}

uint8_t *pack_message(const ProtobufCMessage *message, size_t *len)
{
    *len = protobuf_c_message_get_packed_size(message);
    uint8_t *bytes = malloc(*len ? *len : 1);
    if (bytes == NULL) {
        report("out of memory packing a %zu-byte message", *len);
        exit(1);
    }
    protobuf_c_message_pack(message, bytes);
    return bytes;
}

void send_envelope(connection *c, const Maas__V1__Envelope *envelope)
{
    size_t len = protobuf_c_message_get_packed_size(&envelope->base);
    uint8_t *frame = malloc(4 + len);
    if (frame == NULL) {
        report("out of memory for a %zu-byte frame", len);
        exit(1);
    }
    for (int i = 0; i < 4; i++)
        frame[i] = (uint8_t)(len >> (24 - 8 * i));
    protobuf_c_message_pack(&envelope->base, frame + 4);
    send_raw(c, frame, 4 + len);
    free(frame);
}

void answer(connection *c, uint64_t call_id, const ProtobufCMessage *message, int code, const char *text)
{
    Maas__V1__Status status = MAAS__V1__STATUS__INIT;
    status.code = code;
    status.message = (char *)text;
    Maas__V1__Envelope envelope = MAAS__V1__ENVELOPE__INIT;
    envelope.call_id = call_id;
    envelope.end_stream = 1;
    envelope.status = &status;
    uint8_t *payload = NULL;
    if (message != NULL) {
        payload = pack_message(message, &envelope.payload.len);
        envelope.payload.data = payload;
    }
    send_envelope(c, &envelope);
    free(payload);
}

void answer_error(connection *c, uint64_t call_id, int code, const char *format, ...)
{
    char text[1024];
    va_list args;
    va_start(args, format);
    vsnprintf(text, sizeof text, format, args);
    va_end(args);
    answer(c, call_id, NULL, code, text);
}

void close_gracefully(connection *c)
{
    shutdown(c->fd, SHUT_WR);
    struct timeval five_seconds = {.tv_sec = 5};
    setsockopt(c->fd, SOL_SOCKET, SO_RCVTIMEO, &five_seconds, sizeof five_seconds);
    uint8_t sink[16 * 1024];
    while (recv(c->fd, sink, sizeof sink, 0) > 0) {
    }
}
