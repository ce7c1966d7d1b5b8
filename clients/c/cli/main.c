/*
 * maas-c: the command-line face of libmaasclient.
 *
 *   maas-c register NAME FILE [--description D] [--label k=v]... [--sha256 HEX] [--format onnx|maas-plan]
 *   maas-c versions NAME
 *   maas-c predict NAME[:VERSION] --tensor FILE.npy [--input-name NAME]
 *   maas-c predict NAME[:VERSION] FILE.wav
 * Shared: --host H (127.0.0.1), --port P (7070), --timeout-ms N (60000; 0 = none), --json.
 * Exit status: 0 success, 1 the call failed, 2 bad command line.
 */
#define _POSIX_C_SOURCE 200809L

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "maas_client.h"
#include "npy.h"
#include "output.h"

#define DEFAULT_TIMEOUT_MS 60000
#define MAX_LABELS 256
#define MAX_POSITIONALS 3

static const char usage_text[] =
    "usage: maas-c [--host H] [--port P] [--timeout-ms N] [--json] COMMAND ...\n"
    "\n"
    "commands:\n"
    "  register NAME FILE [--description D] [--label k=v]... [--sha256 HEX] [--format onnx|maas-plan]\n"
    "      upload a model file (streamed in 1 MiB chunks) as a new version of NAME\n"
    "  versions NAME\n"
    "      list the versions of NAME, newest first\n"
    "  predict NAME[:VERSION] --tensor FILE.npy [--input-name NAME]\n"
    "      run a model on a float32 ('<f4') or int64 ('<i8') .npy array (default: the latest version;\n"
    "      the input name defaults to the model's only input)\n"
    "  predict NAME[:VERSION] FILE.wav\n"
    "      run a model on an audio file (not supported until the server accepts audio)\n"
    "\n"
    "options:\n"
    "  --host H          server address (default 127.0.0.1)\n"
    "  --port P          server port (default 7070)\n"
    "  --timeout-ms N    per-call timeout in milliseconds, also sent to the server (default 60000; 0 = none)\n"
    "  --json            machine-readable output, one JSON document per line\n"
    "  -h, --help        show this help\n";

typedef struct command_line {
    const char *host;
    uint16_t port;
    int timeout_ms;
    int json;
    int help;
    const char *command;
    const char *positionals[MAX_POSITIONALS];
    size_t n_positionals;
    const char *description;
    maas_kv labels[MAX_LABELS];
    size_t n_labels;
    const char *sha256;
    maas_format format;
    int format_given;
    const char *tensor;
    const char *input_name;
    char problem[256];
} command_line;

/* ---------------------------------------------------------------- parsing */

static int problem(command_line *cl, const char *format, const char *detail)
{
    snprintf(cl->problem, sizeof cl->problem, format, detail);
    return -1;
}

static int parse_int(const char *text, long long min, long long max, long long *out)
{
    if (text == NULL || *text == '\0')
        return -1;
    char *end;
    errno = 0;
    long long value = strtoll(text, &end, 10);
    if (errno != 0 || *end != '\0' || value < min || value > max)
        return -1;
    *out = value;
    return 0;
}

static int add_label(command_line *cl, const char *pair)
{
    const char *eq = strchr(pair, '=');
    if (eq == NULL || eq == pair)
        return problem(cl, "--label wants key=value, not \"%.100s\"", pair);
    if (cl->n_labels == MAX_LABELS)
        return problem(cl, "more than %s labels", "256");
    size_t key_length = (size_t)(eq - pair);
    char *key = strndup(pair, key_length);
    if (key == NULL)
        return problem(cl, "%s", "out of memory");
    for (size_t i = 0; i < cl->n_labels; i++)
        if (strcmp(cl->labels[i].key, key) == 0) {
            free(key);
            return problem(cl, "label \"%.100s\" is given twice", pair);
        }
    cl->labels[cl->n_labels].key = key;
    cl->labels[cl->n_labels].value = eq + 1;
    cl->n_labels++;
    return 0;
}

