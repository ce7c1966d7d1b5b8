/*
 * maas-c: the command-line face of libmaasclient, printing what the Swift `maas` CLI prints.
 *
 *   maas-c register NAME FILE [--description D] [--label k=v]... [--sha256 HEX] [--format onnx|maas-plan]
 *                   [--profile P] [--layout L] [--classes a,b,c | --classes-file F] [--clip-decision D]
 *                   [--ctc-blank I] [--top-k N] [--max-batch-size N] [--max-queue-delay-us US]
 *                   [--batch-padding | --no-batch-padding]
 *   maas-c versions NAME
 *   maas-c predict NAME[:VERSION] --tensor FILE.npy [--input-name NAME]
 *   maas-c predict NAME[:VERSION] --input NAME=FILE.npy [--input NAME=FILE.npy]...
 *   maas-c predict NAME[:VERSION] CLIP [--top-k N] [--features OUT.npy] [--pcm-rate HZ [--pcm-channels N]]
 * Shared: --host H (127.0.0.1), --port P (7070), --timeout SECONDS or --timeout-ms N (60 s; 0 = none),
 * --json. Exit status as the Swift CLI's (see usage_text).
 */
#define _POSIX_C_SOURCE 200809L

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "maas_client.h"
#include "audio.h"
#include "npy.h"
#include "output.h"
#include "register_flags.h"
#include "save.h"
#include "usage.h"

#define DEFAULT_TIMEOUT_MS 60000
#define MAX_LABELS 256
#define MAX_INPUTS 64
#define MAX_POSITIONALS 3

/* Exit statuses: the Swift CLI's table (Sources/maas/Support/ExitStatus.swift), so scripts can use either. */
enum {
    EXIT_OK = 0,
    EXIT_FAILURE_ = 1,   /* INTERNAL, UNKNOWN, DATA_LOSS, UNIMPLEMENTED, local failures */
    EXIT_INVALID = 2,    /* INVALID_ARGUMENT, FAILED_PRECONDITION, OUT_OF_RANGE */
    EXIT_NOT_FOUND = 3,
    EXIT_CONFLICT = 4,   /* ALREADY_EXISTS, ABORTED */
    EXIT_EXHAUSTED = 5,  /* RESOURCE_EXHAUSTED */
    EXIT_DEADLINE = 6,   /* DEADLINE_EXCEEDED, CANCELLED */
    EXIT_UNAVAILABLE = 7,
    EXIT_DENIED = 8,     /* PERMISSION_DENIED, UNAUTHENTICATED */
    EXIT_USAGE = 64,
    EXIT_BAD_INPUT_FILE = 65, /* a local model or .npy file cannot be read or is malformed */
};

static int exit_status(maas_code code)
{
    switch (code) {
    case MAAS_OK: return EXIT_OK;
    case MAAS_ERR_INVALID_ARGUMENT:
    case MAAS_ERR_FAILED_PRECONDITION:
    case MAAS_ERR_OUT_OF_RANGE: return EXIT_INVALID;
    case MAAS_ERR_NOT_FOUND: return EXIT_NOT_FOUND;
    case MAAS_ERR_ALREADY_EXISTS:
    case MAAS_ERR_ABORTED: return EXIT_CONFLICT;
    case MAAS_ERR_RESOURCE_EXHAUSTED: return EXIT_EXHAUSTED;
    case MAAS_ERR_DEADLINE_EXCEEDED:
    case MAAS_ERR_CANCELLED: return EXIT_DEADLINE;
    case MAAS_ERR_UNAVAILABLE: return EXIT_UNAVAILABLE;
    case MAAS_ERR_PERMISSION_DENIED:
    case MAAS_ERR_UNAUTHENTICATED: return EXIT_DENIED;
    default: return EXIT_FAILURE_;
    }
}

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
    maas_kv inputs[MAX_INPUTS]; /* --input NAME=FILE.npy; keys are owned copies */
    size_t n_inputs;
    int top_k;                  /* 0 = not given */
    const char *features;       /* --features OUT.npy */
    const char *output_dir;     /* --output DIR */
    register_flags reg;         /* register's audio flags */
    int pcm_rate;               /* --pcm-rate HZ: the clip is raw float32 samples; 0 = a file to decode */
    int pcm_channels;           /* 0 = not given (1) */
    char problem[512];
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

