/*
 * Predict on audio: a file's bytes (PredictRequest.audio_file) or raw float samples (audio_pcm). The server
 * decodes and featurizes; the client only reads the file, with a size limit, and checks its arguments.
 */
#define _POSIX_C_SOURCE 200809L

#include "maas_call.h"
#include "maas_results.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static int host_is_little_endian(void)
{
    const uint16_t probe = 1;
    return *(const uint8_t *)&probe == 1;
}

/* The file limit: MAAS_MAX_AUDIO_FILE_BYTES, or the client's frame limit when that is lower. */
static size_t audio_file_limit(const maas_client *c)
{
    return c->max_frame_size < MAAS_MAX_AUDIO_FILE_BYTES ? c->max_frame_size : MAAS_MAX_AUDIO_FILE_BYTES;
}

/* Reads the whole file into a fresh buffer (*out, freed by the caller), refusing more than `limit` bytes:
 * from fstat before reading for a regular file, and while reading for anything else (or a growing file). */
static maas_code read_limited(const char *path, size_t limit, uint8_t **out, size_t *len, maas_error *err)
{
    *out = NULL;
    *len = 0;
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return maas__fail(err, MAAS_ERR_INVALID_ARGUMENT, "cannot open audio file %.200s: %s", path, strerror(errno));
    struct stat st;
    if (fstat(fd, &st) != 0 || S_ISDIR(st.st_mode)) {
        close(fd);
        return maas__fail(err, MAAS_ERR_INVALID_ARGUMENT, "audio file %.200s is a directory or cannot be read", path);
    }
    if (S_ISREG(st.st_mode) && (uint64_t)st.st_size > limit) {
        close(fd);
        return maas__fail(err, MAAS_ERR_RESOURCE_EXHAUSTED, "audio file %.200s is %llu bytes, over the limit of %zu bytes",
                          path, (unsigned long long)st.st_size, limit);
    }
    size_t capacity = S_ISREG(st.st_mode) ? (size_t)st.st_size + 1 : 64 * 1024;
    if (capacity > limit + 1)
        capacity = limit + 1;
    uint8_t *buffer = malloc(capacity);
    maas_code code = MAAS_OK;
    if (buffer == NULL)
        code = maas__fail(err, MAAS_ERR_RESOURCE_EXHAUSTED, "out of memory for a %zu-byte audio file", capacity);
    size_t n = 0;
    while (code == MAAS_OK) {
        if (n == capacity) {
            if (capacity > limit) {
                code = maas__fail(err, MAAS_ERR_RESOURCE_EXHAUSTED, "audio file %.200s is over the limit of %zu bytes",
                                  path, limit);
                break;
            }
            size_t grown = capacity > (limit + 1) / 2 ? limit + 1 : capacity * 2;
            uint8_t *bigger = realloc(buffer, grown);
            if (bigger == NULL) {
                code = maas__fail(err, MAAS_ERR_RESOURCE_EXHAUSTED, "out of memory reading audio file %.200s", path);
                break;
            }
            buffer = bigger;
            capacity = grown;
        }
        ssize_t got = read(fd, buffer + n, capacity - n);
        if (got < 0 && errno == EINTR)
            continue;
        if (got < 0) {
            code = maas__fail(err, MAAS_ERR_INVALID_ARGUMENT, "cannot read audio file %.200s: %s", path, strerror(errno));
            break;
        }
        if (got == 0)
            break;
        n += (size_t)got;
    }
    close(fd);
    if (code != MAAS_OK) {
        free(buffer);
        return code;
    }
    *out = buffer;
    *len = n;
    return MAAS_OK;
}

/* The checks every audio entry point shares; fills the request's name, version and options. */
static maas_code begin_request(const char *function, maas_client *client, const char *model, int64_t version,
                               const maas_audio_options *options, maas_prediction **out,
                               Maas__V1__PredictRequest *request, maas_error *err)
{
    if (out == NULL)
        return maas__fail(err, MAAS_ERR_INVALID_ARGUMENT, "%s: out is NULL", function);
    *out = NULL;
    if (client == NULL || model == NULL)
        return maas__fail(err, MAAS_ERR_INVALID_ARGUMENT, "%s: client and model are required", function);
    if (version < 0)
        return maas__fail(err, MAAS_ERR_INVALID_ARGUMENT, "version %lld is negative (0 means the latest)",
                          (long long)version);
    static const maas_audio_options defaults = {0};
    if (options == NULL)
        options = &defaults;
    if (options->top_k < 0)
        return maas__fail(err, MAAS_ERR_INVALID_ARGUMENT, "top_k %d is negative (0 means the version's own)",
                          (int)options->top_k);
    maas__v1__predict_request__init(request);
    request->name = (char *)model;
    request->version = version;
    request->top_k = options->top_k;
    request->include_features = options->include_features != 0;
    return MAAS_OK;
}

