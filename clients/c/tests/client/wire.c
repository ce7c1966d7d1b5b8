/* test_client: what the client puts on the wire: call ids, timeouts and frame limits, and request bytes
 * identical to those Google's protobuf writes (tests/fixtures/wire, made by tests/make_wire_fixtures.py). */
#define _POSIX_C_SOURCE 200809L

#include <arpa/inet.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include "harness.h"
#include "maas/v1/maas.pb-c.h"

/* ---------------------------------------------------------------- what goes on the wire */

void each_call_sends_its_method_a_new_call_id_and_timeout_ms(void)
{
    maas_client *c = open_client(5000);
    maas_version_list *list;
    maas_error err;
    maas_code code = maas_list_versions(c, "echo-metadata", &list, &err);
    CHECK_CODE(code, MAAS_ERR_FAILED_PRECONDITION, err);
    unsigned long long call_id = 0;
    long long timeout = -1;
    CHECK(sscanf(err.message, "call_id=%llu method=/maas.v1.ModelService/ListVersions end_stream=1 metadata=timeout-ms=%lld",
                 &call_id, &timeout) == 2,
          "message: %s", err.message);
    CHECK(call_id == 1 && timeout > 0 && timeout <= 5000, "call id %llu, timeout-ms %lld", call_id, timeout);
    code = maas_list_versions(c, "echo-metadata", &list, &err);
    CHECK(strstr(err.message, "call_id=2 ") != NULL, "second call: %s", err.message);
    maas_set_timeout(c, 0);
    code = maas_list_versions(c, "echo-metadata", &list, &err);
    CHECK(strstr(err.message, "call_id=3 ") != NULL && strstr(err.message, "metadata=") != NULL &&
              strstr(err.message, "timeout-ms") == NULL,
          "no timeout, no metadata: %s", err.message);
    maas_close(c);
}

void a_request_over_the_frame_limit_is_refused_before_sending(void)
{
    maas_client *c = open_client(5000);
    maas_set_max_frame_size(c, 64 * 1024);
    int64_t shape[] = {20000};
    float *x = calloc(20000, sizeof *x);
    maas_prediction *p;
    maas_error err;
    maas_code code = maas_predict_f32(c, "iris", 0, "x", shape, 1, x, &p, &err);
    CHECK_CODE(code, MAAS_ERR_RESOURCE_EXHAUSTED, err);
    CHECK(err.from_server == 0, "decided by the client");
    check_usable(c);
    maas_close(c);

    /* Over the server's 8 MiB limit but under the client's: the server refuses it from the prefix. */
    c = open_client(10000);
    shape[0] = 3 << 20;
    float *big = calloc((size_t)shape[0], sizeof *big);
    code = maas_predict_f32(c, "iris", 0, "x", shape, 1, big, &p, &err);
    CHECK_CODE(code, MAAS_ERR_RESOURCE_EXHAUSTED, err);
    CHECK(err.from_server == 1 && strstr(err.message, "exceeds the limit") != NULL, "message: %s", err.message);
    check_closed(c);
    maas_close(c);
    free(big);
    free(x);
}

/* ---------------------------------------------------------------- the bytes, against Google's protobuf */

/* A listener that records what one connection sends, up to the frame that ends the call, then hangs up
 * (so the client's call fails with UNAVAILABLE, having sent everything). */
typedef struct capture {
    int listener;
    uint16_t port;
    pthread_t thread;
    uint8_t bytes[4096];
    size_t len;
    int overflow;
} capture;

static int capture_read(int fd, capture *k, size_t n)
{
    if (n > sizeof k->bytes - k->len) {
        k->overflow = 1;
        return 0;
    }
    while (n > 0) {
        ssize_t r = recv(fd, k->bytes + k->len, n, 0);
        if (r <= 0)
            return 0;
        k->len += (size_t)r;
        n -= (size_t)r;
    }
    return 1;
}

static void *capture_call(void *context)
{
    capture *k = context;
    int fd = accept(k->listener, NULL, NULL);
    if (fd < 0)
        return NULL;
    struct timeval ten_seconds = {.tv_sec = 10}; /* only so a broken client cannot hang the suite */
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &ten_seconds, sizeof ten_seconds);
    for (int frames = 0; frames < 8; frames++) {
        size_t start = k->len;
        if (!capture_read(fd, k, 4))
            break;
        const uint8_t *p = k->bytes + start;
        size_t n = (size_t)p[0] << 24 | (size_t)p[1] << 16 | (size_t)p[2] << 8 | p[3];
        if (!capture_read(fd, k, n))
            break;
        Maas__V1__Envelope *envelope = maas__v1__envelope__unpack(NULL, n, k->bytes + start + 4);
        int last = envelope == NULL || envelope->end_stream;
        maas__v1__envelope__free_unpacked(envelope, NULL);
        if (last)
            break;
    }
    close(fd);
    return NULL;
}

