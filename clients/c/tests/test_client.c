/*
 * libmaasclient against tests/fake_server (a C program): real calls, then every hostile answer the issue
 * names (oversized length, truncated frame, bad protobuf, wrong call id, early close) must come back as an
 * error value; and the request bytes must be the ones Google's protobuf writes (tests/fixtures/wire).
 * Run under valgrind by run_tests.sh, so a crash, an invalid read or a leak fails too.
 *
 * Usage: test_client PORT FIXTURE_DIR SCRATCH_DIR
 */
#define _POSIX_C_SOURCE 200809L

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <unistd.h>

#include "check.h"
#include "maas/v1/maas.pb-c.h"
#include "maas_client.h"

static uint16_t port;
static const char *fixtures;
static const char *scratch;

#define CHECK_CODE(got, want, err)                                                                        \
    CHECK((got) == (want), "got %s, want %s (message: %s)", maas_code_name(got), maas_code_name(want),    \
          (err).message)

static maas_client *connect_to(uint16_t to_port, int timeout_ms)
{
    maas_client *c = NULL;
    maas_error err;
    maas_code code = maas_connect("127.0.0.1", to_port, timeout_ms, &c, &err);
    if (code != MAAS_OK) {
        fprintf(stderr, "cannot connect to port %u: %s\n", (unsigned)to_port, err.message);
        exit(2);
    }
    return c;
}

static maas_client *open_client(int timeout_ms)
{
    return connect_to(port, timeout_ms);
}

/* A file of `size` bytes with a recognisable pattern, written a block at a time (valgrind makes a call
 * per byte slow); its path goes to `path`. */
static void make_file(char *path, size_t path_size, const char *name, size_t size)
{
    snprintf(path, path_size, "%s/%s", scratch, name);
    FILE *f = fopen(path, "wb");
    if (f == NULL) {
        perror(path);
        exit(2);
    }
    static uint8_t block[65536];
    for (size_t done = 0; done < size;) {
        size_t n = size - done < sizeof block ? size - done : sizeof block;
        for (size_t i = 0; i < n; i++)
            block[i] = (uint8_t)(((done + i) * 131 + (done + i) / 7) & 0xFF);
        fwrite(block, 1, n, f);
        done += n;
    }
    if (fclose(f) != 0) {
        perror(path);
        exit(2);
    }
}

static const char *label(const maas_version *v, const char *key)
{
    for (size_t i = 0; i < v->n_labels; i++)
        if (strcmp(v->labels[i].key, key) == 0)
            return v->labels[i].value;
    return NULL;
}

/* The next call on a connection that should have been closed by the previous failure. */
static void check_closed(maas_client *c)
{
    maas_version_list *list;
    maas_error err;
    maas_code code = maas_list_versions(c, "iris", &list, &err);
    CHECK_CODE(code, MAAS_ERR_UNAVAILABLE, err);
    CHECK(strstr(err.message, "closed") != NULL, "message: %s", err.message);
    CHECK(list == NULL, "list should be NULL");
}

static void check_usable(maas_client *c)
{
    maas_version_list *list;
    maas_error err;
    maas_code code = maas_list_versions(c, "iris", &list, &err);
    CHECK_CODE(code, MAAS_OK, err);
    maas_version_list_free(list);
}

/* ---------------------------------------------------------------- normal calls */

