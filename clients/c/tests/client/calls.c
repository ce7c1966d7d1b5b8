/* test_client: calls the fake server answers properly (ListVersions, Predict), and server errors that
 * fail only their call. */
#define _POSIX_C_SOURCE 200809L

#include <stdint.h>
#include <string.h>

#include "harness.h"

/* ---------------------------------------------------------------- normal calls */

void lists_versions_newest_first_with_every_field(void)
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

void an_empty_version_list_is_not_an_error(void)
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

void not_found_carries_the_server_message_and_keeps_the_connection(void)
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

void status_numbers_outside_grpc_become_unknown(void)
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

void predict_sends_float32_and_reads_every_output(void)
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

void predict_asks_for_the_given_version(void)
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

void predict_reads_a_4_mib_output(void)
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
