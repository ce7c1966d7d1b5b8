/*
 * A version's serving settings (audio front-end, class labels, batching): deep copies from decoded
 * messages (ListVersions, RegisterModel answers) and the wire form of the caller's structs (RegisterModel
 * headers).
 */
#include "maas_results.h"

#include <stdlib.h>
#include <string.h>

/* ---------------------------------------------------------------- from the wire */

maas_audio_front_end *maas_results_audio(const Maas__V1__AudioFrontEnd *in)
{
    maas_audio_front_end *a = calloc(1, sizeof *a);
    if (a == NULL)
        return NULL;
    a->sample_rate = in->sample_rate;
    a->peak_normalize = in->peak_normalize ? 1 : 0;
    a->n_fft = in->n_fft;
    a->hop_length = in->hop_length;
    a->win_length = in->win_length;
    a->center = in->center ? 1 : 0;
    a->power = in->power;
    a->n_mels = in->n_mels;
    a->fmin = in->fmin;
    a->fmax = in->fmax;
    a->mel_scale = (int)in->mel_scale;
    a->mel_normalization = (int)in->mel_normalization;
    a->amin = in->amin;
    a->ref = in->ref;
    a->top_db = in->top_db;
    a->n_mfcc = in->n_mfcc;
    a->lifter = in->lifter;
    a->layout = (int)in->layout;
    a->input = maas_results_copy_string(in->input);
    if (a->input == NULL) {
        free(a);
        return NULL;
    }
    return a;
}

void maas_results_audio_free(const maas_audio_front_end *audio)
{
    if (audio == NULL)
        return;
    free((void *)audio->input);
    free((void *)audio);
}

maas_class_labels *maas_results_classes(const Maas__V1__ClassLabels *in)
{
    maas_class_labels *k = calloc(1, sizeof *k);
    if (k == NULL)
        return NULL;
    k->output = maas_results_copy_string(in->output);
    k->clip_decision = (int)in->clip_decision;
    k->top_k = in->top_k;
    k->has_ctc_blank = in->ctc_case == MAAS__V1__CLASS_LABELS__CTC_CTC_BLANK;
    k->ctc_blank = k->has_ctc_blank ? in->ctc_blank : 0;
    if (k->output == NULL) {
        maas_results_classes_free(k);
        return NULL;
    }
    if (in->n_names > 0) {
        const char **names = calloc(in->n_names, sizeof *names);
        if (names == NULL) {
            maas_results_classes_free(k);
            return NULL;
        }
        k->names = names;
        k->n_names = in->n_names;
        for (size_t i = 0; i < in->n_names; i++) {
            names[i] = maas_results_copy_string(in->names[i]);
            if (names[i] == NULL) {
                maas_results_classes_free(k);
                return NULL;
            }
        }
    }
    return k;
}

void maas_results_classes_free(const maas_class_labels *classes)
{
    if (classes == NULL)
        return;
    if (classes->names != NULL) {
        for (size_t i = 0; i < classes->n_names; i++)
            free((void *)classes->names[i]);
        free((void *)classes->names);
    }
    free((void *)classes->output);
    free((void *)classes);
}

maas_batching *maas_results_batching(const Maas__V1__BatchingConfig *in)
{
    maas_batching *b = calloc(1, sizeof *b);
    if (b == NULL)
        return NULL;
    b->max_batch_size = in->max_batch_size;
    b->has_max_queue_delay = in->delay_case == MAAS__V1__BATCHING_CONFIG__DELAY_MAX_QUEUE_DELAY_US;
    b->max_queue_delay_us = b->has_max_queue_delay ? in->max_queue_delay_us : 0;
    b->has_pad_sequences = in->padding_case == MAAS__V1__BATCHING_CONFIG__PADDING_PAD_SEQUENCES;
    b->pad_sequences = b->has_pad_sequences && in->pad_sequences;
    return b;
}

/* ---------------------------------------------------------------- to the wire */

void maas_results_audio_to_wire(const maas_audio_front_end *in, Maas__V1__AudioFrontEnd *out)
{
    maas__v1__audio_front_end__init(out);
    out->sample_rate = in->sample_rate;
    out->peak_normalize = in->peak_normalize != 0;
    out->n_fft = in->n_fft;
    out->hop_length = in->hop_length;
    out->win_length = in->win_length;
    out->center = in->center != 0;
    out->power = in->power;
    out->n_mels = in->n_mels;
    out->fmin = in->fmin;
    out->fmax = in->fmax;
    out->mel_scale = (Maas__V1__MelScale)in->mel_scale;
    out->mel_normalization = (Maas__V1__MelNormalization)in->mel_normalization;
    out->amin = in->amin;
    out->ref = in->ref;
    out->top_db = in->top_db;
    out->n_mfcc = in->n_mfcc;
    out->lifter = in->lifter;
    out->layout = (Maas__V1__FeatureLayout)in->layout;
    if (in->input != NULL)
        out->input = (char *)in->input;
}

int maas_results_classes_to_wire(const maas_class_labels *in, Maas__V1__ClassLabels *out)
{
    maas__v1__class_labels__init(out);
    if (in->n_names > 0 && in->names == NULL)
        return -1;
    for (size_t i = 0; i < in->n_names; i++)
        if (in->names[i] == NULL)
            return -1;
    out->n_names = in->n_names;
    out->names = (char **)in->names;
    if (in->output != NULL)
        out->output = (char *)in->output;
    out->clip_decision = (Maas__V1__ClipDecision)in->clip_decision;
    out->top_k = in->top_k;
    if (in->has_ctc_blank) {
        out->ctc_case = MAAS__V1__CLASS_LABELS__CTC_CTC_BLANK;
        out->ctc_blank = in->ctc_blank;
    }
    return 0;
}

void maas_results_batching_to_wire(const maas_batching *in, Maas__V1__BatchingConfig *out)
{
    maas__v1__batching_config__init(out);
    out->max_batch_size = in->max_batch_size;
    if (in->has_max_queue_delay) {
        out->delay_case = MAAS__V1__BATCHING_CONFIG__DELAY_MAX_QUEUE_DELAY_US;
        out->max_queue_delay_us = in->max_queue_delay_us;
    }
    if (in->has_pad_sequences) {
        out->padding_case = MAAS__V1__BATCHING_CONFIG__PADDING_PAD_SEQUENCES;
        out->pad_sequences = in->pad_sequences != 0;
    }
}
