/* SHA-256 (FIPS 180-4), so the fake server can check and report upload digests without OpenSSL. */
#ifndef FAKE_SERVER_SHA256_H
#define FAKE_SERVER_SHA256_H

#include <stddef.h>
#include <stdint.h>

typedef struct sha256 {
    uint32_t state[8];
    uint64_t length; /* bytes hashed so far */
    uint8_t block[64];
    size_t used; /* bytes waiting in block */
} sha256;

void sha256_init(sha256 *h);
void sha256_update(sha256 *h, const void *data, size_t n);
/* Writes the digest as 64 lower-case hex digits and a NUL. */
void sha256_hex(sha256 *h, char out[65]);

#endif
