// The floor under any server on this machine: one loopback TCP connection, one request at a time, and a
// server that does nothing but spin for the model's in-process time (--work-us) before answering.
//
//   pingpong --work-us 106 [--requests 20000] [--size 3600]
//
// Two servers, one after the other, each printed as one JSON line:
//   inline    one thread reads, "computes" and writes (the model on the I/O thread);
//   hand-off  the I/O thread hands each request to a worker thread and waits for it (a condition variable
//             each way), as a server must that keeps compute off its event loop.
// Reported: round-trip percentiles seen by a blocking C client, and the server threads' CPU per request.
// No framing, no parsing, no allocation: what is left is the kernel's share (syscalls, wake-ups, loopback).
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

static int work_us = 0;

static double now_us(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec * 1e6 + t.tv_nsec / 1e3;
}

static double thread_cpu_us(pthread_t thread) {
    clockid_t clock;
    struct timespec t;
    if (pthread_getcpuclockid(thread, &clock) != 0 || clock_gettime(clock, &t) != 0) return 0;
    return t.tv_sec * 1e6 + t.tv_nsec / 1e3;
}

static void compute(void) {
    double end = now_us() + work_us;
    while (now_us() < end) {}
}

// The hand-off between the I/O thread and the worker: one request in flight at a time.
static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t changed = PTHREAD_COND_INITIALIZER;
static int requested = 0, answered = 0, stopping = 0;

static void *worker(void *unused) {
    (void)unused;
    pthread_mutex_lock(&lock);
    for (;;) {
        while (!requested && !stopping) pthread_cond_wait(&changed, &lock);
        if (stopping) break;
        requested = 0;
        pthread_mutex_unlock(&lock);
        compute();
        pthread_mutex_lock(&lock);
        answered = 1;
        pthread_cond_broadcast(&changed);
    }
    pthread_mutex_unlock(&lock);
    return NULL;
}

struct server { int fd; int handoff; };

static void *serve(void *argument) {
    struct server *server = argument;
    char buffer[1 << 16];
    for (;;) {
        ssize_t n = read(server->fd, buffer, sizeof buffer);
        if (n <= 0) break;
        if (server->handoff) {
            pthread_mutex_lock(&lock);
            requested = 1;
            pthread_cond_broadcast(&changed);
            while (!answered) pthread_cond_wait(&changed, &lock);
            answered = 0;
            pthread_mutex_unlock(&lock);
        } else {
            compute();
        }
        if (write(server->fd, buffer, n) != n) break;
    }
    return NULL;
}

static int compare(const void *a, const void *b) {
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

static int run(int handoff, int requests, int size) {
    int one = 1;
    int listener = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in address = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    socklen_t length = sizeof address;
    if (listener < 0 || bind(listener, (void *)&address, sizeof address) || listen(listener, 1) ||
        getsockname(listener, (void *)&address, &length)) {
        perror("pingpong: listen");
        return 1;
    }
    int client = socket(AF_INET, SOCK_STREAM, 0);
    setsockopt(client, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    if (connect(client, (void *)&address, sizeof address)) {
        perror("pingpong: connect");
        return 1;
    }
    struct server server = {.fd = accept(listener, NULL, NULL), .handoff = handoff};
    setsockopt(server.fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    stopping = 0;
    pthread_t io, work;
    pthread_create(&io, NULL, serve, &server);
    pthread_create(&work, NULL, worker, NULL);

    char *message = calloc(size, 1), *reply = malloc(size);
    double *rtt = malloc(sizeof(double) * requests);
    int warmup = requests / 10;
    double cpu_before = 0;
    for (int i = -warmup; i < requests; i++) {
        if (i == 0) cpu_before = thread_cpu_us(io) + thread_cpu_us(work);
        double start = now_us();
        if (write(client, message, size) != size) return 1;
        for (int got = 0; got < size;) {
            ssize_t n = read(client, reply + got, size - got);
            if (n <= 0) return 1;
            got += n;
        }
        if (i >= 0) rtt[i] = now_us() - start;
    }
    double cpu = (thread_cpu_us(io) + thread_cpu_us(work) - cpu_before) / requests;
    qsort(rtt, requests, sizeof(double), compare);
    printf("{\"server\": \"%s\", \"work_us\": %d, \"bytes\": %d, \"requests\": %d, \"p50_us\": %.1f, \"p90_us\": %.1f, "
           "\"p99_us\": %.1f, \"max_us\": %.1f, \"server_cpu_us_per_request\": %.1f}\n",
           handoff ? "hand-off" : "inline", work_us, size, requests, rtt[requests / 2], rtt[requests * 9 / 10],
           rtt[requests * 99 / 100], rtt[requests - 1], cpu);
    fflush(stdout);

    close(client);
    pthread_join(io, NULL);
    pthread_mutex_lock(&lock);
    stopping = 1;
    pthread_cond_broadcast(&changed);
    pthread_mutex_unlock(&lock);
    pthread_join(work, NULL);
    close(server.fd);
    close(listener);
    free(message);
    free(reply);
    free(rtt);
    return 0;
}

int main(int argc, char **argv) {
    int requests = 20000, size = 3600;
    for (int i = 1; i + 1 < argc; i += 2) {
        if (!strcmp(argv[i], "--work-us")) work_us = atoi(argv[i + 1]);
        else if (!strcmp(argv[i], "--requests")) requests = atoi(argv[i + 1]);
        else if (!strcmp(argv[i], "--size")) size = atoi(argv[i + 1]);
        else {
            fprintf(stderr, "usage: pingpong [--work-us N] [--requests N] [--size BYTES]\n");
            return 64;
        }
    }
    if (work_us < 0 || requests < 100 || size < 1 || size > (1 << 16)) {
        fprintf(stderr, "pingpong: --work-us >= 0, --requests >= 100, 1 <= --size <= 65536\n");
        return 64;
    }
    return run(0, requests, size) || run(1, requests, size);
}
