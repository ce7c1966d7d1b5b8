/* test_client: audio predictions (a file's bytes, raw samples), the audio front-end, class labels and
 * batching of versions, what the client refuses before sending, and hostile top classes, transcripts and
 * features. */
#define _POSIX_C_SOURCE 200809L

#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "harness.h"

static const char *const keywords[] = {"yes", "no", "up", "down", "left", "right", "on", "off", "stop", "go"};

/* A file that starts like a WAV (what the fake server asks for) followed by `data_bytes` pattern bytes. */
static void make_wav(char *path, size_t path_size, const char *name, size_t data_bytes, unsigned seed)
{
    snprintf(path, path_size, "%s/%s", scratch, name);
    FILE *f = fopen(path, "wb");
    CHECK(f != NULL, "cannot create %s", path);
    if (f == NULL)
        return;
    uint8_t header[44] = "RIFF\0\0\0\0WAVEfmt ";
    fwrite(header, 1, sizeof header, f);
    for (size_t i = 0; i < data_bytes; i++)
        fputc((int)((i * 7 + seed * (i / 3)) & 0xFF), f);
    fclose(f);
}

/* The answer hangs together: scores best first, each the output's value at its index, labels the
 * version's names. */
static void check_speech_answer(const maas_prediction *p, size_t want_classes)
{
    CHECK(strcmp(p->model, "speech") == 0 && p->version == 1, "model %s version %lld", p->model, (long long)p->version);
    const maas_tensor *probs = maas_prediction_output(p, "probabilities");
    CHECK(probs != NULL && probs->count == 10 && probs->rank == 2, "probabilities [1, 10]");
    CHECK(p->n_top_classes == want_classes, "%zu top classes, want %zu", p->n_top_classes, want_classes);
    CHECK(p->transcript != NULL && p->transcript[0] == '\0', "no transcript");
    if (probs == NULL || probs->count != 10)
        return;
    const float *values = probs->data;
    for (size_t i = 0; i < p->n_top_classes; i++) {
        const maas_class_score *s = &p->top_classes[i];
        CHECK(s->index >= 0 && s->index < 10, "index %d", (int)s->index);
        if (s->index < 0 || s->index >= 10)
            continue;
        CHECK(strcmp(s->label, keywords[s->index]) == 0, "class %d is %s", (int)s->index, s->label);
        CHECK(s->probability == values[s->index], "class %d: %g vs output %g", (int)s->index, s->probability,
              values[s->index]);
        CHECK(i == 0 || p->top_classes[i - 1].probability >= s->probability, "best first at %zu", i);
    }
}

void audio_predict_sends_the_file_and_reads_classes_and_features(void)
{
    char path[512];
    make_wav(path, sizeof path, "clip.wav", 5000, 1);
    maas_client *c = open_client(5000);
    maas_prediction *p;
    maas_error err;
    maas_code code = maas_predict_audio(c, "speech", 0, path, NULL, &p, &err);
    CHECK_CODE(code, MAAS_OK, err);
    if (code == MAAS_OK) {
        check_speech_answer(p, 5); /* the version's default */
        CHECK(p->features == NULL, "no features unless asked");
        maas_prediction_free(p);
    }
    const maas_audio_options options = {.top_k = 3, .include_features = 1};
    code = maas_predict_audio(c, "speech", 1, path, &options, &p, &err);
    CHECK_CODE(code, MAAS_OK, err);
    if (code == MAAS_OK) {
        check_speech_answer(p, 3);
        const maas_tensor *f = p->features;
        CHECK(f != NULL && strcmp(f->name, "features") == 0 && f->dtype == MAAS_DTYPE_FLOAT32 && f->rank == 2 &&
                  f->shape[0] == 1 + 5000 / 512 && f->shape[1] == 20 && f->count == 200 && f->n_bytes == 800,
              "features [10, 20]");
        maas_prediction_free(p);
    }
    /* Another clip, other scores: the bytes really went over. */
    char other[512];
    make_wav(other, sizeof other, "other.wav", 5000, 2);
    maas_prediction *q;
    code = maas_predict_audio(c, "speech", 0, other, NULL, &q, &err);
    CHECK_CODE(code, MAAS_OK, err);
    code = maas_predict_audio(c, "speech", 0, path, NULL, &p, &err);
    if (code == MAAS_OK && q != NULL)
        CHECK(memcmp(p->outputs[0].data, q->outputs[0].data, 40) != 0, "two clips, two answers");
    maas_prediction_free(p);
    maas_prediction_free(q);
    maas_close(c);
}