static void lists_versions_newest_first_with_every_field(void)
{
    maas_client *c = open_client(5000);
    maas_version_list *list;
    maas_error err;
    maas_code code = maas_list_versions(c, "iris", &list, &err);
    CHECK_CODE(code, MAAS_OK, err);
    if (code == MAAS_OK) {
        CHECK(list->count == 2, "count %zu", list->count);
        const maas_version *v = &list->versions[0];
        CHECK(strcmp(v->name, "iris") == 0 && v->version == 2, "first is %s %lld", v->name, (long long)v->version);
        CHECK(list->versions[1].version == 1, "second is %lld", (long long)list->versions[1].version);
        CHECK(v->format == MAAS_FORMAT_ONNX, "format %d", v->format);
        CHECK(v->size_bytes == 1258291, "size %llu", (unsigned long long)v->size_bytes);
        CHECK(strcmp(v->sha256, "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08") == 0, "sha %s",
              v->sha256);
        CHECK(v->created_at_unix_ms == 1748779200000LL, "created %lld", (long long)v->created_at_unix_ms);
        CHECK(strcmp(v->description, "second try") == 0, "description %s", v->description);
        CHECK(v->n_labels == 2 && label(v, "stage") != NULL && strcmp(label(v, "stage"), "prod") == 0, "labels");
        CHECK(v->n_inputs == 1 && strcmp(v->inputs[0].name, "x") == 0 && v->inputs[0].dtype == MAAS_DTYPE_FLOAT32 &&
                  v->inputs[0].rank == 2 && v->inputs[0].shape[0] == -1 && v->inputs[0].shape[1] == 3,
              "inputs");
        CHECK(v->n_outputs == 3 && v->outputs[1].rank == 0 && v->outputs[1].shape == NULL &&
                  v->outputs[2].dtype == MAAS_DTYPE_INT64,
              "outputs");
        CHECK(list->versions[1].n_labels == 0 && list->versions[1].description[0] == '\0', "version 1 is bare");
        maas_version_list_free(list);
    }
    maas_close(c);
}

static void an_empty_version_list_is_not_an_error(void)
{
    maas_client *c = open_client(5000);
    maas_version_list *list;
    maas_error err;
    maas_code code = maas_list_versions(c, "empty", &list, &err);
    CHECK_CODE(code, MAAS_OK, err);
    if (code == MAAS_OK)
        CHECK(list->count == 0 && list->versions == NULL, "count %zu", list->count);
    maas_version_list_free(list);
    maas_close(c);
}

static void not_found_carries_the_server_message_and_keeps_the_connection(void)
{
    maas_client *c = open_client(5000);
    maas_version_list *list;
    maas_error err;
    maas_code code = maas_list_versions(c, "missing", &list, &err);
    CHECK_CODE(code, MAAS_ERR_NOT_FOUND, err);
    CHECK(err.from_server == 1, "from_server %d", err.from_server);
    CHECK(strcmp(err.message, "no model named \"missing\"") == 0, "message: %s", err.message);
    CHECK(list == NULL, "list should be NULL");
    check_usable(c);
    maas_close(c);
}

static void status_numbers_outside_grpc_become_unknown(void)
{
    maas_client *c = open_client(5000);
    maas_version_list *list;
    maas_error err;
    maas_code code = maas_list_versions(c, "unknown-status", &list, &err);
    CHECK_CODE(code, MAAS_ERR_UNKNOWN, err);
    CHECK(strcmp(err.message, "(status 99) from the future") == 0, "message: %s", err.message);
    check_usable(c);
    maas_close(c);
}

static void predict_sends_float32_and_reads_every_output(void)
{
    maas_client *c = open_client(5000);
    const int64_t shape[] = {2, 3};
    const float x[] = {1.5f, -2.0f, 0.25f, 7.0f, 0.0f, -0.125f};
    maas_prediction *p;
    maas_error err;
    maas_code code = maas_predict_f32(c, "iris", 0, "x", shape, 2, x, &p, &err);
    CHECK_CODE(code, MAAS_OK, err);
    if (code == MAAS_OK) {
        CHECK(strcmp(p->model, "iris") == 0 && p->version == 2, "model %s version %lld", p->model,
              (long long)p->version);
        CHECK(p->n_outputs == 3, "outputs %zu", p->n_outputs);
        const maas_tensor *doubled = maas_prediction_output(p, "doubled");
        CHECK(doubled != NULL && doubled->rank == 2 && doubled->shape[0] == 2 && doubled->shape[1] == 3 &&
                  doubled->count == 6 && doubled->n_bytes == 24,
              "doubled shape");
        for (int i = 0; doubled != NULL && i < 6; i++)
            CHECK(((const float *)doubled->data)[i] == 2 * x[i], "doubled[%d] = %g", i,
                  (double)((const float *)doubled->data)[i]);
        const maas_tensor *sum = maas_prediction_output(p, "sum");
        CHECK(sum != NULL && sum->rank == 0 && sum->count == 1 && *(const float *)sum->data == 6.625f, "sum");
        const maas_tensor *argmax = maas_prediction_output(p, "argmax");
        CHECK(argmax != NULL && argmax->dtype == MAAS_DTYPE_INT64 && *(const int64_t *)argmax->data == 3, "argmax");
        CHECK(maas_prediction_output(p, "nope") == NULL, "unknown output name");
        maas_prediction_free(p);
    }
    maas_close(c);
}

