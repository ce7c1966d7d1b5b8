/*
 * libmaasclient's public entry points: connecting, ListVersions, Predict on tensors, status names. The call
 * machinery is in maas_call.c, uploads in maas_register.c, audio predictions in maas_audio.c, result
 * structs in maas_results.c (and maas_audio_config.c).
 */
#define _POSIX_C_SOURCE 200809L
#define _DEFAULT_SOURCE

#include "maas_call.h"
#include "maas_results.h"

#include <ctype.h>
#include <errno.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#define MIN_FRAME_SIZE (64u * 1024u)

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


/* ---------------------------------------------------------------- connection */

maas_code maas_connect(const char *host, uint16_t port, int timeout_ms, maas_client **out, maas_error *err)
{
    MAAS__ENTER(err);
    if (out == NULL)
        return maas__fail(err, MAAS_ERR_INVALID_ARGUMENT, "maas_connect: out is NULL");
    *out = NULL;
    if (host == NULL || host[0] == '\0')
        return maas__fail(err, MAAS_ERR_INVALID_ARGUMENT, "maas_connect: no host given");
    if (port == 0)
        return maas__fail(err, MAAS_ERR_INVALID_ARGUMENT, "maas_connect: port 0 cannot be connected to");
    if (timeout_ms < 0)
        return maas__fail(err, MAAS_ERR_INVALID_ARGUMENT, "maas_connect: negative timeout %d ms", timeout_ms);

    char peer[MAAS__PEER_MAX];
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
        return maas__fail(err, MAAS_ERR_UNAVAILABLE, "cannot resolve %s: %s", peer, gai_strerror(gai));

    int64_t deadline = timeout_ms > 0 ? maas__now_ms() + timeout_ms : 0;
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
            int ready = maas__wait_ready(s, POLLOUT, deadline);
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
            return maas__fail(err, MAAS_ERR_DEADLINE_EXCEEDED, "connecting to %s timed out after %d ms", peer, timeout_ms);
        /* Lower-case like the Swift CLI ("connection refused"), so both clients print the same line. */
        char reason[128];
        snprintf(reason, sizeof reason, "%s", last_errno != 0 ? strerror(last_errno) : "no usable address");
        for (char *p = reason; *p != '\0'; p++)
            *p = (char)tolower((unsigned char)*p);
        return maas__fail(err, MAAS_ERR_UNAVAILABLE, "cannot connect to %s: %s", peer, reason);
    }
    int one = 1;
    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one); /* small frames go out at once */

    maas_client *c = calloc(1, sizeof *c);
    if (c == NULL) {
        close(fd);
        return maas__fail(err, MAAS_ERR_RESOURCE_EXHAUSTED, "out of memory for a client");
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
    MAAS__ENTER(err);
    if (out == NULL)
        return maas__fail(err, MAAS_ERR_INVALID_ARGUMENT, "maas_list_versions: out is NULL");
    *out = NULL;
    if (client == NULL || name == NULL)
        return maas__fail(err, MAAS_ERR_INVALID_ARGUMENT, "maas_list_versions: client and name are required");
    Maas__V1__ListVersionsRequest request = MAAS__V1__LIST_VERSIONS_REQUEST__INIT;
    request.name = (char *)name;
    decode_budget budget;
    ProtobufCMessage *message;
    maas_code code = maas__unary(client, "ListVersions", &request.base, &maas__v1__list_versions_response__descriptor,
                           &budget, &message, err);
    if (code != MAAS_OK)
        return code;
    char why[256];
    *out = maas_results_version_list((const Maas__V1__ListVersionsResponse *)message, &code, why, sizeof why);
    protobuf_c_message_free_unpacked(message, &budget.allocator);
    if (*out == NULL)
        return maas__fail(err, code, "bad ListVersions response from %s: %s", client->peer, why);
    return MAAS_OK;
}

/* ---------------------------------------------------------------- Predict */