maas_code maas_predict_audio_bytes(maas_client *client, const char *model, int64_t version, const void *bytes,
                                   size_t n_bytes, const maas_audio_options *options, maas_prediction **out,
                                   maas_error *err)
{
    MAAS__ENTER(err);
    Maas__V1__PredictRequest request;
    maas_code code = begin_request("maas_predict_audio_bytes", client, model, version, options, out, &request, err);
    if (code != MAAS_OK)
        return code;
    if (bytes == NULL && n_bytes > 0)
        return maas__fail(err, MAAS_ERR_INVALID_ARGUMENT, "maas_predict_audio_bytes: %zu bytes but no data", n_bytes);
    if (n_bytes > client->max_frame_size)
        return maas__fail(err, MAAS_ERR_RESOURCE_EXHAUSTED, "%zu bytes of audio are over the frame limit of %u bytes",
                          n_bytes, (unsigned)client->max_frame_size);
    request.audio_case = MAAS__V1__PREDICT_REQUEST__AUDIO_AUDIO_FILE;
    request.audio_file.data = (uint8_t *)bytes;
    request.audio_file.len = n_bytes;
    return maas__predict_call(client, &request, out, err);
}

maas_code maas_predict_audio(maas_client *client, const char *model, int64_t version, const char *audio_path,
                             const maas_audio_options *options, maas_prediction **out, maas_error *err)
{
    MAAS__ENTER(err);
    Maas__V1__PredictRequest request;
    maas_code code = begin_request("maas_predict_audio", client, model, version, options, out, &request, err);
    if (code != MAAS_OK)
        return code;
    if (audio_path == NULL)
        return maas__fail(err, MAAS_ERR_INVALID_ARGUMENT, "maas_predict_audio: audio_path is NULL");
    uint8_t *bytes;
    size_t n_bytes;
    code = read_limited(audio_path, audio_file_limit(client), &bytes, &n_bytes, err);
    if (code != MAAS_OK)
        return code;
    request.audio_case = MAAS__V1__PREDICT_REQUEST__AUDIO_AUDIO_FILE;
    request.audio_file.data = bytes;
    request.audio_file.len = n_bytes;
    code = maas__predict_call(client, &request, out, err);
    free(bytes);
    return code;
}

maas_code maas_predict_pcm(maas_client *client, const char *model, int64_t version, const float *samples,
                           size_t n_samples, int channels, int sample_rate, const maas_audio_options *options,
                           maas_prediction **out, maas_error *err)
{
    MAAS__ENTER(err);
    Maas__V1__PredictRequest request;
    maas_code code = begin_request("maas_predict_pcm", client, model, version, options, out, &request, err);
    if (code != MAAS_OK)
        return code;
    if (sample_rate <= 0)
        return maas__fail(err, MAAS_ERR_INVALID_ARGUMENT, "sample rate %d Hz is not positive", sample_rate);
    if (channels < 1 || channels > MAAS_MAX_PCM_CHANNELS)
        return maas__fail(err, MAAS_ERR_INVALID_ARGUMENT, "%d channels is outside 1..%d", channels, MAAS_MAX_PCM_CHANNELS);
    if (n_samples > client->max_frame_size / sizeof(float))
        return maas__fail(err, MAAS_ERR_RESOURCE_EXHAUSTED, "%zu samples are over the frame limit of %u bytes",
                          n_samples, (unsigned)client->max_frame_size);
    size_t count = n_samples;
    if (samples == NULL && count > 0)
        return maas__fail(err, MAAS_ERR_INVALID_ARGUMENT, "maas_predict_pcm: %zu samples but no data", count);
    void *swapped = NULL;
    const void *wire = samples;
    if (!host_is_little_endian() && count > 0) {
        if ((swapped = malloc(count * sizeof(float))) == NULL)
            return maas__fail(err, MAAS_ERR_RESOURCE_EXHAUSTED, "out of memory for %zu samples", count);
        maas_results_copy_le(swapped, samples, count, sizeof(float));
        wire = swapped;
    }
    Maas__V1__RawAudio pcm = MAAS__V1__RAW_AUDIO__INIT;
    pcm.sample_rate = sample_rate;
    pcm.channels = channels;
    pcm.samples.data = (uint8_t *)wire;
    pcm.samples.len = count * sizeof(float);
    request.audio_case = MAAS__V1__PREDICT_REQUEST__AUDIO_AUDIO_PCM;
    request.audio_pcm = &pcm;
    code = maas__predict_call(client, &request, out, err);
    free(swapped);
    return code;
}