static void predict_asks_for_the_given_version(void)
{
    maas_client *c = open_client(5000);
    const int64_t shape[] = {1, 3};
    const float x[] = {1, 2, 3};
    maas_prediction *p;
    maas_error err;
    maas_code code = maas_predict_f32(c, "iris", 1, "x", shape, 2, x, &p, &err);
    CHECK_CODE(code, MAAS_OK, err);
    if (code == MAAS_OK)
        CHECK(p->version == 1, "version %lld", (long long)p->version);
    maas_prediction_free(p);
    code = maas_predict_f32(c, "iris", 9, "x", shape, 2, x, &p, &err);
    CHECK_CODE(code, MAAS_ERR_NOT_FOUND, err);
    maas_close(c);
}

static void predict_reads_a_4_mib_output(void)
{
    maas_client *c = open_client(5000);
    const int64_t shape[] = {1};
    const float x[] = {0};
    maas_prediction *p;
    maas_error err;
    maas_code code = maas_predict_f32(c, "big-output", 0, "x", shape, 1, x, &p, &err);
    CHECK_CODE(code, MAAS_OK, err);
    if (code == MAAS_OK) {
        const maas_tensor *y = &p->outputs[0];
        CHECK(y->count == 1048576 && y->n_bytes == 4 * 1048576, "count %zu", y->count);
        int wrong = 0;
        for (size_t i = 0; i < y->count; i++)
            wrong += ((const float *)y->data)[i] != (float)i * 0.5f;
        CHECK(wrong == 0, "%d values differ", wrong);
        maas_prediction_free(p);
    }
    maas_close(c);
}

/* ---------------------------------------------------------------- register */

typedef struct progress_log {
    int calls;
    uint64_t last_sent;
    uint64_t total;
    int went_backwards;
} progress_log;

static void record_progress(uint64_t sent, uint64_t total, void *context)
{
    progress_log *log = context;
    if (sent < log->last_sent)
        log->went_backwards = 1;
    log->calls++;
    log->last_sent = sent;
    log->total = total;
}

static void register_streams_the_file_in_1_mib_chunks(void)
{
    char path[512];
    make_file(path, sizeof path, "model-2.5m.bin", 2621440);
    maas_client *c = open_client(10000);
    const maas_kv labels[] = {{"x-diagnostics", "1"}, {"team", "audio"}};
    progress_log log = {0};
    maas_register_options options = {
        .description = "streamed",
        .labels = labels,
        .n_labels = 2,
        .progress = record_progress,
        .progress_context = &log,
    };
    maas_version *v;
    maas_error err;
    maas_code code = maas_register_model(c, "streamed", path, &options, &v, &err);
    CHECK_CODE(code, MAAS_OK, err);
    if (code == MAAS_OK) {
        CHECK(strcmp(v->name, "streamed") == 0 && v->version == 1, "version %lld", (long long)v->version);
        CHECK(v->size_bytes == 2621440, "size %llu", (unsigned long long)v->size_bytes);
        CHECK(strlen(v->sha256) == 64, "sha %s", v->sha256);
        CHECK(strcmp(v->description, "streamed") == 0, "description %s", v->description);
        const char *chunks = label(v, "x-chunks");
        CHECK(chunks != NULL && strcmp(chunks, "1048576,1048576,524288") == 0, "chunks %s", chunks ? chunks : "-");
        const char *size = label(v, "x-size-header");
        CHECK(size != NULL && strcmp(size, "2621440") == 0, "size_bytes header %s", size ? size : "-");
        const char *sha = label(v, "x-sha-header");
        CHECK(sha != NULL && sha[0] == '\0', "no sha256 unless asked, got %s", sha ? sha : "-");
        CHECK(label(v, "team") != NULL && strcmp(label(v, "team"), "audio") == 0, "labels are sent");
        maas_version_free(v);
    }
    CHECK(log.calls == 3 && log.last_sent == 2621440 && log.total == 2621440 && !log.went_backwards,
          "progress: %d calls, last %llu of %llu", log.calls, (unsigned long long)log.last_sent,
          (unsigned long long)log.total);
    /* A second upload of the same name gets the next number. */
    code = maas_register_model(c, "streamed", path, NULL, &v, &err);
    CHECK_CODE(code, MAAS_OK, err);
    if (code == MAAS_OK)
        CHECK(v->version == 2, "second version %lld", (long long)v->version);
    maas_version_free(v);
    maas_close(c);
}