void audio_bytes_and_pcm_reach_the_server(void)
{
    maas_client *c = open_client(5000);
    maas_prediction *p;
    maas_error err;
    uint8_t wav[44 + 64] = "RIFF\0\0\0\0WAVEfmt ";
    for (size_t i = 44; i < sizeof wav; i++)
        wav[i] = (uint8_t)i;
    maas_code code = maas_predict_audio_bytes(c, "speech-ctc", 0, wav, sizeof wav, NULL, &p, &err);
    CHECK_CODE(code, MAAS_OK, err);
    if (code == MAAS_OK) {
        CHECK(p->version == 2 && p->n_top_classes == 5 && p->transcript[0] != '\0', "CTC answer with transcript \"%s\"",
              p->transcript);
        maas_prediction_free(p);
    }
    float samples[2 * 300];
    for (size_t i = 0; i < 600; i++)
        samples[i] = (float)i / 600.0f - 0.5f;
    const maas_audio_options options = {.include_features = 1};
    code = maas_predict_pcm(c, "speech", 0, samples, 600, 2, 44100, &options, &p, &err);
    CHECK_CODE(code, MAAS_OK, err);
    if (code == MAAS_OK) {
        check_speech_answer(p, 5);
        CHECK(p->features != NULL && p->features->shape[0] == 1 + 2400 / 512, "features of 2400 bytes of samples");
        maas_prediction_free(p);
    }
    samples[7] = NAN;
    code = maas_predict_pcm(c, "speech", 0, samples, 600, 2, 44100, NULL, &p, &err);
    CHECK_CODE(code, MAAS_ERR_INVALID_ARGUMENT, err);
    CHECK(err.from_server && strstr(err.message, "sample 7 is not finite") != NULL, "message: %s", err.message);
    check_usable(c);
    maas_close(c);
}

void the_servers_audio_refusals_keep_the_connection(void)
{
    static const struct {
        const char *model;
        const char *file;
        size_t data_bytes; /* SIZE_MAX: a text file */
        maas_code code;
        const char *fragment;
    } cases[] = {
        {"speech", "garbage.wav", SIZE_MAX, MAAS_ERR_INVALID_ARGUMENT, "not a WAV file"},
        {"speech", "zero.wav", 0, MAAS_ERR_INVALID_ARGUMENT, "empty (0 bytes)"},
        {"iris", "for-iris.wav", 100, MAAS_ERR_FAILED_PRECONDITION, "has no audio front-end"},
        {"missing", "for-missing.wav", 100, MAAS_ERR_NOT_FOUND, "no model named \"missing\""},
    };
    maas_client *c = open_client(5000);
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char path[512];
        if (cases[i].data_bytes == SIZE_MAX) {
            snprintf(path, sizeof path, "%s/%s", scratch, cases[i].file);
            FILE *f = fopen(path, "wb");
            CHECK(f != NULL && fputs("this is not audio at all, just some text", f) >= 0 && fclose(f) == 0, "text");
        } else if (cases[i].data_bytes == 0) {
            make_file(path, sizeof path, cases[i].file, 0);
        } else {
            make_wav(path, sizeof path, cases[i].file, cases[i].data_bytes, 3);
        }
        maas_prediction *p = (maas_prediction *)&p;
        maas_error err;
        maas_code code = maas_predict_audio(c, cases[i].model, 0, path, NULL, &p, &err);
        CHECK_CODE(code, cases[i].code, err);
        CHECK(p == NULL && err.from_server && strstr(err.message, cases[i].fragment) != NULL, "%s: %s", cases[i].file,
              err.message);
    }
    check_usable(c);
    maas_close(c);
}

