/*
 * The audio names. "speech" (10 keyword labels, an audio front-end) and "speech-ctc" (per-frame CTC
 * labels, a transcript, its own batching settings) answer audio predictions with values derived from the bytes sent, so a test can
 * tell different clips apart; a version without an audio front-end ("iris") refuses audio. The "audio-*"
 * and "fuzza-SEED" names answer with hostile top classes, transcripts and features.
 *
 * The fake server decodes no audio: a file must start like a WAV ("RIFF....WAVE", 44 bytes at least),
 * raw PCM must be whole float32 frames. That is enough to give the CLIs something to print.
 */
#define _POSIX_C_SOURCE 200809L

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fake_server.h"

#define FLOAT32 MAAS__V1__DATA_TYPE__DATA_TYPE_FLOAT32
#define N_KEYWORDS 10
#define N_MFCC 20
#define MAX_FRAMES 400
#define MANY_CLASSES 65537 /* one over the client's MAAS_MAX_TOP_CLASSES */

static const char *const keywords[N_KEYWORDS] = {"yes", "no", "up", "down", "left", "right", "on", "off", "stop", "go"};
static const char *const letters[] = {"_", "a", "b", "c", "d", "e", "h", "l", "o", " "};

/* ---------------------------------------------------------------- ListVersions */

static Maas__V1__AudioFrontEnd *librosa_front_end(arena *a, int ctc)
{
    Maas__V1__AudioFrontEnd *f = arena_new(a, sizeof *f);
    maas__v1__audio_front_end__init(f);
    f->sample_rate = ctc ? 16000 : 22050;
    f->peak_normalize = 1;
    f->n_fft = ctc ? 512 : 2048;
    f->hop_length = ctc ? 160 : 512;
    f->center = 1;
    f->power = 2;
    f->n_mels = ctc ? 40 : 128;
    f->amin = 1e-10;
    f->ref = 1;
    f->top_db = 80;
    f->n_mfcc = ctc ? 13 : N_MFCC;
    f->layout = ctc ? MAAS__V1__FEATURE_LAYOUT__FEATURE_LAYOUT_BATCH_MAJOR : MAAS__V1__FEATURE_LAYOUT__FEATURE_LAYOUT_TIME_MAJOR;
    f->input = ctc ? "" : "mfcc";
    if (ctc) {
        f->win_length = 400;
        f->fmin = 20;
        f->fmax = 7600.5;
        f->mel_scale = MAAS__V1__MEL_SCALE__MEL_SCALE_HTK;
        f->mel_normalization = MAAS__V1__MEL_NORMALIZATION__MEL_NORMALIZATION_NONE;
        f->top_db = -1;
        f->lifter = 22;
    }
    return f;
}