static void register_uses_the_chunk_size_format_and_sha256_given(void)
{
    char path[512];
    make_file(path, sizeof path, "model-250k.bin", 250000);
    maas_client *c = open_client(5000);
    const maas_kv labels[] = {{"x-diagnostics", "1"}};
    maas_register_options options = {.labels = labels, .n_labels = 1, .chunk_size = 100000,
                                     .format = MAAS_FORMAT_MAAS_PLAN};
    maas_version *v;
    maas_error err;
    maas_code code = maas_register_model(c, "chunky", path, &options, &v, &err);
    CHECK_CODE(code, MAAS_OK, err);
    if (code == MAAS_OK) {
        const char *chunks = label(v, "x-chunks");
        CHECK(chunks != NULL && strcmp(chunks, "100000,100000,50000") == 0, "chunks %s", chunks ? chunks : "-");
        CHECK(v->format == MAAS_FORMAT_MAAS_PLAN, "format %d", v->format);
        /* The server's digest, sent back as the caller's own: accepted. */
        char sha[65];
        snprintf(sha, sizeof sha, "%s", v->sha256);
        maas_version_free(v);
        options.sha256 = sha;
        code = maas_register_model(c, "chunky", path, &options, &v, &err);
        CHECK_CODE(code, MAAS_OK, err);
        if (code == MAAS_OK)
            CHECK(strcmp(label(v, "x-sha-header"), sha) == 0, "sha256 header %s", label(v, "x-sha-header"));
        maas_version_free(v);
    }
    options.sha256 = "0000000000000000000000000000000000000000000000000000000000000000";
    code = maas_register_model(c, "chunky", path, &options, &v, &err);
    CHECK_CODE(code, MAAS_ERR_INVALID_ARGUMENT, err);
    CHECK(err.from_server == 1 && strstr(err.message, "sha256 mismatch") != NULL, "message: %s", err.message);
    check_usable(c);
    maas_close(c);
}

static void register_sends_an_empty_file_as_one_empty_final_chunk(void)
{
    char path[512];
    make_file(path, sizeof path, "empty.bin", 0);
    maas_client *c = open_client(5000);
    const maas_kv labels[] = {{"x-diagnostics", "1"}};
    maas_register_options options = {.labels = labels, .n_labels = 1};
    maas_version *v;
    maas_error err;
    maas_code code = maas_register_model(c, "empty-model", path, &options, &v, &err);
    CHECK_CODE(code, MAAS_OK, err);
    if (code == MAAS_OK) {
        CHECK(v->size_bytes == 0, "size %llu", (unsigned long long)v->size_bytes);
        CHECK(strcmp(label(v, "x-chunks"), "0") == 0, "chunks %s", label(v, "x-chunks"));
    }
    maas_version_free(v);
    maas_close(c);
}

static void register_of_a_missing_file_sends_nothing(void)
{
    maas_client *c = open_client(5000);
    maas_version *v;
    maas_error err;
    maas_code code = maas_register_model(c, "iris", "/nonexistent/model.onnx", NULL, &v, &err);
    CHECK_CODE(code, MAAS_ERR_INVALID_ARGUMENT, err);
    CHECK(err.from_server == 0 && strstr(err.message, "/nonexistent/model.onnx") != NULL, "message: %s", err.message);
    CHECK(v == NULL, "no version");
    code = maas_register_model(c, "iris", scratch, NULL, &v, &err);
    CHECK_CODE(code, MAAS_ERR_INVALID_ARGUMENT, err);
    CHECK(strstr(err.message, "directory") != NULL, "message: %s", err.message);
    check_usable(c);
    maas_close(c);
}