void bad_audio_arguments_are_refused_before_sending(void)
{
    maas_client *c = open_client(5000);
    maas_prediction *p;
    maas_error err;
    char path[512];
    make_wav(path, sizeof path, "ok.wav", 100, 4);
    float samples[4] = {0};
    const maas_audio_options negative = {.top_k = -1};
    static const char big_name[] = "big.wav";
    char big[512];
    make_wav(big, sizeof big, big_name, 70 * 1024, 5);
    size_t n = 0;
#define TRY(call, want, text)                                                                             \
    do {                                                                                                  \
        p = (maas_prediction *)&p;                                                                        \
        maas_code got_ = (call);                                                                          \
        CHECK(got_ == (want) && !err.from_server && p == NULL && strstr(err.message, text) != NULL,       \
              "%s: %s (%s)", #call, maas_code_name(got_), err.message);                                   \
        n++;                                                                                              \
    } while (0)
    TRY(maas_predict_audio(c, "speech", 0, "/nonexistent/clip.wav", NULL, &p, &err), MAAS_ERR_INVALID_ARGUMENT,
        "cannot open audio file /nonexistent/clip.wav");
    TRY(maas_predict_audio(c, "speech", 0, scratch, NULL, &p, &err), MAAS_ERR_INVALID_ARGUMENT, "is a directory");
    TRY(maas_predict_audio(c, "speech", 0, path, &negative, &p, &err), MAAS_ERR_INVALID_ARGUMENT, "top_k -1");
    TRY(maas_predict_audio(c, "speech", -2, path, NULL, &p, &err), MAAS_ERR_INVALID_ARGUMENT, "negative");
    TRY(maas_predict_audio(c, NULL, 0, path, NULL, &p, &err), MAAS_ERR_INVALID_ARGUMENT, "required");
    TRY(maas_predict_audio(c, "speech", 0, NULL, NULL, &p, &err), MAAS_ERR_INVALID_ARGUMENT, "audio_path");
    TRY(maas_predict_audio_bytes(c, "speech", 0, NULL, 3, NULL, &p, &err), MAAS_ERR_INVALID_ARGUMENT, "no data");
    TRY(maas_predict_pcm(c, "speech", 0, samples, 2, 2, 0, NULL, &p, &err), MAAS_ERR_INVALID_ARGUMENT, "sample rate 0");
    TRY(maas_predict_pcm(c, "speech", 0, samples, 2, 0, 16000, NULL, &p, &err), MAAS_ERR_INVALID_ARGUMENT,
        "0 channels");
    TRY(maas_predict_pcm(c, "speech", 0, NULL, 2, 1, 16000, NULL, &p, &err), MAAS_ERR_INVALID_ARGUMENT, "no data");
    TRY(maas_predict_pcm(c, "speech", 0, samples, SIZE_MAX / 2, 2, 16000, NULL, &p, &err), MAAS_ERR_RESOURCE_EXHAUSTED,
        "samples are over the frame limit");
    /* Over the frame limit (64 KiB here): refused from its size, or while reading a file with no size. */
    maas_set_max_frame_size(c, 64 * 1024);
    TRY(maas_predict_audio(c, "speech", 0, big, NULL, &p, &err), MAAS_ERR_RESOURCE_EXHAUSTED,
        "71724 bytes, over the limit of 65536 bytes");
    TRY(maas_predict_audio(c, "speech", 0, "/dev/zero", NULL, &p, &err), MAAS_ERR_RESOURCE_EXHAUSTED,
        "over the limit of 65536 bytes");
#undef TRY
    CHECK(n == 13, "%zu cases", n);
    CHECK(maas_predict_audio(c, "speech", 0, path, NULL, NULL, &err) == MAAS_ERR_INVALID_ARGUMENT, "NULL out");
    check_usable(c); /* nothing was sent: the connection is as it was */
    maas_close(c);
}

void versions_carry_the_audio_front_end_and_class_labels(void)
{
    maas_client *c = open_client(5000);
    maas_version_list *list;
    maas_error err;
    maas_code code = maas_list_versions(c, "speech-ctc", &list, &err);
    CHECK_CODE(code, MAAS_OK, err);
    if (code == MAAS_OK && list->count == 1) {
        const maas_version *v = &list->versions[0];
        const maas_audio_front_end *a = v->audio;
        CHECK(a != NULL && a->sample_rate == 16000 && a->n_fft == 512 && a->hop_length == 160 && a->win_length == 400 &&
                  a->center == 1 && a->peak_normalize == 1 && a->power == 2 && a->n_mels == 40 && a->fmin == 20 &&
                  a->fmax == 7600.5 && a->mel_scale == MAAS_MEL_HTK && a->mel_normalization == MAAS_MEL_NORM_NONE &&
                  a->amin == 1e-10 && a->ref == 1 && a->top_db == -1 && a->n_mfcc == 13 && a->lifter == 22 &&
                  a->layout == MAAS_LAYOUT_BATCH_MAJOR && strcmp(a->input, "") == 0,
              "audio front-end");
        const maas_class_labels *k = v->classes;
        CHECK(k != NULL && k->n_names == 10 && strcmp(k->names[0], "_") == 0 && strcmp(k->names[9], " ") == 0 &&
                  strcmp(k->output, "log_probs") == 0 && k->clip_decision == MAAS_CLIP_LAST_FRAME && k->top_k == 3 &&
                  k->has_ctc_blank == 1 && k->ctc_blank == 0,
              "class labels");
        const maas_batching *b = v->batching;
        CHECK(b != NULL && b->max_batch_size == 8 && b->has_max_queue_delay && b->max_queue_delay_us == 500 &&
                  b->has_pad_sequences && !b->pad_sequences,
              "batching (padding off is set, not absent)");
    }
    maas_version_list_free(list);
    code = maas_list_versions(c, "iris", &list, &err);
    if (code == MAAS_OK)
        CHECK(list->versions[0].audio == NULL && list->versions[0].classes == NULL && list->versions[0].batching == NULL,
              "iris takes no audio and follows the server's batching");
    maas_version_list_free(list);
    /* A class name that is not UTF-8 (protobuf-c does not check): a bad answer, and only this call fails. */
    code = maas_list_versions(c, "bad-utf8-version", &list, &err);
    CHECK(code == MAAS_ERR_INTERNAL && list == NULL && !err.from_server &&
              strstr(err.message, "version 0: a class name is not valid UTF-8") != NULL,
          "%s (%s)", maas_code_name(code), err.message);
    check_usable(c);
    maas_close(c);
}

void register_sends_the_audio_front_end_class_labels_and_batching(void)
{
    char path[512];
    make_file(path, sizeof path, "audio-model.onnx", 1000);
    const char *names[] = {"cat", "dog", ""};
    maas_audio_front_end audio = {
        .sample_rate = 22050, .peak_normalize = 1, .n_fft = 2048, .hop_length = 512, .center = 1, .power = 2,
        .n_mels = 128, .amin = 1e-10, .ref = 1, .top_db = 80, .n_mfcc = 20, .layout = MAAS_LAYOUT_TIME_MAJOR,
        .input = "mfcc",
    };
    maas_class_labels classes = {.n_names = 3, .names = names, .top_k = 2, .has_ctc_blank = 1, .ctc_blank = 0};
    const maas_batching batching = {
        .max_batch_size = 1, .has_max_queue_delay = 1, .max_queue_delay_us = 0, .has_pad_sequences = 1, .pad_sequences = 1};
    maas_register_options options = {.audio = &audio, .classes = &classes, .batching = &batching};
    maas_client *c = open_client(5000);
    maas_version *v;
    maas_error err;
    maas_code code = maas_register_model(c, "audio-model", path, &options, &v, &err);
    CHECK_CODE(code, MAAS_OK, err);
    if (code == MAAS_OK) {
        CHECK(v->audio != NULL && v->audio->sample_rate == 22050 && v->audio->top_db == 80 &&
                  v->audio->layout == MAAS_LAYOUT_TIME_MAJOR && strcmp(v->audio->input, "mfcc") == 0,
              "the server got the front-end");
        CHECK(v->classes != NULL && v->classes->n_names == 3 && strcmp(v->classes->names[1], "dog") == 0 &&
                  v->classes->names[2][0] == '\0' && v->classes->top_k == 2 && v->classes->has_ctc_blank &&
                  v->classes->output[0] == '\0',
              "the server got the labels");
        CHECK(v->batching != NULL && v->batching->max_batch_size == 1 && v->batching->has_max_queue_delay &&
                  v->batching->max_queue_delay_us == 0 && v->batching->has_pad_sequences && v->batching->pad_sequences,
              "the server got the batching settings (a zero delay is set, not absent)");
        maas_version_free(v);
    }
    names[1] = NULL;
    code = maas_register_model(c, "audio-model", path, &options, &v, &err);
    CHECK_CODE(code, MAAS_ERR_INVALID_ARGUMENT, err);
    check_usable(c);
    maas_close(c);
}

/* ---------------------------------------------------------------- hostile answers */

void hostile_audio_answers_are_errors_or_consistent_results(void)
{
    static const struct {
        const char *name;
        maas_code code;
        const char *fragment;
    } cases[] = {
        {"audio-many-classes", MAAS_ERR_INTERNAL, "65537 top classes, over the client's limit of 65536"},
        {"audio-short-features", MAAS_ERR_INTERNAL, "40 elements of 4 bytes but 7 bytes"},
        {"audio-negative-features", MAAS_ERR_INTERNAL, "negative or overflowing shape"},
        {"audio-overflowing-features", MAAS_ERR_INTERNAL, "negative or overflowing shape"},
        {"audio-empty-features", MAAS_ERR_INTERNAL, "1 elements of 4 bytes but 0 bytes"},
        {"audio-empty-scores", MAAS_OK, ""},
        {"audio-odd-scores", MAAS_OK, ""},
        {"audio-control", MAAS_OK, ""},
        {"audio-int-features", MAAS_OK, ""},
    };
    maas_client *c = open_client(5000);
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        maas_prediction *p;
        maas_error err;
        maas_code code = maas_predict_audio_bytes(c, cases[i].name, 0, "RIFF", 4, NULL, &p, &err);
        CHECK(code == cases[i].code && strstr(err.message, cases[i].fragment) != NULL, "%s: %s (%s)", cases[i].name,
              maas_code_name(code), err.message);
        if (code != MAAS_OK) {
            CHECK(p == NULL && !err.from_server, "%s: nothing returned", cases[i].name);
            continue;
        }
        for (size_t s = 0; s < p->n_top_classes; s++)
            CHECK(p->top_classes[s].label != NULL, "%s: label %zu", cases[i].name, s);
        CHECK(p->transcript != NULL, "%s: transcript", cases[i].name);
        if (strcmp(cases[i].name, "audio-odd-scores") == 0)
            CHECK(p->n_top_classes == 6 && p->top_classes[0].index == -7 && isnan(p->top_classes[1].probability) &&
                      p->top_classes[1].index == INT32_MAX && isinf(p->top_classes[2].probability),
                  "odd values kept as sent");
        if (strcmp(cases[i].name, "audio-int-features") == 0)
            CHECK(p->features != NULL && p->features->dtype == MAAS_DTYPE_INT64 && p->features->count == 40,
                  "int64 features are kept");
        maas_prediction_free(p);
    }
    check_usable(c); /* a bad answer fails only its call */
    maas_close(c);
}