/* KEY=VALUE into pairs[], with the key copied; duplicate or empty keys are refused. */
static int add_pair(command_line *cl, const char *option, const char *pair, maas_kv *pairs, size_t *n, size_t max)
{
    const char *eq = strchr(pair, '=');
    if (eq == NULL || eq == pair || eq[1] == '\0') {
        snprintf(cl->problem, sizeof cl->problem, "%s \"%.100s\" must have the form key=value, both parts non-empty",
                 option, pair);
        return -1;
    }
    if (*n == max) {
        snprintf(cl->problem, sizeof cl->problem, "more than %zu %s options", max, option);
        return -1;
    }
    char *key = strndup(pair, (size_t)(eq - pair));
    if (key == NULL)
        return problem(cl, "%s", "out of memory");
    for (size_t i = 0; i < *n; i++)
        if (strcmp(pairs[i].key, key) == 0) {
            snprintf(cl->problem, sizeof cl->problem, "%s names \"%.100s\" more than once", option, key);
            free(key);
            return -1;
        }
    pairs[*n].key = key;
    pairs[*n].value = eq + 1;
    (*n)++;
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
    } else if (strcmp(name, "timeout") == 0) {
        char *end;
        double seconds = strtod(value, &end);
        if (*value == '\0' || *end != '\0' || !(seconds >= 0) || seconds > 86400)
            return problem(cl, "--timeout wants seconds from 0 to 86400 (0 = none), not \"%.50s\"", value);
        cl->timeout_ms = (int)ceil(seconds * 1000);
    } else if (strcmp(name, "description") == 0) {
        cl->description = value;
    } else if (strcmp(name, "label") == 0) {
        return add_pair(cl, "--label", value, cl->labels, &cl->n_labels, MAX_LABELS);
    } else if (strcmp(name, "input") == 0) {
        return add_pair(cl, "--input", value, cl->inputs, &cl->n_inputs, MAX_INPUTS);
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
    } else if (strcmp(name, "top-k") == 0) {
        if (parse_int(value, 1, INT32_MAX, &n) != 0)
            return problem(cl, "--top-k wants a positive number of labels, not \"%.50s\"", value);
        cl->top_k = (int)n;
    } else if (strcmp(name, "pcm-rate") == 0 || strcmp(name, "pcm-channels") == 0) {
        if (parse_int(value, 1, INT32_MAX, &n) != 0)
            return problem(cl, "--pcm-rate and --pcm-channels want a positive number, not \"%.50s\"", value);
        *(name[4] == 'r' ? &cl->pcm_rate : &cl->pcm_channels) = (int)n;
    } else if (strcmp(name, "output") == 0) {
        if (*value == '\0')
            return problem(cl, "%s", "--output must name a directory");
        cl->output_dir = value;
    } else if (strcmp(name, "features") == 0) {
        if (*value == '\0')
            return problem(cl, "%s", "--features must name a file");
        cl->features = value;
    } else {
        int applied = register_flag(&cl->reg, name, value, cl->problem, sizeof cl->problem);
        if (applied == 0)
            return problem(cl, "unknown option --%.100s", name);
        return applied < 0 ? -1 : 0;
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
        } else if (!only_positionals && strncmp(arg, "--", 2) == 0 && register_switch(&cl->reg, arg + 2)) {
            /* a register flag without a value */
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
    if (!is_predict && (cl->tensor || cl->input_name || cl->n_inputs || cl->output_dir))
        return problem(cl, "--tensor, --input-name, --input and --output are for predict, not %s", c);
    if ((!is_predict || cl->tensor || cl->n_inputs) && (cl->features || cl->pcm_rate || cl->pcm_channels))
        return problem(cl, "%s", "--features, --pcm-rate and --pcm-channels are for predict with an audio clip");
    if ((is_versions || (is_predict && (cl->tensor || cl->n_inputs))) && cl->top_k)
        return problem(cl, "%s", "--top-k is for register, or predict with an audio clip");
    if (!is_register && register_flags_given(&cl->reg))
        return problem(cl, "--profile, --layout, --classes, --classes-file, --clip-decision, --ctc-blank and the "
                           "batching options are for register, not %s", c);
    if (cl->pcm_channels && !cl->pcm_rate)
        return problem(cl, "%s", "--pcm-channels needs --pcm-rate");
    if (is_register && cl->n_positionals != 2)
        return problem(cl, "%s", "register wants NAME FILE");
    if (is_versions && cl->n_positionals != 1)
        return problem(cl, "%s", "versions wants NAME");
    if (is_predict) {
        static const char forms[] =
            "predict wants NAME[:VERSION] with --tensor FILE.npy, --input NAME=FILE.npy..., or an audio FILE";
        int with_arrays = cl->tensor != NULL || cl->n_inputs > 0;
        if (cl->tensor != NULL && cl->n_inputs > 0)
            return problem(cl, "%s", "give --tensor or --input, not both");
        if (with_arrays ? cl->n_positionals != 1 : cl->n_positionals != 2)
            return problem(cl, "%s", forms);
        if (cl->input_name != NULL && cl->tensor == NULL)
            return problem(cl, "%s", "--input-name goes with --tensor");
        size_t n = cl->n_positionals == 2 ? strlen(cl->positionals[1]) : 0;
        if (n >= 4 && strcmp(cl->positionals[1] + n - 4, ".npy") == 0) {
            snprintf(cl->problem, sizeof cl->problem, "%.200s looks like a tensor: give it as --input NAME=%.200s",
                     cl->positionals[1], cl->positionals[1]);
            return -1;
        }
    }
    return 0;
}

