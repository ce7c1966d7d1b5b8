#define _POSIX_C_SOURCE 200809L

#include "register_flags.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* A labels file larger than this is not a labels file (the server allows 65536 names of 256 bytes). */
#define MAX_CLASSES_FILE (16u * 1024u * 1024u)

static int pick(const char *value, const char *const *names, int count)
{
    for (int i = 0; i < count; i++)
        if (strcmp(value, names[i]) == 0)
            return i;
    return -1;
}

int register_flag(register_flags *f, const char *name, const char *value, char *problem, size_t problem_size)
{
    static const char *const profiles[] = {"librosa", "speech16k"};
    static const char *const layouts[] = {"", "time-major", "batch-major", "frames"};
    static const char *const decisions[] = {"mean-log-prob", "last-frame"};
    if (strcmp(name, "profile") == 0) {
        if (pick(value, profiles, 2) < 0) {
            snprintf(problem, problem_size, "--profile wants librosa or speech16k, not \"%.50s\"", value);
            return -1;
        }
        f->profile = value;
    } else if (strcmp(name, "layout") == 0) {
        if ((f->layout = pick(value, layouts, 4)) <= 0) {
            snprintf(problem, problem_size, "--layout wants time-major, batch-major or frames, not \"%.50s\"", value);
            return -1;
        }
    } else if (strcmp(name, "classes") == 0) {
        f->classes = value;
    } else if (strcmp(name, "classes-file") == 0) {
        f->classes_file = value;
    } else if (strcmp(name, "clip-decision") == 0) {
        if ((f->clip_decision = pick(value, decisions, 2)) < 0) {
            snprintf(problem, problem_size, "--clip-decision wants mean-log-prob or last-frame, not \"%.50s\"", value);
            return -1;
        }
    } else if (strcmp(name, "max-batch-size") == 0 || strcmp(name, "max-queue-delay-us") == 0) {
        int rows = name[4] == 'b';
        char *end;
        errno = 0;
        long long n = strtoll(value, &end, 10);
        if (*value == '\0' || *end != '\0' || errno != 0 || n < (rows ? 1 : 0) || n > (rows ? 4096 : 1000000)) {
            snprintf(problem, problem_size, "--%s must be between %s, not %.50s", name,
                     rows ? "1 and 4096" : "0 and 1000000", value);
            return -1;
        }
        if (rows)
            f->max_batch_size = (int)n;
        else
            f->max_queue_delay_us = n;
    } else if (strcmp(name, "batch-padding") == 0 || strcmp(name, "no-batch-padding") == 0) {
        snprintf(problem, problem_size, "--%s takes no value", name);
        return -1;
    } else if (strcmp(name, "ctc-blank") == 0) {
        char *end;
        errno = 0;
        long n = strtol(value, &end, 10);
        if (*value == '\0' || *end != '\0' || errno != 0 || n < 0 || n > 65535) {
            snprintf(problem, problem_size, "--ctc-blank wants a class index (0 or more), not \"%.50s\"", value);
            return -1;
        }
        f->ctc_blank = (int)n;
    } else {
        return 0;
    }
    return 1;
}

int register_switch(register_flags *f, const char *name)
{
    if (strcmp(name, "batch-padding") != 0 && strcmp(name, "no-batch-padding") != 0)
        return 0;
    f->batch_padding = name[0] != 'n';
    return 1;
}

int register_flags_given(const register_flags *f)
{
    return f->profile || f->layout >= 0 || f->classes || f->classes_file || f->clip_decision >= 0 ||
           f->ctc_blank >= 0 || f->top_k || f->max_batch_size || f->max_queue_delay_us >= 0 || f->batch_padding >= 0;
}

/* Reads --classes-file whole (NUL-terminated), refusing more than MAX_CLASSES_FILE bytes. */
static char *read_text(const char *path, char *problem, size_t problem_size)
{
    FILE *file = fopen(path, "rb");
    char *text = NULL;
    size_t n = 0;
    if (file != NULL && (text = malloc(MAX_CLASSES_FILE + 1)) != NULL) {
        n = fread(text, 1, MAX_CLASSES_FILE + 1, file);
        if (ferror(file) || n > MAX_CLASSES_FILE) {
            free(text);
            text = NULL;
            errno = ferror(file) ? EIO : EFBIG;
        }
    }
    int saved = errno;
    if (file != NULL)
        fclose(file);
    if (text == NULL) {
        snprintf(problem, problem_size, "cannot read --classes-file %.200s: %s", path, strerror(saved));
        return NULL;
    }
    text[n] = '\0';
    return text;
}

