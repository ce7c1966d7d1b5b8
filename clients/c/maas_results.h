/*
 * Internal to libmaasclient: turning decoded protobuf-c messages into the public result structs of
 * maas_client.h. Kept apart from the transport so each file reads on its own.
 */
#ifndef MAAS_RESULTS_H
#define MAAS_RESULTS_H

#include "maas_client.h"
#include "maas/v1/maas.pb-c.h"

/* Deep copies; the protobuf-c message stays owned by the caller. NULL with *code RESOURCE_EXHAUSTED when
 * out of memory, or INTERNAL when a string is not UTF-8 (protobuf-c does not check proto3 strings), with
 * a reason in why[]. */
maas_version *maas_results_version(const Maas__V1__ModelVersion *in, maas_code *code, char *why, size_t why_size);
maas_version_list *maas_results_version_list(const Maas__V1__ListVersionsResponse *in, maas_code *code, char *why,
                                             size_t why_size);

/*
 * A deep copy of a PredictResponse with tensor data in host byte order. Every output is checked: shape
 * entries >= 0, at most MAAS_MAX_RANK of them, no overflow, and raw_data exactly count * element size for
 * the dtypes the client knows. On a check failure returns NULL with *code = MAAS_ERR_INTERNAL and a
 * reason in why[]; out of memory gives MAAS_ERR_RESOURCE_EXHAUSTED.
 */
maas_prediction *maas_results_prediction(const Maas__V1__PredictResponse *in, maas_code *code, char *why,
                                         size_t why_size);

/* Number of elements of a shape (1 for rank 0); 0 with *ok = 0 when a dimension is negative or the
 * product overflows size_t. */
size_t maas_results_element_count(const int64_t *shape, size_t rank, int *ok);

/* 1 when s is well-formed UTF-8. */
int maas_results_utf8_ok(const char *s);

/* A malloc'd copy of s ("" for NULL); NULL when out of memory. */
char *maas_results_copy_string(const char *s);

/* A version's audio front-end, class labels and batching (maas_audio_config.c): deep copies, NULL when
 * out of memory, freed by the matching free (NULL is a no-op; batching is one free()). */
maas_batching *maas_results_batching(const Maas__V1__BatchingConfig *in);
maas_audio_front_end *maas_results_audio(const Maas__V1__AudioFrontEnd *in);
void maas_results_audio_free(const maas_audio_front_end *audio);
maas_class_labels *maas_results_classes(const Maas__V1__ClassLabels *in);
void maas_results_classes_free(const maas_class_labels *classes);

/* The wire form of the caller's structs, pointing into them (nothing allocated). classes: -1 when a name
 * is NULL. */
void maas_results_audio_to_wire(const maas_audio_front_end *in, Maas__V1__AudioFrontEnd *out);
int maas_results_classes_to_wire(const maas_class_labels *in, Maas__V1__ClassLabels *out);
void maas_results_batching_to_wire(const maas_batching *in, Maas__V1__BatchingConfig *out);

/* Copies n elements of `size` bytes (4 or 8) from little-endian `src` to host order `dst` (or back:
 * the swap is its own inverse). */
void maas_results_copy_le(void *dst, const void *src, size_t n, size_t size);

#endif /* MAAS_RESULTS_H */
