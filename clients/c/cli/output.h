/*
 * What maas-c prints for each command, for people and with --json. The Swift `maas` CLI is the reference:
 * both must print the same results for the same request, so change this only together with it.
 */
#ifndef MAAS_CLI_OUTPUT_H
#define MAAS_CLI_OUTPUT_H

#include <stdio.h>

#include "maas_client.h"

void print_versions(FILE *out, const maas_version_list *list, int json);
void print_registered(FILE *out, const maas_version *version, int json);

/* Prints the prediction (with its top classes and transcript when it has them), where --output wrote each
 * output (output_files[i], or output_files NULL) and where --features wrote the features (or NULL); -1
 * (nothing printed) when an output has a dtype other than float32/int64, with its name in *unreadable. */
int print_prediction(FILE *out, const maas_prediction *prediction, int json, const char *const *output_files,
                     const char *features_file, const char **unreadable);

/* The one-line error: "error: CODE_NAME: message", control characters shown as '?'. */
void print_error(FILE *out, maas_code code, const char *message);

#endif /* MAAS_CLI_OUTPUT_H */
