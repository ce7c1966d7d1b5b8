/* test_client: caller mistakes are INVALID_ARGUMENT and send nothing; connect failures and code names. */
#define _POSIX_C_SOURCE 200809L

#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdint.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "harness.h"

/* ---------------------------------------------------------------- caller mistakes */

void bad_arguments_are_invalid_argument_and_send_nothing(void)
{
    maas_client *c = open_client(5000);
    maas_prediction *p;
    maas_error err;
    const float x[] = {1, 2};
    const int64_t negative[] = {-2};
    const int64_t overflow[] = {INT64_MAX, INT64_MAX};
    int64_t deep[MAAS_MAX_RANK + 1];
    for (int i = 0; i <= MAAS_MAX_RANK; i++)
        deep[i] = 1;
    const int64_t two[] = {2};
    CHECK(maas_predict_f32(c, "iris", 0, "x", negative, 1, x, &p, &err) == MAAS_ERR_INVALID_ARGUMENT, "%s", err.message);
    CHECK(maas_predict_f32(c, "iris", 0, "x", overflow, 2, x, &p, &err) == MAAS_ERR_INVALID_ARGUMENT, "%s", err.message);
    CHECK(maas_predict_f32(c, "iris", 0, "x", deep, MAAS_MAX_RANK + 1, x, &p, &err) == MAAS_ERR_INVALID_ARGUMENT, "%s",
          err.message);
    CHECK(maas_predict_f32(c, "iris", 0, "x", two, 1, NULL, &p, &err) == MAAS_ERR_INVALID_ARGUMENT, "%s", err.message);
    CHECK(maas_predict_f32(c, "iris", 0, NULL, two, 1, x, &p, &err) == MAAS_ERR_INVALID_ARGUMENT, "%s", err.message);
    CHECK(maas_predict_f32(c, "iris", -1, "x", two, 1, x, &p, &err) == MAAS_ERR_INVALID_ARGUMENT, "%s", err.message);
    CHECK(maas_predict_f32(c, "iris", 0, "x", two, 1, x, NULL, &err) == MAAS_ERR_INVALID_ARGUMENT, "%s", err.message);
    maas_input odd = {.name = "x", .dtype = (maas_dtype)7, .rank = 1, .shape = two, .data = x};
    CHECK(maas_predict(c, "iris", 0, &odd, 1, &p, &err) == MAAS_ERR_INVALID_ARGUMENT, "%s", err.message);
    CHECK(maas_predict(c, "iris", 0, NULL, 1, &p, &err) == MAAS_ERR_INVALID_ARGUMENT, "%s", err.message);
    CHECK(maas_list_versions(c, NULL, NULL, NULL) == MAAS_ERR_INVALID_ARGUMENT, "NULL err is allowed");
    maas_version *v;
    maas_register_options bad_labels = {.n_labels = 2};
    CHECK(maas_register_model(c, "iris", "x", &bad_labels, &v, &err) == MAAS_ERR_INVALID_ARGUMENT, "%s", err.message);
    check_usable(c);
    maas_close(c);
    maas_close(NULL);
}

void connect_failures_are_reported(void)
{
    maas_client *c = (maas_client *)&c;
    maas_error err;
    CHECK(maas_connect("127.0.0.1", 0, 1000, &c, &err) == MAAS_ERR_INVALID_ARGUMENT && c == NULL, "port 0");
    CHECK(maas_connect("127.0.0.1", port, -5, &c, &err) == MAAS_ERR_INVALID_ARGUMENT, "negative timeout");
    CHECK(maas_connect(NULL, port, 0, &c, &err) == MAAS_ERR_INVALID_ARGUMENT, "no host");
    /* A port that was just free: nothing listens there. */
    int s = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    socklen_t len = sizeof a;
    bind(s, (struct sockaddr *)&a, sizeof a);
    getsockname(s, (struct sockaddr *)&a, &len);
    close(s);
    maas_code code = maas_connect("127.0.0.1", ntohs(a.sin_port), 1000, &c, &err);
    CHECK_CODE(code, MAAS_ERR_UNAVAILABLE, err);
    CHECK(strstr(err.message, "refused") != NULL, "message: %s", err.message);
    code = maas_connect("::1", port, 1000, &c, &err); /* the fake server listens on IPv4 only */
    CHECK(code == MAAS_ERR_UNAVAILABLE && strstr(err.message, "[::1]:") != NULL, "%s", err.message);
}

void code_names_follow_grpc(void)
{
    CHECK(strcmp(maas_code_name(MAAS_OK), "OK") == 0, "OK");
    CHECK(strcmp(maas_code_name(MAAS_ERR_NOT_FOUND), "NOT_FOUND") == 0, "NOT_FOUND");
    CHECK(strcmp(maas_code_name(MAAS_ERR_UNAUTHENTICATED), "UNAUTHENTICATED") == 0, "UNAUTHENTICATED");
    CHECK(strcmp(maas_code_name(99), "UNKNOWN") == 0 && strcmp(maas_code_name(-1), "UNKNOWN") == 0, "out of range");
    CHECK(maas_dtype_size(MAAS_DTYPE_FLOAT32) == 4 && maas_dtype_size(MAAS_DTYPE_INT64) == 8 && maas_dtype_size(9) == 0,
          "dtype sizes");
}