Maas__V1__ModelVersion *speech_version(arena *a, const char *name)
{
    static const int64_t frames_by_20[] = {-1, 1, N_MFCC};
    static const int64_t one_by_10[] = {1, N_KEYWORDS};
    static const int64_t batch_frames_by_13[] = {1, -1, 13};
    static const int64_t batch_frames_by_10[] = {1, -1, 10};
    int ctc = strcmp(name, "speech-ctc") == 0;
    Maas__V1__ModelVersion *v = arena_new(a, sizeof *v);
    maas__v1__model_version__init(v);
    v->name = (char *)name;
    v->version = ctc ? 2 : 1;
    v->format = MAAS__V1__MODEL_FORMAT__MODEL_FORMAT_ONNX;
    v->size_bytes = ctc ? 3500000 : 331776;
    v->sha256 = ctc ? "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"
                    : "fedcba9876543210fedcba9876543210fedcba9876543210fedcba9876543210";
    v->created_at_unix_ms = 1764374400123;
    v->description = ctc ? "letters, greedy CTC" : "keywords";
    v->n_inputs = 1;
    v->inputs = arena_new(a, sizeof *v->inputs);
    v->inputs[0] = ctc ? new_spec(a, "features", FLOAT32, 3, batch_frames_by_13) : new_spec(a, "mfcc", FLOAT32, 3, frames_by_20);
    v->n_outputs = 1;
    v->outputs = arena_new(a, sizeof *v->outputs);
    v->outputs[0] = ctc ? new_spec(a, "log_probs", FLOAT32, 3, batch_frames_by_10)
                        : new_spec(a, "probabilities", FLOAT32, 2, one_by_10);
    v->audio = librosa_front_end(a, ctc);
    Maas__V1__ClassLabels *k = arena_new(a, sizeof *k);
    maas__v1__class_labels__init(k);
    k->n_names = N_KEYWORDS;
    k->names = (char **)(ctc ? letters : keywords);
    if (ctc) {
        k->output = "log_probs";
        k->clip_decision = MAAS__V1__CLIP_DECISION__CLIP_DECISION_LAST_FRAME;
        k->top_k = 3;
        k->ctc_case = MAAS__V1__CLASS_LABELS__CTC_CTC_BLANK;
        k->ctc_blank = 0;
    }
    v->classes = k;
    if (ctc) {
        Maas__V1__BatchingConfig *b = arena_new(a, sizeof *b);
        maas__v1__batching_config__init(b);
        b->max_batch_size = 8;
        b->delay_case = MAAS__V1__BATCHING_CONFIG__DELAY_MAX_QUEUE_DELAY_US;
        b->max_queue_delay_us = 500;
        b->padding_case = MAAS__V1__BATCHING_CONFIG__PADDING_PAD_SEQUENCES;
        b->pad_sequences = 0;
        v->batching = b;
    }
    return v;
}

/* ---------------------------------------------------------------- Predict */

typedef struct clip {
    const uint8_t *bytes; /* what the scores are derived from */
    size_t n;
    size_t frames;        /* feature frames */
} clip;

/* Checks the request's audio; the text of an INVALID_ARGUMENT otherwise. */
static const char *read_clip(arena *a, const Maas__V1__PredictRequest *request, clip *out)
{
    if (request->n_inputs > 0)
        return "send audio or tensors, not both";
    if (request->audio_case == MAAS__V1__PREDICT_REQUEST__AUDIO_AUDIO_FILE) {
        const ProtobufCBinaryData *f = &request->audio_file;
        if (f->len == 0)
            return "audio_file: the file is empty (0 bytes)";
        if (f->len < 44 || memcmp(f->data, "RIFF", 4) != 0 || memcmp(f->data + 8, "WAVE", 4) != 0)
            return arena_printf(a, "audio_file: not a WAV file (%zu bytes; this fake server reads only WAV)", f->len);
        out->bytes = f->data + 44;
        out->n = f->len - 44;
    } else if (request->audio_case == MAAS__V1__PREDICT_REQUEST__AUDIO_AUDIO_PCM) {
        const Maas__V1__RawAudio *pcm = request->audio_pcm;
        int channels = pcm->channels == 0 ? 1 : pcm->channels;
        if (pcm->sample_rate <= 0)
            return arena_printf(a, "audio_pcm.sample_rate: %d Hz is not positive", pcm->sample_rate);
        if (channels < 0 || pcm->samples.len % (4 * (size_t)channels) != 0)
            return arena_printf(a, "audio_pcm.samples: %zu bytes are not whole frames of %d float32 channels",
                                pcm->samples.len, channels);
        for (size_t i = 0; i + 4 <= pcm->samples.len; i += 4) {
            float x;
            memcpy(&x, pcm->samples.data + i, 4);
            if (!isfinite(x))
                return arena_printf(a, "audio_pcm.samples: sample %zu is not finite", i / 4);
        }
        out->bytes = pcm->samples.data;
        out->n = pcm->samples.len;
    } else {
        return "no audio and no inputs";
    }
    out->frames = 1 + out->n / 512;
    if (out->frames > MAX_FRAMES)
        out->frames = MAX_FRAMES;
    return NULL;
}

