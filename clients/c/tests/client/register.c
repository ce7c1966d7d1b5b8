/* test_client: RegisterModel uploads (chunking, options, progress, refusals and a server that stops
 * reading). */
#define _POSIX_C_SOURCE 200809L

#include <fcntl.h>
#include <stdint.h>
#include <string.h>
#include <unistd.h>

#include "harness.h"

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

void register_streams_the_file_in_1_mib_chunks(void)
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

void register_uses_the_chunk_size_format_and_sha256_given(void)
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

void register_sends_an_empty_file_as_one_empty_final_chunk(void)
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

void register_of_a_missing_file_sends_nothing(void)
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

void register_stops_when_the_server_refuses_early(void)
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

void register_times_out_when_the_server_stops_reading(void)
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
