/* The ordinary model names: "iris" (doubles its input, sums it, finds its argmax), "identity" (echoes its
 * input), and a few that answer with odd but well-formed messages. Audio predictions go to audio.c. */
#define _POSIX_C_SOURCE 200809L

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fake_server.h"

#define FLOAT32 MAAS__V1__DATA_TYPE__DATA_TYPE_FLOAT32
#define INT64 MAAS__V1__DATA_TYPE__DATA_TYPE_INT64

static const int64_t dynamic_by_3[] = {-1, 3};
static const int64_t one[] = {1};

Maas__V1__ModelVersion *iris_version(arena *a, int number)
{
    Maas__V1__ModelVersion *v = arena_new(a, sizeof *v);
    maas__v1__model_version__init(v);
    v->name = "iris";
    v->version = number;
    v->format = MAAS__V1__MODEL_FORMAT__MODEL_FORMAT_ONNX;
    v->size_bytes = number == 2 ? 1258291 : 812;
    v->sha256 = number == 2 ? "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08"
                            : "5e884898da28047151d0e56f8dc6292773603d0d6aabbdd62a11ef721d1542d8";
    v->created_at_unix_ms = number == 2 ? 1748779200000 : 1748593502000;
    v->description = number == 2 ? "second try" : "";
    if (number == 2) {
        v->n_labels = 2;
        v->labels = arena_new(a, 2 * sizeof *v->labels);
        v->labels[0] = new_label(a, "stage", "prod");
        v->labels[1] = new_label(a, "owner", "ml-team");
    }
    v->n_inputs = 1;
    v->inputs = arena_new(a, sizeof *v->inputs);
    v->inputs[0] = new_spec(a, "x", FLOAT32, 2, dynamic_by_3);
    v->n_outputs = 3;
    v->outputs = arena_new(a, 3 * sizeof *v->outputs);
    v->outputs[0] = new_spec(a, "doubled", FLOAT32, 2, dynamic_by_3);
    v->outputs[1] = new_spec(a, "sum", FLOAT32, 0, NULL);
    v->outputs[2] = new_spec(a, "argmax", INT64, 1, one);
    return v;
}

/* Strings that test JSON escaping and table widths: quotes, backslash, slash, control characters, DEL,
 * non-ASCII, an astral-plane character. */
static Maas__V1__ModelVersion *weird_version(arena *a)
{
    static const struct {
        const char *key, *value;
    } labels[] = {{"b", "2"}, {"a", "1"}, {"B", "3"}, {"\xc3\xa9", "4"}, {"a b", "\x02"}};
    Maas__V1__ModelVersion *v = arena_new(a, sizeof *v);
    maas__v1__model_version__init(v);
    v->name = "weird";
    v->version = 7;
    v->format = MAAS__V1__MODEL_FORMAT__MODEL_FORMAT_MAAS_PLAN;
    v->size_bytes = 1023 * 1024 + 1000;
    v->sha256 = "abc";
    v->created_at_unix_ms = -1500;
    v->description = "q\"b\\s/n\nt\tc\x01\x1f" "d\x7f\xc3\xa9\xe2\x86\x92\xf0\x9f\x98\x80 ";
    v->n_labels = sizeof labels / sizeof labels[0];
    v->labels = arena_new(a, v->n_labels * sizeof *v->labels);
    for (size_t i = 0; i < v->n_labels; i++)
        v->labels[i] = new_label(a, labels[i].key, labels[i].value);
    v->n_inputs = 1;
    v->inputs = arena_new(a, sizeof *v->inputs);
    v->inputs[0] = new_spec(a, "\xc3\xa9t\xc3\xa9", INT64, 0, NULL);
    return v;
}

static Maas__V1__ModelVersion *two_inputs_version(arena *a)
{
    Maas__V1__ModelVersion *v = arena_new(a, sizeof *v);
    maas__v1__model_version__init(v);
    v->name = "two-inputs";
    v->version = 1;
    v->n_inputs = 2;
    v->inputs = arena_new(a, 2 * sizeof *v->inputs);
    v->inputs[0] = new_spec(a, "a", FLOAT32, 1, one);
    v->inputs[1] = new_spec(a, "b", FLOAT32, 1, one);
    return v;
}

