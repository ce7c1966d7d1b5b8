/*
 * fake_server: listens on 127.0.0.1 at a free port, prints "PORT <n>", and serves every connection on its
 * own thread until its standard input closes (so it cannot outlive the script that started it).
 *
 * Usage: fake_server  (see fake_server.h for what it answers)
 */
#define _POSIX_C_SOURCE 200809L

#include <arpa/inet.h>
#include <netinet/in.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "fake_server.h"

static upload *find_upload(connection *c, uint64_t id)
{
    for (size_t i = 0; i < MAX_UPLOADS; i++)
        if (c->uploads[i].in_use && c->uploads[i].call_id == id)
            return &c->uploads[i];
    return NULL;
}

/* 1 when `id` was answered early: its remaining frames are dropped, up to its end_stream. */
static int drop_if_ignored(connection *c, uint64_t id, int end_stream)
{
    for (size_t i = 0; i < c->n_ignored; i++) {
        if (c->ignored[i] == id) {
            if (end_stream)
                c->ignored[i] = c->ignored[--c->n_ignored];
            return 1;
        }
    }
    return 0;
}

static next dispatch(connection *c, const Maas__V1__Envelope *envelope)
{
    uint64_t id = envelope->call_id;
    upload *u = find_upload(c, id);
    if (u != NULL)
        return upload_frame(c, u, envelope);
    if (drop_if_ignored(c, id, envelope->end_stream))
        return KEEP_GOING;
    if (id <= c->last_call_id) {
        answer_error(c, id, CODE_INTERNAL, "call id %llu after %llu: ids must grow", (unsigned long long)id,
                     (unsigned long long)c->last_call_id);
        return KEEP_GOING;
    }
    c->last_call_id = id;
    const char *method = envelope->method;
    size_t prefix = strlen(METHOD_PREFIX);
    const char *short_name = strncmp(method, METHOD_PREFIX, prefix) == 0 ? method + prefix : "";
    if (strcmp(short_name, "ListVersions") == 0)
        return list_versions(c, envelope);
    if (strcmp(short_name, "Predict") == 0)
        return predict(c, envelope);
    if (strcmp(short_name, "RegisterModel") == 0)
        return register_model(c, envelope);
    answer_error(c, id, CODE_UNIMPLEMENTED, "unknown method '%s'", method);
    return KEEP_GOING;
}

static void *serve(void *context)
{
    connection *c = context;
    for (;;) {
        Maas__V1__Envelope *envelope = read_envelope(c);
        if (envelope == NULL)
            break;
        next outcome = dispatch(c, envelope);
        maas__v1__envelope__free_unpacked(envelope, NULL);
        if (outcome == HANG_UP || c->broken)
            break;
    }
    for (size_t i = 0; i < MAX_UPLOADS; i++)
        if (c->uploads[i].in_use)
            upload_discard(&c->uploads[i]);
    close(c->fd);
    free(c);
    return NULL;
}

static void *accept_forever(void *context)
{
    int listener = *(int *)context;
    for (;;) {
        int fd = accept(listener, NULL, NULL);
        if (fd < 0)
            continue;
        connection *c = calloc(1, sizeof *c);
        pthread_t thread;
        if (c == NULL) {
            report("out of memory for a connection");
            close(fd);
            continue;
        }
        c->fd = fd;
        if (pthread_create(&thread, NULL, serve, c) != 0) {
            report("cannot start a connection thread");
            close(fd);
            free(c);
            continue;
        }
        pthread_detach(thread);
    }
    return NULL;
}

int main(void)
{
    signal(SIGPIPE, SIG_IGN);
    static int listener;
    listener = socket(AF_INET, SOCK_STREAM, 0);
    int yes = 1;
    setsockopt(listener, SOL_SOCKET, SO_REUSEADDR, &yes, sizeof yes);
    struct sockaddr_in address = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    socklen_t length = sizeof address;
    if (listener < 0 || bind(listener, (struct sockaddr *)&address, sizeof address) != 0 || listen(listener, 64) != 0 ||
        getsockname(listener, (struct sockaddr *)&address, &length) != 0) {
        perror("fake server: cannot listen on 127.0.0.1");
        return 1;
    }
    pthread_t thread;
    if (pthread_create(&thread, NULL, accept_forever, &listener) != 0) {
        fputs("fake server: cannot start the accept thread\n", stderr);
        return 1;
    }
    printf("PORT %u\n", (unsigned)ntohs(address.sin_port));
    fflush(stdout);
    char sink[256];
    while (fread(sink, 1, sizeof sink, stdin) > 0) {
    }
    return 0;
}
