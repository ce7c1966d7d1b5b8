/*
 * maas-c's side of audio predictions: the clip is checked (or, for raw samples, read) before connecting,
 * so a bad local file fails fast with exit 65 as a bad .npy does; --features writes what the server sent.
 */
#ifndef MAAS_CLI_AUDIO_H
#define MAAS_CLI_AUDIO_H

#include <stddef.h>

#include "maas_client.h"

/* The file can be opened, is not a directory and is at most MAAS_MAX_AUDIO_FILE_BYTES. 0, or -1 with
 * *err filled (INVALID_ARGUMENT). The library reads it again, with the same limit. */
int audio_check_file(const char *path, maas_error *err);

/* --pcm-rate: the file's little-endian float32 samples in host order (*samples, freed by the caller).
 * 0, or -1 with *err filled when it cannot be read, is over the limit or is not whole float32 values. */
int audio_read_pcm(const char *path, float **samples, size_t *count, maas_error *err);

/* --features: the features the server returned, as a float32 .npy file; INTERNAL when it sent none or
 * the file cannot be written. */
maas_code audio_save_features(const maas_prediction *prediction, const char *path, maas_error *err);

#endif /* MAAS_CLI_AUDIO_H */
