/*
 * A version's audio front-end, class labels and batching settings as maas-c prints them: the one-line summaries of the
 * versions table and the register report, and their --json objects (Sources/maas/Support/ServingJSON.swift).
 */
#ifndef MAAS_CLI_SERVING_H
#define MAAS_CLI_SERVING_H

#include "format.h"
#include "maas_client.h"

/* "22050 Hz, 20 MFCC, time-major", or "-" for NULL (ServingSummary.audio). */
void append_audio_summary(text *t, const maas_audio_front_end *audio);
/* "10: yes, no, up, …", or "-" for NULL (ServingSummary.classes). */
void append_classes_summary(text *t, const maas_class_labels *classes);

/* "at most 8 rows, waiting up to 500 µs" (ServingSummary.batching: the parts the version sets). */
void append_batching_summary(text *t, const maas_batching *batching);

/* "time-major", "htk", "mean-log-prob"...; "unknown(N)" for a number this client does not know. */
void format_layout(char out[FORMAT_NUMBER_MAX], int layout);
void format_clip_decision(char out[FORMAT_NUMBER_MAX], int decision);

/* AudioFrontEndJSON and ClassLabelsJSON: snake_case keys in sorted order, enums by name. */
void json_audio(json_writer *w, const maas_audio_front_end *audio);
void json_classes(json_writer *w, const maas_class_labels *classes);
/* BatchingJSON: max_batch_size, and max_queue_delay_us when set. */
void json_batching(json_writer *w, const maas_batching *batching);

#endif /* MAAS_CLI_SERVING_H */