/* One --name value (or --name=value). */
static int apply_option(command_line *cl, const char *name, const char *value)
{
    long long n;
    if (strcmp(name, "host") == 0) {
        cl->host = value;
    } else if (strcmp(name, "port") == 0) {
        if (parse_int(value, 1, 65535, &n) != 0)
            return problem(cl, "--port wants a number from 1 to 65535, not \"%.50s\"", value);
        cl->port = (uint16_t)n;
    } else if (strcmp(name, "timeout-ms") == 0) {
        if (parse_int(value, 0, INT_MAX, &n) != 0)
            return problem(cl, "--timeout-ms wants a number of milliseconds (0 = none), not \"%.50s\"", value);
        cl->timeout_ms = (int)n;
    } else if (strcmp(name, "description") == 0) {
        cl->description = value;
    } else if (strcmp(name, "label") == 0) {
        return add_label(cl, value);
    } else if (strcmp(name, "sha256") == 0) {
        cl->sha256 = value;
    } else if (strcmp(name, "format") == 0) {
        if (strcmp(value, "onnx") == 0)
            cl->format = MAAS_FORMAT_ONNX;
        else if (strcmp(value, "maas-plan") == 0)
            cl->format = MAAS_FORMAT_MAAS_PLAN;
        else
            return problem(cl, "--format wants onnx or maas-plan, not \"%.50s\"", value);
        cl->format_given = 1;
    } else if (strcmp(name, "tensor") == 0) {
        cl->tensor = value;
    } else if (strcmp(name, "input-name") == 0) {
        cl->input_name = value;
    } else {
        return problem(cl, "unknown option --%.100s", name);
    }
    return 0;
}

static int parse_arguments(int argc, char **argv, command_line *cl)
{
    int only_positionals = 0;
    for (int i = 1; i < argc; i++) {
        const char *arg = argv[i];
        if (!only_positionals && strcmp(arg, "--") == 0) {
            only_positionals = 1;
        } else if (!only_positionals && (strcmp(arg, "-h") == 0 || strcmp(arg, "--help") == 0)) {
            cl->help = 1;
        } else if (!only_positionals && strcmp(arg, "--json") == 0) {
            cl->json = 1;
        } else if (!only_positionals && strncmp(arg, "--", 2) == 0) {
            char name[64];
            const char *eq = strchr(arg + 2, '=');
            size_t length = eq != NULL ? (size_t)(eq - (arg + 2)) : strlen(arg + 2);
            if (length >= sizeof name)
                return problem(cl, "unknown option %.100s", arg);
            memcpy(name, arg + 2, length);
            name[length] = '\0';
            const char *value = eq != NULL ? eq + 1 : (i + 1 < argc ? argv[++i] : NULL);
            if (value == NULL)
                return problem(cl, "%.100s needs a value", arg);
            if (apply_option(cl, name, value) != 0)
                return -1;
        } else if (!only_positionals && arg[0] == '-' && arg[1] != '\0') {
            return problem(cl, "unknown option %.100s", arg);
        } else if (cl->command == NULL) {
            cl->command = arg;
        } else if (cl->n_positionals == MAX_POSITIONALS) {
            return problem(cl, "unexpected argument \"%.100s\"", arg);
        } else {
            cl->positionals[cl->n_positionals++] = arg;
        }
    }
    return 0;
}