/* Class probabilities: a smoothed histogram of the clip's bytes modulo the class count. */
static float *class_probabilities(arena *a, const clip *k)
{
    double counts[N_KEYWORDS];
    double total = 0;
    for (size_t c = 0; c < N_KEYWORDS; c++)
        counts[c] = 1;
    for (size_t i = 0; i < k->n; i++)
        counts[k->bytes[i] % N_KEYWORDS] += 1;
    for (size_t c = 0; c < N_KEYWORDS; c++)
        total += counts[c];
    float *p = arena_new(a, N_KEYWORDS * sizeof *p);
    for (size_t c = 0; c < N_KEYWORDS; c++)
        p[c] = (float)(counts[c] / total);
    return p;
}

/* The top k classes of p, best first, ties to the lower index. */
static size_t top_classes(arena *a, const float *p, const char *const *names, int32_t top_k,
                          Maas__V1__ClassScore ***out)
{
    size_t k = top_k <= 0 ? 5 : (size_t)top_k;
    if (k > N_KEYWORDS)
        k = N_KEYWORDS;
    Maas__V1__ClassScore **scores = arena_new(a, k * sizeof *scores);
    int taken[N_KEYWORDS] = {0};
    for (size_t r = 0; r < k; r++) {
        int best = -1;
        for (int c = 0; c < N_KEYWORDS; c++)
            if (!taken[c] && (best < 0 || p[c] > p[best]))
                best = c;
        taken[best] = 1;
        scores[r] = arena_new(a, sizeof *scores[r]);
        maas__v1__class_score__init(scores[r]);
        scores[r]->index = best;
        scores[r]->label = (char *)names[best];
        scores[r]->probability = p[best];
    }
    *out = scores;
    return k;
}

static Maas__V1__Tensor *features_for(arena *a, const clip *k)
{
    int64_t *shape = arena_new(a, 2 * sizeof *shape);
    shape[0] = (int64_t)k->frames;
    shape[1] = N_MFCC;
    float *values = arena_new(a, k->frames * N_MFCC * sizeof *values);
    for (size_t t = 0; t < k->frames; t++)
        for (size_t c = 0; c < N_MFCC; c++) {
            uint8_t byte = k->n > 0 ? k->bytes[(t * 512 + c) % k->n] : 0;
            values[t * N_MFCC + c] = (float)byte - 128.0f + 0.25f * (float)c - (c == 0 ? 400.0f : 0.0f);
        }
    return new_tensor(a, FLOAT32, 2, shape, values, k->frames * N_MFCC * sizeof *values);
}

/* Greedy CTC over a made-up path: every 8th byte of the clip picks a letter. */
static char *transcript_for(arena *a, const clip *k)
{
    char *text = arena_printf(a, "%s", "");
    int previous = -1;
    for (size_t i = 0; i < k->n && strlen(text) < 64; i += 8) {
        int letter = k->bytes[i] % 10;
        if (letter != previous && letter != 0)
            text = arena_printf(a, "%s%s", text, letters[letter]);
        previous = letter;
    }
    return text;
}