/* Splits names_text in place at `separator` into f->names; trims what the Swift CLI trims. */
static int split_names(register_flags *f, char separator)
{
    size_t count = 1;
    for (const char *c = f->names_text; *c != '\0'; c++)
        count += *c == separator;
    f->names = calloc(count, sizeof *f->names);
    if (f->names == NULL)
        return -1;
    size_t n = 0;
    char *start = f->names_text;
    for (;;) {
        char *end = strchr(start, separator);
        if (end != NULL)
            *end = '\0';
        char *last = start + strlen(start);
        if (separator == ',') { /* --classes: spaces and tabs around each name */
            while (*start == ' ' || *start == '\t')
                start++;
            while (last > start && (last[-1] == ' ' || last[-1] == '\t'))
                *--last = '\0';
        } else if (last > start && last[-1] == '\r') { /* --classes-file: CRLF lines */
            *--last = '\0';
        }
        f->names[n++] = start;
        if (end == NULL)
            break;
        start = end + 1;
    }
    if (separator == '\n') /* a file's trailing empty lines are not labels */
        while (n > 0 && f->names[n - 1][0] == '\0')
            n--;
    f->labels.names = f->names;
    f->labels.n_names = n;
    return 0;
}

int register_flags_resolve(register_flags *f, maas_register_options *options, char *problem, size_t problem_size)
{
    if (f->classes && f->classes_file) {
        snprintf(problem, problem_size, "give the labels with --classes or --classes-file, not both");
        return 64;
    }
    if (f->layout >= 0 && f->profile == NULL) {
        snprintf(problem, problem_size, "--layout needs an audio front-end: add --profile");
        return 64;
    }
    int has_names = f->classes != NULL || f->classes_file != NULL;
    if (!has_names && (f->clip_decision >= 0 || f->ctc_blank >= 0 || f->top_k)) {
        snprintf(problem, problem_size, "--clip-decision, --ctc-blank and --top-k need class labels: add --classes");
        return 64;
    }
    if (f->profile != NULL) { /* MFCCConfiguration's defaults: librosa 0.11's, or the 16 kHz profile */
        int speech = strcmp(f->profile, "speech16k") == 0;
        maas_audio_front_end a = {
            .sample_rate = speech ? 16000 : 22050, .peak_normalize = 1, .n_fft = speech ? 512 : 2048,
            .hop_length = speech ? 160 : 512, .center = 1, .power = 2, .n_mels = speech ? 40 : 128,
            .mel_scale = MAAS_MEL_SLANEY, .mel_normalization = MAAS_MEL_NORM_SLANEY, .amin = 1e-10, .ref = 1,
            .top_db = 80, .n_mfcc = speech ? 13 : 20, .layout = f->layout >= 0 ? f->layout : MAAS_LAYOUT_UNSPECIFIED,
            .input = "",
        };
        f->audio = a;
        options->audio = &f->audio;
    }
    if (f->max_batch_size || f->max_queue_delay_us >= 0 || f->batch_padding >= 0) {
        f->batching.max_batch_size = f->max_batch_size;
        f->batching.has_max_queue_delay = f->max_queue_delay_us >= 0;
        f->batching.max_queue_delay_us = f->max_queue_delay_us >= 0 ? f->max_queue_delay_us : 0;
        f->batching.has_pad_sequences = f->batch_padding >= 0;
        f->batching.pad_sequences = f->batch_padding == 1;
        options->batching = &f->batching;
    }
    if (has_names) {
        if (f->classes != NULL)
            f->names_text = strdup(f->classes);
        else if ((f->names_text = read_text(f->classes_file, problem, problem_size)) == NULL)
            return 65;
        if (f->names_text == NULL || split_names(f, f->classes != NULL ? ',' : '\n') != 0) {
            snprintf(problem, problem_size, "out of memory for the labels");
            return 65;
        }
        f->labels.output = "";
        f->labels.clip_decision = f->clip_decision >= 0 ? f->clip_decision : MAAS_CLIP_MEAN_LOG_PROB;
        f->labels.top_k = f->top_k;
        f->labels.has_ctc_blank = f->ctc_blank >= 0;
        f->labels.ctc_blank = f->ctc_blank >= 0 ? f->ctc_blank : 0;
        options->classes = &f->labels;
    }
    return 0;
}

void register_flags_free(register_flags *f)
{
    free(f->names);
    free(f->names_text);
    f->names = NULL;
    f->names_text = NULL;
}