/* protobuf-c does not check that proto3 strings are UTF-8; the client does, for what it prints. */
void bad_utf8_in_labels_or_transcripts_is_a_bad_answer(void)
{
    static const char *const models[] = {"audio-bad-utf8", "audio-bad-utf8-transcript", "audio-overlong-utf8",
                                         "audio-surrogate-utf8"};
    maas_client *c = open_client(5000);
    for (size_t i = 0; i < sizeof models / sizeof models[0]; i++) {
        maas_prediction *p;
        maas_error err;
        maas_code code = maas_predict_audio_bytes(c, models[i], 0, "RIFF", 4, NULL, &p, &err);
        CHECK(code == MAAS_ERR_INTERNAL && p == NULL && strstr(err.message, "not valid UTF-8") != NULL, "%s: %s (%s)",
              models[i], maas_code_name(code), err.message);
    }
    check_usable(c);
    maas_close(c);
}

void damaged_audio_answers_never_crash(void)
{
    int ok = 0, errors = 0;
    for (int seed = 1; seed <= 150; seed++) {
        char name[32];
        snprintf(name, sizeof name, "fuzza-%d", seed);
        maas_client *c = open_client(5000);
        maas_prediction *p;
        maas_error err;
        maas_code code = maas_predict_audio_bytes(c, name, 0, "RIFF", 4, NULL, &p, &err);
        if (code == MAAS_OK) {
            ok++;
            for (size_t s = 0; s < p->n_top_classes; s++)
                CHECK(p->top_classes[s].label != NULL, "%s: label", name);
            CHECK(p->transcript != NULL, "%s: transcript", name);
            const maas_tensor *f = p->features;
            if (f != NULL)
                CHECK((f->rank == 0 || f->shape != NULL) && (maas_dtype_size(f->dtype) == 0 ||
                                                             f->count * maas_dtype_size(f->dtype) == f->n_bytes),
                      "%s: features consistent", name);
            maas_prediction_free(p);
        } else {
            errors++;
            CHECK(p == NULL && err.message[0] != '\0', "%s: %s without a message", name, maas_code_name(code));
        }
        maas_close(c);
    }
    CHECK(ok > 0 && errors > 0, "damage gave both outcomes (%d ok, %d errors)", ok, errors);
}
