/* Seeded damage to a valid answer: flipped, replaced, inserted, dropped or cut bytes, now and then a length
 * prefix that does not match. The same seed always gives the same bytes. */
#define _POSIX_C_SOURCE 200809L

#include <stdlib.h>
#include <string.h>

#include "fake_server.h"

/* splitmix64: small, and the same on every platform. */
static uint64_t next_random(uint64_t *state)
{
    uint64_t z = (*state += 0x9E3779B97F4A7C15u);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9u;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBu;
    return z ^ (z >> 31);
}

static double uniform(uint64_t *state) /* [0, 1) */
{
    return (double)(next_random(state) >> 11) * (1.0 / 9007199254740992.0);
}

static size_t below(uint64_t *state, size_t n) /* [0, n), n > 0 */
{
    return (size_t)(next_random(state) % n);
}

next send_damaged(connection *c, uint64_t call_id, const ProtobufCMessage *message, uint64_t seed)
{
    uint64_t state = seed;
    Maas__V1__Status ok = MAAS__V1__STATUS__INIT;
    Maas__V1__Envelope envelope = MAAS__V1__ENVELOPE__INIT;
    envelope.call_id = call_id;
    envelope.end_stream = 1;
    envelope.status = &ok;
    envelope.payload.data = pack_message(message, &envelope.payload.len);
    size_t len;
    uint8_t *packed = pack_message(&envelope.base, &len);
    free(envelope.payload.data);
    uint8_t *body = malloc(len + 4 * 8); /* at most four insertions of at most 8 bytes */
    if (body == NULL) {
        free(packed);
        report("out of memory damaging an answer");
        return HANG_UP;
    }
    memcpy(body, packed, len);
    free(packed);
    static const uint8_t interesting[8] = {0x00, 0x7F, 0x80, 0xFF, 0x0A, 0x12, 0x1A, 0x22};
    size_t rounds = 1 + below(&state, 4);
    for (size_t r = 0; r < rounds; r++) {
        double kind = uniform(&state);
        size_t at = len > 0 ? below(&state, len) : 0;
        if (kind < 0.4 && len > 0) {
            body[at] ^= (uint8_t)(1u << below(&state, 8));
        } else if (kind < 0.6 && len > 0) {
            body[at] = interesting[below(&state, 8)];
        } else if (kind < 0.75) {
            size_t n = 1 + below(&state, 8);
            memmove(body + at + n, body + at, len - at);
            for (size_t i = 0; i < n; i++)
                body[at + i] = (uint8_t)below(&state, 256);
            len += n;
        } else if (kind < 0.9 && len > 0) {
            size_t n = 1 + below(&state, 16);
            if (n > len - at)
                n = len - at;
            memmove(body + at, body + at + n, len - at - n);
            len -= n;
        } else {
            len = below(&state, len + 1);
        }
    }
    /* A prefix promising more ends in EOF, since the connection closes next, not in a wait. */
    size_t claimed = len;
    if (uniform(&state) < 0.1) {
        long shift = (long)below(&state, 17) - 8;
        claimed = shift < 0 && (size_t)-shift > len ? 0 : (size_t)((long)len + shift);
    }
    const uint8_t prefix[4] = {(uint8_t)(claimed >> 24), (uint8_t)(claimed >> 16), (uint8_t)(claimed >> 8),
                               (uint8_t)claimed};
    send_raw(c, prefix, 4);
    send_raw(c, body, len);
    free(body);
    return HANG_UP;
}