/* Rejects flags that belong to another command, and wrong argument counts, before any work. */
static int validate(command_line *cl)
{
    if (cl->command == NULL)
        return problem(cl, "%s", "no command given");
    const char *c = cl->command;
    int is_register = strcmp(c, "register") == 0, is_versions = strcmp(c, "versions") == 0;
    int is_predict = strcmp(c, "predict") == 0;
    if (!is_register && !is_versions && !is_predict)
        return problem(cl, "unknown command \"%.100s\" (register, versions, predict)", c);
    if (!is_register && (cl->description || cl->n_labels || cl->sha256 || cl->format_given))
        return problem(cl, "--description, --label, --sha256 and --format are for register, not %s", c);
    if (!is_predict && (cl->tensor || cl->input_name))
        return problem(cl, "--tensor and --input-name are for predict, not %s", c);
    if (is_register && cl->n_positionals != 2)
        return problem(cl, "%s", "register wants NAME FILE");
    if (is_versions && cl->n_positionals != 1)
        return problem(cl, "%s", "versions wants NAME");
    if (is_predict) {
        if (cl->tensor != NULL && cl->n_positionals != 1)
            return problem(cl, "%s", "predict wants NAME[:VERSION] --tensor FILE.npy, or NAME[:VERSION] FILE.wav");
        if (cl->tensor == NULL && cl->n_positionals != 2)
            return problem(cl, "%s", "predict wants NAME[:VERSION] --tensor FILE.npy, or NAME[:VERSION] FILE.wav");
        if (cl->tensor == NULL && cl->input_name != NULL)
            return problem(cl, "%s", "--input-name goes with --tensor");
    }
    return 0;
}

/* "iris:3" -> "iris", 3; "iris" -> "iris", 0 (the latest). Model names cannot contain ':'. */
static int split_model(command_line *cl, const char *spec, char **name, int64_t *version)
{
    const char *colon = strrchr(spec, ':');
    *version = 0;
    if (colon == NULL) {
        *name = strdup(spec);
    } else {
        long long v;
        if (parse_int(colon + 1, 1, INT64_MAX, &v) != 0)
            return problem(cl, "bad version in \"%.100s\": want NAME:N with N >= 1", spec);
        *version = v;
        *name = strndup(spec, (size_t)(colon - spec));
    }
    return *name == NULL ? problem(cl, "%s", "out of memory") : 0;
}

/* ---------------------------------------------------------------- commands */

static void show_progress(uint64_t sent, uint64_t total, void *context)
{
    (void)context;
    fprintf(stderr, "\ruploading %llu / %llu MiB (%d%%)", (unsigned long long)(sent >> 20),
            (unsigned long long)(total >> 20), total > 0 ? (int)(sent * 100 / total) : 100);
    if (sent >= total)
        fputc('\n', stderr);
}

static maas_code run_register(maas_client *client, const command_line *cl, maas_error *err)
{
    maas_register_options options = {
        .description = cl->description,
        .labels = cl->labels,
        .n_labels = cl->n_labels,
        .format = cl->format,
        .sha256 = cl->sha256,
    };
    /* A progress line only for a person watching a large upload. */
    if (!cl->json && isatty(STDERR_FILENO))
        options.progress = show_progress;
    maas_version *version;
    maas_code code = maas_register_model(client, cl->positionals[0], cl->positionals[1], &options, &version, err);
    if (code == MAAS_OK) {
        print_registered(stdout, version, cl->json);
        maas_version_free(version);
    }
    return code;
}

static maas_code run_versions(maas_client *client, const command_line *cl, maas_error *err)
{
    maas_version_list *list;
    maas_code code = maas_list_versions(client, cl->positionals[0], &list, err);
    if (code == MAAS_OK) {
        print_versions(stdout, cl->positionals[0], list, cl->json);
        maas_version_list_free(list);
    }
    return code;
}

/* Without --input-name, the model's own input name, when it has exactly one. Returns a copy. */
static maas_code find_input_name(maas_client *client, const char *model, int64_t version, char **out, maas_error *err)
{
    maas_version_list *list;
    maas_code code = maas_list_versions(client, model, &list, err);
    if (code != MAAS_OK)
        return code;
    const maas_version *chosen = NULL;
    for (size_t i = 0; i < list->count && chosen == NULL; i++)
        if (version == 0 || list->versions[i].version == version)
            chosen = &list->versions[i];
    if (chosen == NULL) {
        code = MAAS_ERR_NOT_FOUND;
        snprintf(err->message, sizeof err->message, "model %.200s has no version %lld", model, (long long)version);
    } else if (chosen->n_inputs != 1) {
        code = MAAS_ERR_INVALID_ARGUMENT;
        snprintf(err->message, sizeof err->message,
                 "model %.200s version %lld has %zu inputs: name the one to feed with --input-name", model,
                 (long long)chosen->version, chosen->n_inputs);
    } else if ((*out = strdup(chosen->inputs[0].name)) == NULL) {
        code = MAAS_ERR_RESOURCE_EXHAUSTED;
        snprintf(err->message, sizeof err->message, "out of memory");
    }
    err->code = code;
    err->from_server = 0;
    maas_version_list_free(list);
    return code;
}