/* The proper answer for "speech" or "speech-ctc". */
static const char *speech_answer(arena *a, const Maas__V1__PredictRequest *request, Maas__V1__PredictResponse *response)
{
    clip k = {0};
    const char *problem = read_clip(a, request, &k);
    if (problem != NULL)
        return problem;
    int ctc = strcmp(request->name, "speech-ctc") == 0;
    float *p = class_probabilities(a, &k);
    static const int64_t one_by_10[] = {1, N_KEYWORDS};
    response->version = ctc ? 2 : 1;
    response->outputs = arena_new(a, sizeof *response->outputs);
    response->n_outputs = 1;
    if (ctc) {
        int64_t *shape = arena_new(a, 3 * sizeof *shape);
        shape[0] = 1;
        shape[1] = 2;
        shape[2] = N_KEYWORDS;
        float *log_probs = arena_new(a, 2 * N_KEYWORDS * sizeof *log_probs);
        for (size_t i = 0; i < 2 * N_KEYWORDS; i++)
            log_probs[i] = logf(p[i % N_KEYWORDS]);
        response->outputs[0] = new_named(a, "log_probs", new_tensor(a, FLOAT32, 3, shape, log_probs, sizeof(float) * 2 * N_KEYWORDS));
        response->transcript = transcript_for(a, &k);
    } else {
        response->outputs[0] = new_named(a, "probabilities", new_tensor(a, FLOAT32, 2, one_by_10, p, N_KEYWORDS * sizeof *p));
    }
    response->n_top_classes = top_classes(a, p, ctc ? letters : keywords, request->top_k, &response->top_classes);
    if (request->include_features)
        response->features = features_for(a, &k);
    return NULL;
}

/* ---------------------------------------------------------------- hostile answers */

static Maas__V1__ClassScore *score(arena *a, int32_t index, const char *label, float probability)
{
    Maas__V1__ClassScore *s = arena_new(a, sizeof *s);
    maas__v1__class_score__init(s);
    s->index = index;
    s->label = (char *)label;
    s->probability = probability;
    return s;
}

/* A well-formed answer with one odd part, for the "audio-*" names; 0 for any other name. */
static int odd_answer(arena *a, const char *name, Maas__V1__PredictResponse *r)
{
    static const int64_t two_by_20[] = {2, N_MFCC};
    static const int64_t negative[] = {-3, N_MFCC};
    static const int64_t overflowing[] = {INT64_C(1) << 40, INT64_C(1) << 40};
    r->version = 1;
    if (strcmp(name, "audio-many-classes") == 0) {
        r->n_top_classes = MANY_CLASSES;
        r->top_classes = arena_new(a, r->n_top_classes * sizeof *r->top_classes);
        Maas__V1__ClassScore *empty = score(a, 0, "", 0);
        for (size_t i = 0; i < r->n_top_classes; i++)
            r->top_classes[i] = empty;
    } else if (strcmp(name, "audio-empty-scores") == 0) {
        r->n_top_classes = 3;
        r->top_classes = arena_new(a, 3 * sizeof *r->top_classes);
        for (size_t i = 0; i < 3; i++)
            r->top_classes[i] = score(a, 0, "", 0);
    } else if (strcmp(name, "audio-odd-scores") == 0) {
        r->n_top_classes = 6;
        r->top_classes = arena_new(a, 6 * sizeof *r->top_classes);
        r->top_classes[0] = score(a, -7, "negative index", 2.5f);
        r->top_classes[1] = score(a, 2147483647, "a very long label that is longer than the others", NAN);
        r->top_classes[2] = score(a, 3, "inf", INFINITY);
        r->top_classes[3] = score(a, 4, "minus", -0.5f);
        r->top_classes[4] = score(a, 5, "tiny", 1e-30f);
        r->top_classes[5] = score(a, 6, "\xc3\xa9t\xc3\xa9 \xe2\x86\x92", 0.125f);
    } else if (strcmp(name, "audio-control") == 0) {
        r->n_top_classes = 1;
        r->top_classes = arena_new(a, sizeof *r->top_classes);
        r->top_classes[0] = score(a, 1, "bad\x1b[31m\nlabel", 0.5f);
        r->transcript = "forged\rline\x07";
    } else if (strncmp(name, "audio-", 6) == 0 && strstr(name, "-utf8") != NULL) {
        static const struct {
            const char *name, *label, *transcript;
        } bad[] = {
            {"audio-bad-utf8", "ok \xff\xfe", "fine"},
            {"audio-bad-utf8-transcript", "fine", "cut \xc3"},
            {"audio-overlong-utf8", "\xc0\xaf", ""},
            {"audio-surrogate-utf8", "\xed\xa0\x80", ""},
        };
        size_t i = 0;
        while (i < sizeof bad / sizeof bad[0] - 1 && strcmp(bad[i].name, name) != 0)
            i++;
        r->n_top_classes = 1;
        r->top_classes = arena_new(a, sizeof *r->top_classes);
        r->top_classes[0] = score(a, 1, bad[i].label, 0.5f);
        r->transcript = (char *)bad[i].transcript;
    } else if (strcmp(name, "audio-short-features") == 0) {
        r->features = new_tensor(a, FLOAT32, 2, two_by_20, arena_new(a, 7), 7);
    } else if (strcmp(name, "audio-negative-features") == 0) {
        r->features = new_tensor(a, FLOAT32, 2, negative, NULL, 0);
    } else if (strcmp(name, "audio-overflowing-features") == 0) {
        r->features = new_tensor(a, FLOAT32, 2, overflowing, NULL, 0);
    } else if (strcmp(name, "audio-int-features") == 0) {
        r->features = new_tensor(a, MAAS__V1__DATA_TYPE__DATA_TYPE_INT64, 2, two_by_20,
                                 arena_new(a, 2 * N_MFCC * 8), 2 * N_MFCC * 8);
    } else if (strcmp(name, "audio-empty-features") == 0) {
        r->features = new_tensor(a, FLOAT32, 0, NULL, NULL, 0);
    } else {
        return 0;
    }
    return 1;
}