static void register_stops_when_the_server_refuses_early(void)
{
    char path[512];
    make_file(path, sizeof path, "model-8m.bin", 8u << 20);
    maas_client *c = open_client(10000);
    maas_version *v;
    maas_error err;
    maas_code code = maas_register_model(c, "reject-early", path, NULL, &v, &err);
    CHECK_CODE(code, MAAS_ERR_INVALID_ARGUMENT, err);
    CHECK(err.from_server == 1 && strcmp(err.message, "model name reject-early is refused") == 0, "message: %s",
          err.message);
    /* Either the refusal arrived between frames (the connection is fine) or in the middle of one (the
     * client had to close it): both are correct, a half-sent frame is not. */
    maas_version_list *list;
    code = maas_list_versions(c, "iris", &list, &err);
    CHECK(code == MAAS_OK || (code == MAAS_ERR_UNAVAILABLE && strstr(err.message, "closed") != NULL), "then: %s %s",
          maas_code_name(code), err.message);
    maas_version_list_free(list);
    maas_close(c);

    c = open_client(10000);
    code = maas_register_model(c, "reject-close", path, NULL, &v, &err);
    CHECK_CODE(code, MAAS_ERR_INVALID_ARGUMENT, err);
    CHECK(strcmp(err.message, "refused, and hanging up") == 0, "message: %s", err.message);
    maas_close(c);
}

static void register_times_out_when_the_server_stops_reading(void)
{
    char path[512];
    snprintf(path, sizeof path, "%s/sparse-64m.bin", scratch);
    int fd = open(path, O_CREAT | O_TRUNC | O_WRONLY, 0644);
    CHECK(fd >= 0 && ftruncate(fd, 64 << 20) == 0, "sparse file");
    close(fd);
    maas_client *c = open_client(400);
    maas_version *v;
    maas_error err;
    maas_code code = maas_register_model(c, "hang-no-read", path, NULL, &v, &err);
    CHECK_CODE(code, MAAS_ERR_DEADLINE_EXCEEDED, err);
    check_closed(c);
    maas_close(c);
}

/* ---------------------------------------------------------------- hostile servers */

typedef struct hostile_case {
    const char *name;
    maas_code code;
    int from_server;
    const char *fragment;
} hostile_case;

