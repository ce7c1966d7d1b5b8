/*
 * A version's audio front-end and class labels as maas-c prints them: the one-line summaries of the
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

/* "time-major", "htk", "mean-log-prob"...; "unknown(N)" for a number this client does not know. */
void format_layout(char out[FORMAT_NUMBER_MAX], int layout);
void format_clip_decision(char out[FORMAT_NUMBER_MAX], int decision);

/* AudioFrontEndJSON and ClassLabelsJSON: snake_case keys in sorted order, enums by name. */
void json_audio(json_writer *w, const maas_audio_front_end *audio);
void json_classes(json_writer *w, const maas_class_labels *classes);

#endif /* MAAS_CLI_SERVING_H */
