/*
 * maas-c register's audio flags, as `maas register` has them (Sources/maas/Options/ServingOptions.swift):
 * --profile librosa|speech16k, --layout, --classes a,b,c or --classes-file FILE, --clip-decision,
 * --ctc-blank, --top-k, and the batching flags --max-batch-size, --max-queue-delay-us and
 * --[no-]batch-padding (the last without a value: register_switch). They become the
 * maas_audio_front_end, maas_class_labels and maas_batching sent with the upload.
 * (`maas register --config model.json` has no maas-c counterpart: maas-c reads no JSON.)
 */
#ifndef MAAS_CLI_REGISTER_FLAGS_H
#define MAAS_CLI_REGISTER_FLAGS_H

#include <stddef.h>

#include "maas_client.h"

typedef struct register_flags {
    const char *profile;      /* NULL = no audio front-end from the command line */
    int layout;               /* a maas_feature_layout; -1 = not given */
    const char *classes;      /* comma-separated labels */
    const char *classes_file; /* one label per line */
    int clip_decision;        /* a maas_clip_decision; -1 = not given */
    int ctc_blank;            /* -1 = not given */
    int top_k;                /* 0 = not given */
    int max_batch_size;       /* 0 = not given */
    long long max_queue_delay_us; /* -1 = not given */
    int batch_padding;        /* --batch-padding 1, --no-batch-padding 0, -1 = not given */
    /* What register_flags_resolve builds (freed by register_flags_free). */
    maas_audio_front_end audio;
    maas_class_labels labels;
    maas_batching batching;
    char *names_text;         /* the labels' storage */
    const char **names;
} register_flags;

#define REGISTER_FLAGS_INIT \
    {.layout = -1, .clip_decision = -1, .ctc_blank = -1, .max_queue_delay_us = -1, .batch_padding = -1}

/* One --NAME VALUE: 1 when it is one of these flags (applied), 0 when it is not, -1 when its value is
 * bad (problem[] says why). */
int register_flag(register_flags *f, const char *name, const char *value, char *problem, size_t problem_size);

/* A flag without a value (--batch-padding, --no-batch-padding): 1 when it is one (applied), 0 when not. */
int register_switch(register_flags *f, const char *name);

/* True when any of these flags was given. */
int register_flags_given(const register_flags *f);

/* Builds the front-end and labels into f and points options->audio/classes at them. 0 on success;
 * 64 (a usage error: flags that need others) or 65 (an unreadable --classes-file) with problem[] set. */
int register_flags_resolve(register_flags *f, maas_register_options *options, char *problem, size_t problem_size);

void register_flags_free(register_flags *f);

#endif /* MAAS_CLI_REGISTER_FLAGS_H */