static maas_code check_input(const maas_client *c, const maas_input *in, size_t index, size_t *bytes, maas_error *err)
{
    if (in->name == NULL)
        return maas__fail(err, MAAS_ERR_INVALID_ARGUMENT, "input %zu has no name", index);
    size_t element = maas_dtype_size((int)in->dtype);
    if (element == 0)
        return maas__fail(err, MAAS_ERR_INVALID_ARGUMENT, "input \"%.100s\": dtype %d is not FLOAT32 or INT64", in->name,
                    (int)in->dtype);
    if (in->rank > MAAS_MAX_RANK)
        return maas__fail(err, MAAS_ERR_INVALID_ARGUMENT, "input \"%.100s\": rank %zu is over the limit of %d", in->name,
                    in->rank, MAAS_MAX_RANK);
    if (in->rank > 0 && in->shape == NULL)
        return maas__fail(err, MAAS_ERR_INVALID_ARGUMENT, "input \"%.100s\": rank %zu but no shape", in->name, in->rank);
    int ok;
    size_t count = maas_results_element_count(in->shape, in->rank, &ok);
    if (!ok || count > SIZE_MAX / element)
        return maas__fail(err, MAAS_ERR_INVALID_ARGUMENT, "input \"%.100s\": negative or overflowing shape", in->name);
    *bytes = count * element;
    if (*bytes > c->max_frame_size)
        return maas__fail(err, MAAS_ERR_RESOURCE_EXHAUSTED, "input \"%.100s\" holds %zu bytes, over the frame limit of %u bytes",
                    in->name, *bytes, (unsigned)c->max_frame_size);
    if (*bytes > 0 && in->data == NULL)
        return maas__fail(err, MAAS_ERR_INVALID_ARGUMENT, "input \"%.100s\": %zu elements but no data", in->name, count);
    return MAAS_OK;
}

static int host_is_little_endian(void)
{
    const uint16_t probe = 1;
    return *(const uint8_t *)&probe == 1;
}

maas_code maas__predict_call(maas_client *client, const Maas__V1__PredictRequest *request, maas_prediction **out,
                             maas_error *err)
{
    decode_budget budget;
    ProtobufCMessage *message;
    maas_code code = maas__unary(client, "Predict", &request->base, &maas__v1__predict_response__descriptor, &budget,
                                 &message, err);
    if (code != MAAS_OK)
        return code;
    char why[256];
    *out = maas_results_prediction((const Maas__V1__PredictResponse *)message, &code, why, sizeof why);
    if (*out == NULL)
        maas__fail(err, code, "bad Predict response from %s: %s", client->peer, why);
    protobuf_c_message_free_unpacked(message, &budget.allocator);
    return code;
}

maas_code maas_predict(maas_client *client, const char *model, int64_t version, const maas_input *inputs,
                       size_t n_inputs, maas_prediction **out, maas_error *err)
{
    MAAS__ENTER(err);
    if (out == NULL)
        return maas__fail(err, MAAS_ERR_INVALID_ARGUMENT, "maas_predict: out is NULL");
    *out = NULL;
    if (client == NULL || model == NULL || (n_inputs > 0 && inputs == NULL))
        return maas__fail(err, MAAS_ERR_INVALID_ARGUMENT, "maas_predict: client, model and inputs are required");
    if (version < 0)
        return maas__fail(err, MAAS_ERR_INVALID_ARGUMENT, "version %lld is negative (0 means the latest)", (long long)version);
    if (n_inputs > 4096)
        return maas__fail(err, MAAS_ERR_INVALID_ARGUMENT, "%zu inputs is over the client's limit of 4096", n_inputs);

    /* One allocation for the request's tensors; wire bytes point at the caller's data unless the host is
     * big-endian, where a little-endian copy is made per input. */
    Maas__V1__NamedTensor *named = calloc(n_inputs + 1, sizeof *named);
    Maas__V1__Tensor *tensors = calloc(n_inputs + 1, sizeof *tensors);
    Maas__V1__NamedTensor **pointers = calloc(n_inputs + 1, sizeof *pointers);
    void **swapped = calloc(n_inputs + 1, sizeof *swapped);
    maas_code code = MAAS_OK;
    if (named == NULL || tensors == NULL || pointers == NULL || swapped == NULL)
        code = maas__fail(err, MAAS_ERR_RESOURCE_EXHAUSTED, "out of memory building the Predict request");
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
                code = maas__fail(err, MAAS_ERR_RESOURCE_EXHAUSTED, "out of memory for input \"%.100s\"", in->name);
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
        Maas__V1__PredictRequest request;
        maas__v1__predict_request__init(&request);
        request.name = (char *)model;
        request.version = version;
        request.n_inputs = n_inputs;
        request.inputs = pointers;
        code = maas__predict_call(client, &request, out, err);
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
