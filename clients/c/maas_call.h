/*
 * Internal to libmaasclient: the client struct and the machinery of one call (maas_call.c), shared by the
 * public entry points (maas_client.c) and the upload (maas_register.c). Names start with `maas__` so they
 * cannot collide with a program linking the static library.
 */
#ifndef MAAS_CALL_H
#define MAAS_CALL_H

#include <stddef.h>
#include <stdint.h>

#include "maas/v1/maas.pb-c.h"
#include "maas_client.h"

#define MAAS__STAGE_SIZE (64u * 1024u)
#define MAAS__PEER_MAX 300 /* "[host]:port" with the host cut at 200 bytes */

struct maas_client {
    int fd; /* -1 once closed */
    uint64_t next_call_id;
    int timeout_ms;
    uint32_t max_frame_size;
    char peer[MAAS__PEER_MAX];
    char closed_reason[200];
    uint8_t stage[MAAS__STAGE_SIZE]; /* outgoing bytes are gathered here before send() */
};

/* One call in progress. */
typedef struct call {
    uint64_t id;
    int64_t deadline_ms; /* monotonic; 0 = none */
    const char *method;  /* short name, e.g. "Predict" */
} call;

/* Public entry points start with this, so internal code always has somewhere to put an error. */
#define MAAS__ENTER(err)                                                                                   \
    maas_error scratch_error_;                                                                            \
    if ((err) == NULL)                                                                                    \
        (err) = &scratch_error_;                                                                          \
    (err)->code = MAAS_OK;                                                                                \
    (err)->from_server = 0;                                                                               \
    (err)->message[0] = '\0'

/* Fills *err (a client-side failure) and returns code. */
maas_code maas__fail(maas_error *err, maas_code code, const char *format, ...) __attribute__((format(printf, 3, 4)));

/* Closes the socket for good; later calls fail with UNAVAILABLE naming `reason`. */
void maas__close_connection(maas_client *c, const char *reason);

int64_t maas__now_ms(void);

/* poll() until fd is ready for `events`: the revents, 0 when the deadline (monotonic ms, 0 = none) passed,
 * -1 on error. */
int maas__wait_ready(int fd, short events, int64_t deadline_ms);

/* Assigns the next call id and arms the deadline; UNAVAILABLE when the connection was closed. */
maas_code maas__begin_call(maas_client *c, call *k, const char *method, maas_error *err);

/* Packs a request message into a fresh buffer (*out, freed by the caller); RESOURCE_EXHAUSTED, before
 * allocating, when it cannot fit in a frame. */
maas_code maas__pack_request(maas_client *c, const call *k, const ProtobufCMessage *request, uint8_t **out,
                             size_t *len, maas_error *err);

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
send_result maas__send_frame(maas_client *c, const call *k, const char *method, const uint8_t *payload,
                             size_t payload_len, int end_stream, int *partial, maas_error *err);

/* A protobuf-c allocator with a ceiling, so a small hostile frame cannot make the decoder allocate far
 * more than it holds (an empty submessage costs 2 bytes on the wire and ~100 in memory). */
typedef struct decode_budget {
    ProtobufCAllocator allocator;
    size_t limit;
    size_t used;
    int exceeded;
} decode_budget;

/*
 * Reads the response of call k and decodes its payload as `response_type` into *response, which the
 * caller frees with protobuf_c_message_free_unpacked(*response, &budget->allocator). A non-OK status
 * becomes the return value, with the server's message.
 */
maas_code maas__await_response(maas_client *c, const call *k, const ProtobufCMessageDescriptor *response_type,
                               decode_budget *budget, ProtobufCMessage **response, maas_error *err);

/* After a send was cut short, the server's answer (if any) is what the caller should see; a frame cut in
 * the middle closes the connection afterwards. */
maas_code maas__answer_early(maas_client *c, const call *k, int partial,
                             const ProtobufCMessageDescriptor *response_type, decode_budget *budget,
                             ProtobufCMessage **response, maas_error *err);

/* One request frame, one response frame: begin, pack, send, await. */
maas_code maas__unary(maas_client *c, const char *method, const ProtobufCMessage *request,
                      const ProtobufCMessageDescriptor *response_type, decode_budget *budget,
                      ProtobufCMessage **response, maas_error *err);

/* A Predict call: sends the request, checks and copies the answer into *out (set only on success). */
maas_code maas__predict_call(maas_client *c, const Maas__V1__PredictRequest *request, maas_prediction **out,
                             maas_error *err);

#endif /* MAAS_CALL_H */
