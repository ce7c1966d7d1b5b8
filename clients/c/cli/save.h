/*
 * maas-c predict --output DIR: each output written as DIR/<name>.npy, as `maas predict --output` writes them
 * (Sources/maas/Commands/Predict.swift): output names come from the server, so they are reduced to safe file
 * names and nothing can be written outside DIR.
 */
#ifndef MAAS_CLI_SAVE_H
#define MAAS_CLI_SAVE_H

#include "maas_client.h"

/* Creates DIR (and its parents) and writes every output; (*paths)[i] is where output i went (free with
 * free_saved_paths). MAAS_OK, or INTERNAL with *err filled when a directory or file cannot be written. */
maas_code save_outputs(const maas_prediction *prediction, const char *dir, char ***paths, maas_error *err);
void free_saved_paths(char **paths, size_t count);

#endif /* MAAS_CLI_SAVE_H */