next list_versions(connection *c, const Maas__V1__Envelope *envelope)
{
    Maas__V1__ListVersionsRequest *request =
        maas__v1__list_versions_request__unpack(NULL, envelope->payload.len, envelope->payload.data);
    if (request == NULL) {
        report("the ListVersions payload of call %llu is not a ListVersionsRequest",
               (unsigned long long)envelope->call_id);
        return HANG_UP;
    }
    const char *name = request->name;
    next outcome = hostile(c, name, envelope);
    if (outcome != NOT_HOSTILE) {
        maas__v1__list_versions_request__free_unpacked(request, NULL);
        return outcome;
    }
    arena a = {0};
    Maas__V1__ListVersionsResponse response = MAAS__V1__LIST_VERSIONS_RESPONSE__INIT;
    Maas__V1__ModelVersion *versions[2];
    response.versions = versions;
    if (strcmp(name, "iris") == 0) {
        versions[0] = iris_version(&a, 2);
        versions[1] = iris_version(&a, 1);
        response.n_versions = 2;
    } else if (strcmp(name, "weird") == 0) {
        versions[0] = weird_version(&a);
        response.n_versions = 1;
    } else if (strcmp(name, "two-inputs") == 0) {
        versions[0] = two_inputs_version(&a);
        response.n_versions = 1;
    } else if (strcmp(name, "speech") == 0 || strcmp(name, "speech-ctc") == 0) {
        versions[0] = speech_version(&a, name);
        response.n_versions = 1;
    } else if (strcmp(name, "bad-utf8-version") == 0) { /* protobuf-c lets this through; the client must not */
        versions[0] = speech_version(&a, "speech");
        char **names = arena_new(&a, 2 * sizeof *names);
        names[0] = "yes";
        names[1] = "n\xc3o";
        versions[0]->classes->names = names;
        versions[0]->classes->n_names = 2;
        response.n_versions = 1;
    }
    if (response.n_versions > 0 || strcmp(name, "empty") == 0)
        answer(c, envelope->call_id, &response.base, CODE_OK, "");
    else
        answer_error(c, envelope->call_id, CODE_NOT_FOUND, "no model named \"%s\"", name);
    arena_free(&a);
    maas__v1__list_versions_request__free_unpacked(request, NULL);
    return KEEP_GOING;
}

/* The number of elements a shape holds; -1 for a negative dimension or an overflow. */
static int64_t element_count(const Maas__V1__Tensor *t)
{
    int64_t count = 1;
    for (size_t i = 0; i < t->n_shape; i++) {
        if (t->shape[i] < 0 || (t->shape[i] > 0 && count > INT64_MAX / 4 / t->shape[i]))
            return -1;
        count *= t->shape[i];
    }
    return count;
}

/* Outputs for the names that answer with broken tensors or odd names; 0 for any other name. */
static size_t odd_outputs(arena *a, const char *name, Maas__V1__NamedTensor **outputs)
{
    static const int64_t two_by_3[] = {2, 3};
    static const int64_t dynamic[] = {-1, 3};
    static const int64_t megapixel[] = {1024, 1024};
    if (strcmp(name, "bad-tensor") == 0) {
        outputs[0] = new_named(a, "y", new_tensor(a, FLOAT32, 2, two_by_3, arena_new(a, 5), 5));
    } else if (strcmp(name, "negative-shape") == 0) {
        outputs[0] = new_named(a, "y", new_tensor(a, FLOAT32, 2, dynamic, NULL, 0));
    } else if (strcmp(name, "no-tensor") == 0) {
        outputs[0] = new_named(a, "y", NULL);
    } else if (strcmp(name, "big-output") == 0) {
        float *values = arena_new(a, 1048576 * sizeof *values);
        for (size_t i = 0; i < 1048576; i++)
            values[i] = (float)i * 0.5f;
        outputs[0] = new_named(a, "y", new_tensor(a, FLOAT32, 2, megapixel, values, 1048576 * sizeof *values));
    } else if (strcmp(name, "odd-names") == 0) { /* names that are not file names, for predict --output */
        static const char *const names[] = {".hidden", "a/b", "a_b", "\xc3\xa9t\xc3\xa9", ""};
        static const int64_t two[] = {2};
        for (size_t i = 0; i < 5; i++) {
            int64_t *values = arena_new(a, 2 * sizeof *values);
            values[0] = (int64_t)i;
            values[1] = -(int64_t)i * 1000000007;
            outputs[i] = new_named(a, names[i], new_tensor(a, INT64, 1, two, values, 2 * sizeof *values));
        }
        return 5;
    } else {
        return 0;
    }
    return 1;
}