static void start_capture(capture *k)
{
    memset(k, 0, sizeof *k);
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    socklen_t len = sizeof a;
    k->listener = socket(AF_INET, SOCK_STREAM, 0);
    if (k->listener < 0 || bind(k->listener, (struct sockaddr *)&a, sizeof a) != 0 || listen(k->listener, 1) != 0 ||
        getsockname(k->listener, (struct sockaddr *)&a, &len) != 0 ||
        pthread_create(&k->thread, NULL, capture_call, k) != 0) {
        perror("capture listener");
        exit(2);
    }
    k->port = ntohs(a.sin_port);
}

/* Waits for the capture, then compares it with tests/fixtures/wire/NAME. */
static void check_capture(capture *k, const char *name)
{
    pthread_join(k->thread, NULL);
    close(k->listener);
    char path[512];
    snprintf(path, sizeof path, "%s/wire/%s", fixtures, name);
    uint8_t want[4096];
    size_t n = 0;
    FILE *f = fopen(path, "rb");
    if (f != NULL) {
        n = fread(want, 1, sizeof want, f);
        fclose(f);
    }
    CHECK(f != NULL && n > 0, "cannot read %s", path);
    size_t at = 0;
    while (at < n && at < k->len && want[at] == k->bytes[at])
        at++;
    CHECK(!k->overflow && k->len == n && at == n, "%s: sent %zu bytes%s, Google's protobuf %zu; first difference at byte %zu",
          name, k->len, k->overflow ? " (and more)" : "", n, at);
}

void requests_are_the_bytes_googles_protobuf_writes(void)
{
    maas_error err;
    capture k;
    start_capture(&k);
    maas_client *c = connect_to(k.port, 0); /* no timeout: no timeout-ms metadata, whose value varies */
    maas_version_list *list;
    maas_code code = maas_list_versions(c, "iris", &list, &err);
    CHECK_CODE(code, MAAS_ERR_UNAVAILABLE, err);
    maas_close(c);
    check_capture(&k, "list_versions.bin");

    start_capture(&k);
    c = connect_to(k.port, 0);
    const int64_t shape[] = {2, 3};
    const float x[] = {1.5f, -2.0f, 0.25f, 7.0f, 0.0f, -0.125f};
    maas_prediction *p;
    code = maas_predict_f32(c, "iris", 3, "x", shape, 2, x, &p, &err);
    CHECK_CODE(code, MAAS_ERR_UNAVAILABLE, err);
    maas_close(c);
    check_capture(&k, "predict.bin");

    char path[512];
    snprintf(path, sizeof path, "%s/abcde.bin", scratch);
    FILE *f = fopen(path, "wb");
    CHECK(f != NULL && fputs("abcde", f) >= 0 && fclose(f) == 0, "writing %s", path);
    const maas_kv labels[] = {{"k", "v"}};
    maas_register_options options = {
        .description = "d",
        .labels = labels,
        .n_labels = 1,
        .format = MAAS_FORMAT_MAAS_PLAN,
        .sha256 = "36bbe50ed96841d10443bcb670d6554f0a34b761be67ec9c4a8ad2c0c44ca42c",
        .chunk_size = 3,
    };
    maas_version *v;
    start_capture(&k);
    c = connect_to(k.port, 0);
    code = maas_register_model(c, "m", path, &options, &v, &err);
    CHECK_CODE(code, MAAS_ERR_UNAVAILABLE, err);
    maas_close(c);
    check_capture(&k, "register.bin");

    /* Audio: a file's bytes with top_k and include_features; raw stereo samples. */
    const maas_audio_options audio_options = {.top_k = 3, .include_features = 1};
    start_capture(&k);
    c = connect_to(k.port, 0);
    code = maas_predict_audio_bytes(c, "speech", 2, "RIFF\0\0\0\0WAVE", 12, &audio_options, &p, &err);
    CHECK_CODE(code, MAAS_ERR_UNAVAILABLE, err);
    maas_close(c);
    check_capture(&k, "predict_audio.bin");

    const float samples[] = {0.5f, -1.0f, 0.25f, 0.0f};
    start_capture(&k);
    c = connect_to(k.port, 0);
    code = maas_predict_pcm(c, "speech", 0, samples, 4, 2, 16000, NULL, &p, &err);
    CHECK_CODE(code, MAAS_ERR_UNAVAILABLE, err);
    maas_close(c);
    check_capture(&k, "predict_pcm.bin");

    make_file(path, sizeof path, "empty-for-wire.bin", 0);
    start_capture(&k);
    c = connect_to(k.port, 0);
    code = maas_register_model(c, "empty", path, NULL, &v, &err);
    CHECK_CODE(code, MAAS_ERR_UNAVAILABLE, err);
    maas_close(c);
    check_capture(&k, "register_empty.bin");
}
