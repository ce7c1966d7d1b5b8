#include "serving.h"

#include <stdio.h>

static void format_enum(char out[FORMAT_NUMBER_MAX], int value, const char *const *names, int count)
{
    if (value >= 0 && value < count)
        snprintf(out, FORMAT_NUMBER_MAX, "%s", names[value]);
    else
        snprintf(out, FORMAT_NUMBER_MAX, "unknown(%d)", value);
}

void format_layout(char out[FORMAT_NUMBER_MAX], int layout)
{
    static const char *const names[] = {"unspecified", "time-major", "batch-major", "frames"};
    format_enum(out, layout, names, 4);
}

void format_clip_decision(char out[FORMAT_NUMBER_MAX], int decision)
{
    static const char *const names[] = {"mean-log-prob", "last-frame"};
    format_enum(out, decision, names, 2);
}

void append_audio_summary(text *t, const maas_audio_front_end *audio)
{
    if (audio == NULL) {
        text_append(t, "-");
        return;
    }
    char layout[FORMAT_NUMBER_MAX];
    format_layout(layout, audio->layout);
    text_appendf(t, "%d Hz, %d MFCC, %s", (int)audio->sample_rate, (int)audio->n_mfcc, layout);
}

void append_classes_summary(text *t, const maas_class_labels *classes)
{
    if (classes == NULL) {
        text_append(t, "-");
        return;
    }
    text_appendf(t, "%zu: ", classes->n_names);
    for (size_t i = 0; i < classes->n_names && i < 3; i++)
        text_appendf(t, "%s%s", i > 0 ? ", " : "", classes->names[i]);
    if (classes->n_names > 3)
        text_append(t, ", \xE2\x80\xA6"); /* U+2026 */
}

void json_audio(json_writer *w, const maas_audio_front_end *a)
{
    static const char *const scales[] = {"slaney", "htk"};
    static const char *const norms[] = {"slaney", "none"};
    char layout[FORMAT_NUMBER_MAX], scale[FORMAT_NUMBER_MAX], norm[FORMAT_NUMBER_MAX];
    format_layout(layout, a->layout);
    format_enum(scale, a->mel_scale, scales, 2);
    format_enum(norm, a->mel_normalization, norms, 2);
    json_begin_object(w);
    json_key(w, "amin");
    json_double(w, a->amin);
    json_key(w, "center");
    json_bool(w, a->center);
    json_key(w, "fmax");
    json_double(w, a->fmax);
    json_key(w, "fmin");
    json_double(w, a->fmin);
    json_key(w, "hop_length");
    json_int(w, a->hop_length);
    json_key(w, "input");
    json_string(w, a->input);
    json_key(w, "layout");
    json_string(w, layout);
    json_key(w, "lifter");
    json_double(w, a->lifter);
    json_key(w, "mel_normalization");
    json_string(w, norm);
    json_key(w, "mel_scale");
    json_string(w, scale);
    json_key(w, "n_fft");
    json_int(w, a->n_fft);
    json_key(w, "n_mels");
    json_int(w, a->n_mels);
    json_key(w, "n_mfcc");
    json_int(w, a->n_mfcc);
    json_key(w, "peak_normalize");
    json_bool(w, a->peak_normalize);
    json_key(w, "power");
    json_double(w, a->power);
    json_key(w, "ref");
    json_double(w, a->ref);
    json_key(w, "sample_rate");
    json_int(w, a->sample_rate);
    json_key(w, "top_db");
    json_double(w, a->top_db);
    json_key(w, "win_length");
    json_int(w, a->win_length);
    json_end_object(w);
}

void json_classes(json_writer *w, const maas_class_labels *k)
{
    char decision[FORMAT_NUMBER_MAX];
    format_clip_decision(decision, k->clip_decision);
    json_begin_object(w);
    json_key(w, "clip_decision");
    json_string(w, decision);
    if (k->has_ctc_blank) {
        json_key(w, "ctc_blank");
        json_int(w, k->ctc_blank);
    }
    json_key(w, "names");
    json_begin_array(w);
    for (size_t i = 0; i < k->n_names; i++)
        json_string(w, k->names[i]);
    json_end_array(w);
    json_key(w, "output");
    json_string(w, k->output);
    json_key(w, "top_k");
    json_int(w, k->top_k);
    json_end_object(w);
}

void append_batching_summary(text *t, const maas_batching *b)
{
    if (b->max_batch_size == 0)
        text_append(t, "the server's batch size");
    else if (b->max_batch_size == 1)
        text_append(t, "off");
    else
        text_appendf(t, "at most %d rows", (int)b->max_batch_size);
    if (b->has_max_queue_delay)
        text_appendf(t, ", waiting up to %lld \xC2\xB5s", (long long)b->max_queue_delay_us); /* U+00B5 */
    if (b->has_pad_sequences)
        text_append(t, b->pad_sequences ? ", lengths padded to share a batch" : ", one length per batch");
}

void json_batching(json_writer *w, const maas_batching *b)
{
    json_begin_object(w);
    json_key(w, "max_batch_size");
    json_int(w, b->max_batch_size);
    if (b->has_max_queue_delay) {
        json_key(w, "max_queue_delay_us");
        json_int(w, b->max_queue_delay_us);
    }
    if (b->has_pad_sequences) {
        json_key(w, "pad_sequences");
        json_bool(w, b->pad_sequences);
    }
    json_end_object(w);
}