/* iris's three outputs for input t (float32, its byte count already checked against its shape). */
static void iris_outputs(arena *a, const Maas__V1__Tensor *t, size_t count, Maas__V1__NamedTensor **outputs)
{
    float *doubled = arena_new(a, count * sizeof *doubled);
    float *total = arena_new(a, sizeof *total);
    int64_t *best = arena_new(a, sizeof *best);
    double sum = 0; /* summed in double and rounded once, as the recorded outputs were */
    *best = count > 0 ? 0 : -1;
    for (size_t i = 0; i < count; i++) {
        float value;
        memcpy(&value, t->raw_data.data + 4 * i, 4);
        doubled[i] = value * 2;
        sum += value;
        float top;
        memcpy(&top, t->raw_data.data + 4 * (size_t)*best, 4);
        if (value > top)
            *best = (int64_t)i;
    }
    *total = (float)sum;
    outputs[0] = new_named(a, "doubled", new_tensor(a, FLOAT32, t->n_shape, t->shape, doubled, count * 4));
    outputs[1] = new_named(a, "sum", new_tensor(a, FLOAT32, 0, NULL, total, 4));
    outputs[2] = new_named(a, "argmax", new_tensor(a, INT64, 1, one, best, 8));
}

/* The answer for iris or identity; the text of an error otherwise (the status code in *code). */
static const char *run_model(arena *a, const Maas__V1__PredictRequest *request, Maas__V1__PredictResponse *response,
                             int *code)
{
    *code = CODE_NOT_FOUND;
    if (strcmp(request->name, "iris") != 0 && strcmp(request->name, "identity") != 0)
        return arena_printf(a, "no model named \"%s\"", request->name);
    if (request->version < 0 || request->version > 2)
        return arena_printf(a, "iris has no version %lld", (long long)request->version);
    *code = CODE_INVALID_ARGUMENT;
    if (request->n_inputs != 1 || strcmp(request->inputs[0]->name, "x") != 0) {
        char *names = arena_printf(a, "%s", "");
        for (size_t i = 0; i < request->n_inputs; i++)
            names = arena_printf(a, "%s%s'%s'", names, i ? ", " : "", request->inputs[i]->name);
        return arena_printf(a, "iris wants one input named x, got [%s]", names);
    }
    static const Maas__V1__Tensor empty = MAAS__V1__TENSOR__INIT;
    const Maas__V1__Tensor *t = request->inputs[0]->tensor ? request->inputs[0]->tensor : &empty;
    if (strcmp(request->name, "identity") == 0) {
        response->outputs[0] = new_named(a, "y", (Maas__V1__Tensor *)t);
        response->n_outputs = 1;
        return NULL;
    }
    int64_t count = element_count(t);
    if (t->dtype != FLOAT32 || count < 0 || t->raw_data.len != 4 * (uint64_t)count) {
        char *shape = arena_printf(a, "%s", "");
        for (size_t i = 0; i < t->n_shape; i++)
            shape = arena_printf(a, "%s%s%lld", shape, i ? ", " : "", (long long)t->shape[i]);
        return arena_printf(a, "x: dtype %d, shape [%s], %zu bytes", (int)t->dtype, shape, t->raw_data.len);
    }
    iris_outputs(a, t, (size_t)count, response->outputs);
    response->n_outputs = 3;
    return NULL;
}

next predict(connection *c, const Maas__V1__Envelope *envelope)
{
    Maas__V1__PredictRequest *request =
        maas__v1__predict_request__unpack(NULL, envelope->payload.len, envelope->payload.data);
    if (request == NULL) {
        report("the Predict payload of call %llu is not a PredictRequest", (unsigned long long)envelope->call_id);
        return HANG_UP;
    }
    next outcome = hostile(c, request->name, envelope);
    if (outcome != NOT_HOSTILE) {
        maas__v1__predict_request__free_unpacked(request, NULL);
        return outcome;
    }
    if (is_audio_request(request)) {
        outcome = predict_audio(c, envelope, request);
        maas__v1__predict_request__free_unpacked(request, NULL);
        return outcome;
    }
    arena a = {0};
    Maas__V1__NamedTensor *outputs[5];
    Maas__V1__PredictResponse response = MAAS__V1__PREDICT_RESPONSE__INIT;
    response.name = request->name;
    response.version = request->version ? request->version : 2;
    response.outputs = outputs;
    response.n_outputs = odd_outputs(&a, request->name, outputs);
    int code = CODE_OK;
    const char *problem = response.n_outputs > 0 ? NULL : run_model(&a, request, &response, &code);
    if (problem == NULL)
        answer(c, envelope->call_id, &response.base, CODE_OK, "");
    else
        answer(c, envelope->call_id, NULL, code, problem);
    arena_free(&a);
    maas__v1__predict_request__free_unpacked(request, NULL);
    return KEEP_GOING;
}
