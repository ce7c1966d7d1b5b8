/*
 * What maas-c prints for each command, for people and with --json. The layout is shared with the Swift
 * `maas` CLI (both must print the same results for the same request), so change it only together.
 */
#ifndef MAAS_CLI_OUTPUT_H
#define MAAS_CLI_OUTPUT_H

#include <stdio.h>

#include "maas_client.h"

void print_versions(FILE *out, const char *name, const maas_version_list *list, int json);
void print_registered(FILE *out, const maas_version *version, int json);
void print_prediction(FILE *out, const maas_prediction *prediction, int json);

/* The one-line error: "error: CODE_NAME: message", control characters shown as '?'. */
void print_error(FILE *out, maas_code code, const char *message);

#endif /* MAAS_CLI_OUTPUT_H */