static void hostile_frames_become_errors_and_close_the_connection(void)
{
    static const hostile_case cases[] = {
        {"oversize", MAAS_ERR_INTERNAL, 0, "4294967295 bytes, over the client's limit"},
        {"oversize-64m", MAAS_ERR_INTERNAL, 0, "67108865 bytes"},
        {"truncated", MAAS_ERR_UNAVAILABLE, 0, "middle of a frame (10 of 100 bytes)"},
        {"truncated-prefix", MAAS_ERR_UNAVAILABLE, 0, "frame header (2 of 4 bytes)"},
        {"garbage", MAAS_ERR_INTERNAL, 0, "not a valid maas.v1.Envelope"},
        {"garbage-varint", MAAS_ERR_INTERNAL, 0, "not a valid maas.v1.Envelope"},
        {"wrong-call-id", MAAS_ERR_INTERNAL, 0, "answered call id 8 while call 1"},
        {"call-id-zero-ok", MAAS_ERR_INTERNAL, 0, "answered call id 0"},
        {"non-final", MAAS_ERR_INTERNAL, 0, "non-final frame"},
        {"close", MAAS_ERR_UNAVAILABLE, 0, "closed the connection before answering"},
        {"amplify", MAAS_ERR_INTERNAL, 0, "bytes of memory"},
        {"conn-error", MAAS_ERR_RESOURCE_EXHAUSTED, 1, "connection-level trouble"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        const hostile_case *h = &cases[i];
        maas_client *c = open_client(5000);
        maas_version_list *list;
        maas_error err;
        maas_code code = maas_list_versions(c, h->name, &list, &err);
        CHECK(code == h->code, "%s: got %s, want %s (%s)", h->name, maas_code_name(code), maas_code_name(h->code),
              err.message);
        CHECK(err.from_server == h->from_server, "%s: from_server %d", h->name, err.from_server);
        CHECK(strstr(err.message, h->fragment) != NULL, "%s: message \"%s\" lacks \"%s\"", h->name, err.message,
              h->fragment);
        CHECK(list == NULL, "%s: no list", h->name);
        check_closed(c);
        maas_close(c);
    }
}

/* Seeded damage to valid answers (tests/fake_server/damage.c): every outcome is an error value or a
 * consistent result; valgrind watches the reads. */
static void damaged_answers_never_crash_and_results_stay_consistent(void)
{
    int ok = 0, errors = 0;
    for (int seed = 1; seed <= 150; seed++) {
        char name[32];
        maas_error err;
        maas_client *c = open_client(5000);
        snprintf(name, sizeof name, "fuzz-%d", seed);
        maas_version_list *list;
        maas_code code = maas_list_versions(c, name, &list, &err);
        if (code == MAAS_OK) {
            ok++;
            for (size_t i = 0; i < list->count; i++) {
                const maas_version *v = &list->versions[i];
                CHECK(v->name != NULL && v->sha256 != NULL && v->description != NULL, "%s: strings", name);
                for (size_t s = 0; s < v->n_inputs; s++)
                    CHECK(v->inputs[s].rank == 0 || v->inputs[s].shape != NULL, "%s: spec shape", name);
            }
            maas_version_list_free(list);
        } else {
            errors++;
            CHECK(list == NULL && err.message[0] != '\0', "%s: %s without a message", name, maas_code_name(code));
        }
        maas_close(c);

        c = open_client(5000);
        snprintf(name, sizeof name, "fuzzp-%d", seed);
        const int64_t shape[] = {1};
        const float x[] = {1};
        maas_prediction *p;
        code = maas_predict_f32(c, name, 0, "x", shape, 1, x, &p, &err);
        if (code == MAAS_OK) {
            ok++;
            for (size_t i = 0; i < p->n_outputs; i++) {
                const maas_tensor *t = &p->outputs[i];
                size_t size = maas_dtype_size(t->dtype);
                CHECK(size == 0 || t->n_bytes == t->count * size, "%s: output %zu has %zu bytes for %zu elements",
                      name, i, t->n_bytes, t->count);
                CHECK((t->n_bytes == 0) == (t->data == NULL), "%s: data pointer", name);
            }
            maas_prediction_free(p);
        } else {
            errors++;
            CHECK(p == NULL && err.message[0] != '\0', "%s: %s without a message", name, maas_code_name(code));
        }
        maas_close(c);
    }
    CHECK(errors > 0 && ok > 0, "%d decoded, %d refused: the damage should produce both", ok, errors);
}

static void undecodable_payloads_and_bad_tensors_fail_only_their_call(void)
{
    static const char *const predict_cases[] = {"bad-payload", "bad-tensor", "negative-shape", "no-tensor"};
    maas_client *c = open_client(5000);
    const int64_t shape[] = {1};
    const float x[] = {1};
    for (size_t i = 0; i < sizeof predict_cases / sizeof predict_cases[0]; i++) {
        maas_prediction *p;
        maas_error err;
        maas_code code = maas_predict_f32(c, predict_cases[i], 0, "x", shape, 1, x, &p, &err);
        CHECK(code == MAAS_ERR_INTERNAL, "%s: got %s (%s)", predict_cases[i], maas_code_name(code), err.message);
        CHECK(p == NULL, "%s: no prediction", predict_cases[i]);
        check_usable(c);
    }
    maas_close(c);
}

static void a_silent_server_costs_the_timeout_then_the_connection_closes(void)
{
    maas_client *c = open_client(300);
    maas_version_list *list;
    maas_error err;
    maas_code code = maas_list_versions(c, "slow", &list, &err);
    CHECK_CODE(code, MAAS_ERR_DEADLINE_EXCEEDED, err);
    CHECK(strstr(err.message, "300 ms") != NULL, "message: %s", err.message);
    check_closed(c);
    maas_close(c);
}

/* ---------------------------------------------------------------- what goes on the wire */

static void each_call_sends_its_method_a_new_call_id_and_timeout_ms(void)
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

static void a_request_over_the_frame_limit_is_refused_before_sending(void)
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

static void audio_predict_is_unimplemented_until_the_contract_has_it(void)
{
    maas_client *c = open_client(5000);
    maas_prediction *p = (maas_prediction *)&p;
    maas_error err;
    maas_code code = maas_predict_audio(c, "speech", 0, "clip.wav", &p, &err);
    CHECK_CODE(code, MAAS_ERR_UNIMPLEMENTED, err);
    CHECK(p == NULL && err.from_server == 0, "nothing returned");
    CHECK(strstr(err.message, "not supported until the server accepts audio") != NULL, "message: %s", err.message);
    check_usable(c);
    maas_close(c);
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

static void requests_are_the_bytes_googles_protobuf_writes(void)
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

    make_file(path, sizeof path, "empty-for-wire.bin", 0);
    start_capture(&k);
    c = connect_to(k.port, 0);
    code = maas_register_model(c, "empty", path, NULL, &v, &err);
    CHECK_CODE(code, MAAS_ERR_UNAVAILABLE, err);
    maas_close(c);
    check_capture(&k, "register_empty.bin");
}

/* ---------------------------------------------------------------- caller mistakes */

static void bad_arguments_are_invalid_argument_and_send_nothing(void)
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

static void connect_failures_are_reported(void)
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

static void code_names_follow_grpc(void)
{
    CHECK(strcmp(maas_code_name(MAAS_OK), "OK") == 0, "OK");
    CHECK(strcmp(maas_code_name(MAAS_ERR_NOT_FOUND), "NOT_FOUND") == 0, "NOT_FOUND");
    CHECK(strcmp(maas_code_name(MAAS_ERR_UNAUTHENTICATED), "UNAUTHENTICATED") == 0, "UNAUTHENTICATED");
    CHECK(strcmp(maas_code_name(99), "UNKNOWN") == 0 && strcmp(maas_code_name(-1), "UNKNOWN") == 0, "out of range");
    CHECK(maas_dtype_size(MAAS_DTYPE_FLOAT32) == 4 && maas_dtype_size(MAAS_DTYPE_INT64) == 8 && maas_dtype_size(9) == 0,
          "dtype sizes");
}

int main(int argc, char **argv)
{
    if (argc != 4) {
        fprintf(stderr, "usage: test_client PORT FIXTURE_DIR SCRATCH_DIR\n");
        return 2;
    }
    port = (uint16_t)atoi(argv[1]);
    fixtures = argv[2];
    scratch = argv[3];
    TEST(lists_versions_newest_first_with_every_field);
    TEST(an_empty_version_list_is_not_an_error);
    TEST(not_found_carries_the_server_message_and_keeps_the_connection);
    TEST(status_numbers_outside_grpc_become_unknown);
    TEST(predict_sends_float32_and_reads_every_output);
    TEST(predict_asks_for_the_given_version);
    TEST(predict_reads_a_4_mib_output);
    TEST(register_streams_the_file_in_1_mib_chunks);
    TEST(register_uses_the_chunk_size_format_and_sha256_given);
    TEST(register_sends_an_empty_file_as_one_empty_final_chunk);
    TEST(register_of_a_missing_file_sends_nothing);
    TEST(register_stops_when_the_server_refuses_early);
    TEST(register_times_out_when_the_server_stops_reading);
    TEST(hostile_frames_become_errors_and_close_the_connection);
    TEST(undecodable_payloads_and_bad_tensors_fail_only_their_call);
    TEST(damaged_answers_never_crash_and_results_stay_consistent);
    TEST(a_silent_server_costs_the_timeout_then_the_connection_closes);
    TEST(each_call_sends_its_method_a_new_call_id_and_timeout_ms);
    TEST(a_request_over_the_frame_limit_is_refused_before_sending);
    TEST(audio_predict_is_unimplemented_until_the_contract_has_it);
    TEST(requests_are_the_bytes_googles_protobuf_writes);
    TEST(bad_arguments_are_invalid_argument_and_send_nothing);
    TEST(connect_failures_are_reported);
    TEST(code_names_follow_grpc);
    return finish_tests("test_client");
}