int is_audio_request(const Maas__V1__PredictRequest *request)
{
    const char *name = request->name;
    return request->audio_case != MAAS__V1__PREDICT_REQUEST__AUDIO__NOT_SET || strcmp(name, "speech") == 0 ||
           strcmp(name, "speech-ctc") == 0 || strncmp(name, "audio-", 6) == 0 || strncmp(name, "fuzza-", 6) == 0;
}

next predict_audio(connection *c, const Maas__V1__Envelope *envelope, const Maas__V1__PredictRequest *request)
{
    const char *name = request->name;
    arena a = {0};
    Maas__V1__PredictResponse response = MAAS__V1__PREDICT_RESPONSE__INIT;
    response.name = (char *)name;
    next outcome = KEEP_GOING;
    if (strncmp(name, "fuzza-", 6) == 0) {
        char *end;
        unsigned long long seed = strtoull(name + 6, &end, 10);
        static const uint8_t wav[64] = "RIFF\x38\0\0\0WAVEfmt ";
        Maas__V1__PredictRequest proper = *request;
        proper.name = "speech";
        proper.include_features = 1;
        proper.top_k = 3;
        proper.n_inputs = 0;
        proper.audio_case = MAAS__V1__PREDICT_REQUEST__AUDIO_AUDIO_FILE;
        proper.audio_file.data = (uint8_t *)wav;
        proper.audio_file.len = sizeof wav;
        speech_answer(&a, &proper, &response);
        response.transcript = "yes no";
        outcome = send_damaged(c, envelope->call_id, &response.base, *end == '\0' ? seed : 0);
    } else if (odd_answer(&a, name, &response)) {
        answer(c, envelope->call_id, &response.base, CODE_OK, "");
    } else if (strcmp(name, "speech") == 0 || strcmp(name, "speech-ctc") == 0) {
        const char *problem = speech_answer(&a, request, &response);
        if (problem == NULL)
            answer(c, envelope->call_id, &response.base, CODE_OK, "");
        else
            answer_error(c, envelope->call_id, CODE_INVALID_ARGUMENT, "%s", problem);
    } else if (strcmp(name, "iris") == 0 || strcmp(name, "identity") == 0) {
        answer_error(c, envelope->call_id, CODE_FAILED_PRECONDITION,
                     "model %s version %lld has no audio front-end: send tensors, or register it with an audio config",
                     name, (long long)(request->version ? request->version : 2));
    } else {
        answer_error(c, envelope->call_id, CODE_NOT_FOUND, "no model named \"%s\"", name);
    }
    arena_free(&a);
    return outcome;
}
