/* test_client: hostile and damaged answers from the fake server must come back as error values, never a
 * crash, and close the connection when the stream can no longer be trusted. */
#define _POSIX_C_SOURCE 200809L

#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "harness.h"

/* ---------------------------------------------------------------- hostile servers */

typedef struct hostile_case {
    const char *name;
    maas_code code;
    int from_server;
    const char *fragment;
} hostile_case;

void hostile_frames_become_errors_and_close_the_connection(void)
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
void damaged_answers_never_crash_and_results_stay_consistent(void)
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
                CHECK(v->audio == NULL || v->audio->input != NULL, "%s: audio input", name);
                if (v->classes != NULL) {
                    CHECK(v->classes->output != NULL && (v->classes->n_names == 0 || v->classes->names != NULL),
                          "%s: classes", name);
                    for (size_t k = 0; k < v->classes->n_names; k++)
                        CHECK(v->classes->names[k] != NULL, "%s: class name %zu", name, k);
                }
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

void undecodable_payloads_and_bad_tensors_fail_only_their_call(void)
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

void a_silent_server_costs_the_timeout_then_the_connection_closes(void)
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