/* "iris:3" -> "iris", 3; "iris" or "iris:latest" -> "iris", 0 (the latest). Names cannot contain ':'. */
static int split_model(command_line *cl, const char *spec, char **name, int64_t *version)
{
    const char *colon = strrchr(spec, ':');
    *version = 0;
    if (colon == NULL) {
        *name = strdup(spec);
    } else {
        long long v;
        if (strcmp(colon + 1, "latest") != 0) {
            if (parse_int(colon + 1, 1, INT64_MAX, &v) != 0)
                return problem(cl, "bad version in \"%.100s\": the version after ':' must be a positive number or 'latest'",
                               spec);
            *version = v;
        }
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

static maas_code run_register(maas_client *client, const command_line *cl, const maas_register_options *audio,
                               maas_error *err)
{
    maas_register_options options = {
        .description = cl->description,
        .labels = cl->labels,
        .n_labels = cl->n_labels,
        .format = cl->format,
        .sha256 = cl->sha256,
        .audio = audio->audio,
        .classes = audio->classes,
        .batching = audio->batching,
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
        print_versions(stdout, list, cl->json);
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

/* The arrays to send, read before connecting so a bad file fails fast (exit 65). */
typedef struct arrays {
    size_t count;
    npy_array items[MAX_INPUTS];
    const char *names[MAX_INPUTS]; /* NULL for --tensor without --input-name: looked up later */
    float *pcm;                    /* --pcm-rate: the clip's samples */
    size_t n_pcm;
} arrays;

static int read_arrays(const command_line *cl, arrays *a, maas_error *err)
{
    const char *paths[MAX_INPUTS];
    if (cl->tensor != NULL) {
        a->names[0] = cl->input_name;
        paths[0] = cl->tensor;
        a->count = 1;
    } else {
        for (size_t i = 0; i < cl->n_inputs; i++) {
            a->names[i] = cl->inputs[i].key;
            paths[i] = cl->inputs[i].value;
        }
        a->count = cl->n_inputs;
    }
    for (size_t i = 0; i < a->count; i++) {
        char why[512];
        if (npy_read_file(paths[i], MAAS_DEFAULT_MAX_FRAME_SIZE, &a->items[i], why, sizeof why) != 0) {
            err->code = MAAS_ERR_INVALID_ARGUMENT;
            snprintf(err->message, sizeof err->message, "%s", why);
            return -1;
        }
        const npy_header *h = &a->items[i].header;
        if (h->converted)
            fprintf(stderr, "note: input '%s' (%s) holds %s, sent as %s\n", a->names[i] ? a->names[i] : "-",
                    paths[i], strcmp(h->descr, "<f8") == 0 ? "float64" : "int32",
                    h->dtype == NPY_FLOAT32 ? "float32" : "int64");
    }
    return 0;
}

static maas_code run_predict(maas_client *client, const command_line *cl, const char *model, int64_t version,
                             const arrays *a, maas_error *err)
{
    maas_prediction *prediction;
    maas_code code;
    char *looked_up = NULL;
    if (a->count == 0) {
        maas_audio_options options = {.top_k = cl->top_k, .include_features = cl->features != NULL};
        if (a->pcm != NULL)
            code = maas_predict_pcm(client, model, version, a->pcm, a->n_pcm, cl->pcm_channels ? cl->pcm_channels : 1,
                                    cl->pcm_rate, &options, &prediction, err);
        else
            code = maas_predict_audio(client, model, version, cl->positionals[1], &options, &prediction, err);
    } else {
        code = a->names[0] != NULL ? MAAS_OK : find_input_name(client, model, version, &looked_up, err);
        if (code != MAAS_OK)
            return code;
        maas_input inputs[MAX_INPUTS];
        for (size_t i = 0; i < a->count; i++) {
            const npy_array *array = &a->items[i];
            maas_input input = {
                .name = a->names[i] != NULL ? a->names[i] : looked_up,
                .dtype = (maas_dtype)array->header.dtype,
                .rank = array->header.rank,
                .shape = array->header.shape,
                .data = array->data,
            };
            inputs[i] = input;
        }
        code = maas_predict(client, model, version, inputs, a->count, &prediction, err);
        free(looked_up);
    }
    if (code != MAAS_OK)
        return code;
    char **files = NULL;
    const char *unreadable = NULL;
    for (size_t i = 0; i < prediction->n_outputs && unreadable == NULL; i++)
        if (prediction->outputs[i].dtype != MAAS_DTYPE_FLOAT32 && prediction->outputs[i].dtype != MAAS_DTYPE_INT64)
            unreadable = prediction->outputs[i].name;
    if (unreadable == NULL && cl->output_dir != NULL &&
        (code = save_outputs(prediction, cl->output_dir, &files, err)) != MAAS_OK) {
        maas_prediction_free(prediction);
        return code;
    }
    if (unreadable == NULL && cl->features != NULL &&
        (code = audio_save_features(prediction, cl->features, err)) != MAAS_OK) {
        free_saved_paths(files, prediction->n_outputs);
        maas_prediction_free(prediction);
        return code;
    }
    if (unreadable != NULL ||
        print_prediction(stdout, prediction, cl->json, (const char *const *)files, cl->features, &unreadable) != 0) {
        code = err->code = MAAS_ERR_INTERNAL;
        snprintf(err->message, sizeof err->message,
                 "the server sent output '%.200s' with a dtype the client cannot read", unreadable);
    }
    free_saved_paths(files, prediction->n_outputs);
    maas_prediction_free(prediction);
    return code;
}

/* ---------------------------------------------------------------- main */

static int usage_error(const char *message)
{
    fprintf(stderr, "error: %s (see maas-c --help)\n", message);
    return EXIT_USAGE;
}

static int local_file_error(const maas_error *err)
{
    print_error(stderr, err->code, err->message);
    return EXIT_BAD_INPUT_FILE;
}

/* Runs a validated command line; returns the exit status. */
static int run(const command_line *cl)
{
    maas_error err = {0};
    char *model = NULL;
    int64_t version = 0;
    arrays *a = NULL;
    maas_client *client = NULL;
    int status;
    int is_predict = strcmp(cl->command, "predict") == 0;
    command_line parsed = *cl;
    parsed.reg.top_k = cl->top_k;
    maas_register_options register_audio = {0};
    int flags_status;
    if (is_predict && split_model(&parsed, cl->positionals[0], &model, &version) != 0)
        return usage_error(parsed.problem);
    if (is_predict && (a = calloc(1, sizeof *a)) == NULL) {
        free(model);
        fputs("error: RESOURCE_EXHAUSTED: out of memory\n", stderr);
        return EXIT_FAILURE_;
    }
    if (is_predict && read_arrays(cl, a, &err) != 0) {
        status = local_file_error(&err);
    } else if (is_predict && a->count == 0 && !cl->pcm_rate && audio_check_file(cl->positionals[1], &err) != 0) {
        status = local_file_error(&err);
    } else if (is_predict && a->count == 0 && cl->pcm_rate && audio_read_pcm(cl->positionals[1], &a->pcm, &a->n_pcm, &err) != 0) {
        status = local_file_error(&err);
    } else if (strcmp(cl->command, "register") == 0 &&
               (flags_status = register_flags_resolve(&parsed.reg, &register_audio, parsed.problem, sizeof parsed.problem))) {
        if (flags_status == EXIT_USAGE) {
            status = usage_error(parsed.problem);
        } else {
            err.code = MAAS_ERR_INVALID_ARGUMENT;
            snprintf(err.message, sizeof err.message, "%s", parsed.problem);
            status = local_file_error(&err);
        }
    } else if (strcmp(cl->command, "register") == 0 && access(cl->positionals[1], R_OK) != 0) {
        err.code = MAAS_ERR_INVALID_ARGUMENT;
        snprintf(err.message, sizeof err.message, "cannot read model file %.200s: %s", cl->positionals[1],
                 strerror(errno));
        status = local_file_error(&err);
    } else {
        maas_code code = maas_connect(cl->host, cl->port, cl->timeout_ms, &client, &err);
        if (code == MAAS_OK) {
            if (strcmp(cl->command, "register") == 0)
                code = run_register(client, cl, &register_audio, &err);
            else if (strcmp(cl->command, "versions") == 0)
                code = run_versions(client, cl, &err);
            else
                code = run_predict(client, cl, model, version, a, &err);
        }
        if (code != MAAS_OK)
            print_error(stderr, code, err.message);
        status = exit_status(code);
    }
    maas_close(client);
    for (size_t i = 0; a != NULL && i < a->count; i++)
        npy_free(&a->items[i]);
    if (a != NULL)
        free(a->pcm);
    free(a);
    free(model);
    register_flags_free(&parsed.reg);
    return status;
}

int main(int argc, char **argv)
{
    command_line cl = {.host = "127.0.0.1", .port = MAAS_DEFAULT_PORT, .timeout_ms = DEFAULT_TIMEOUT_MS,
                       .reg = REGISTER_FLAGS_INIT};
    int status;
    if (parse_arguments(argc, argv, &cl) != 0)
        status = usage_error(cl.problem);
    else if (cl.help) {
        fputs(usage_text, stdout);
        status = EXIT_OK;
    } else if (validate(&cl) != 0)
        status = usage_error(cl.problem);
    else
        status = run(&cl);
    if (fflush(stdout) != 0 && status == EXIT_OK) {
        fputs("error: writing the output failed\n", stderr);
        status = EXIT_FAILURE_;
    }
    for (size_t i = 0; i < cl.n_labels; i++)
        free((void *)cl.labels[i].key);
    for (size_t i = 0; i < cl.n_inputs; i++)
        free((void *)cl.inputs[i].key);
    return status;
}