static maas_code run_predict(maas_client *client, const command_line *cl, const char *model, int64_t version,
                             const npy_array *array, maas_error *err)
{
    maas_prediction *prediction;
    maas_code code;
    if (cl->tensor == NULL) {
        code = maas_predict_audio(client, model, version, cl->positionals[1], &prediction, err);
    } else {
        char *input_name = NULL;
        code = cl->input_name != NULL ? MAAS_OK : find_input_name(client, model, version, &input_name, err);
        if (code != MAAS_OK)
            return code;
        maas_input input = {
            .name = cl->input_name != NULL ? cl->input_name : input_name,
            .dtype = (maas_dtype)array->header.dtype,
            .rank = array->header.rank,
            .shape = array->header.shape,
            .data = array->data,
        };
        code = maas_predict(client, model, version, &input, 1, &prediction, err);
        free(input_name);
    }
    if (code == MAAS_OK) {
        print_prediction(stdout, prediction, cl->json);
        maas_prediction_free(prediction);
    }
    return code;
}

/* ---------------------------------------------------------------- main */

static int usage_error(const char *message)
{
    fprintf(stderr, "error: INVALID_ARGUMENT: %s (see maas-c --help)\n", message);
    return 2;
}

int main(int argc, char **argv)
{
    command_line cl = {.host = "127.0.0.1", .port = MAAS_DEFAULT_PORT, .timeout_ms = DEFAULT_TIMEOUT_MS};
    int status = 0;
    char *model = NULL;
    int64_t version = 0;
    npy_array array = {0};
    maas_client *client = NULL;
    maas_error err = {0};

    if (parse_arguments(argc, argv, &cl) != 0) {
        status = usage_error(cl.problem);
    } else if (cl.help) {
        fputs(usage_text, stdout);
    } else if (validate(&cl) != 0) {
        status = usage_error(cl.problem);
    } else if (strcmp(cl.command, "predict") == 0 && split_model(&cl, cl.positionals[0], &model, &version) != 0) {
        status = usage_error(cl.problem);
    } else {
        maas_code code = MAAS_OK;
        /* Local files first: a bad .npy should not wait for a connection. */
        if (cl.tensor != NULL) {
            char why[512];
            if (npy_read_file(cl.tensor, MAAS_DEFAULT_MAX_FRAME_SIZE, &array, why, sizeof why) != 0) {
                code = MAAS_ERR_INVALID_ARGUMENT;
                snprintf(err.message, sizeof err.message, "%s", why);
            }
        }
        if (code == MAAS_OK)
            code = maas_connect(cl.host, cl.port, cl.timeout_ms, &client, &err);
        if (code == MAAS_OK) {
            if (strcmp(cl.command, "register") == 0)
                code = run_register(client, &cl, &err);
            else if (strcmp(cl.command, "versions") == 0)
                code = run_versions(client, &cl, &err);
            else
                code = run_predict(client, &cl, model, version, &array, &err);
        }
        if (code != MAAS_OK) {
            print_error(stderr, code, err.message);
            status = 1;
        }
    }
    if (fflush(stdout) != 0 && status == 0) {
        fputs("error: UNAVAILABLE: writing the output failed\n", stderr);
        status = 1;
    }
    maas_close(client);
    npy_free(&array);
    free(model);
    for (size_t i = 0; i < cl.n_labels; i++)
        free((void *)cl.labels[i].key);
    return status;
}
