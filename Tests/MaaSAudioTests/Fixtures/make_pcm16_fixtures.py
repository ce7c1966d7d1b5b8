#!/usr/bin/env python3
"""Makes the 16-bit FLAC files that hold MaaSAudio's 16-bit read (shorts, scaled in Swift) to libsndfile's
float read in more layouts than make_fixtures.py's clips have: stereo and 3 channels, lengths that are not
a multiple of the decoder's 4096-frame chunk, and both full-scale extremes. Tests compare the two reads of
the same file, so nothing expected is stored beside them.

Needs: pip install soundfile numpy. Run from anywhere: python3 Tests/MaaSAudioTests/Fixtures/make_pcm16_fixtures.py
"""
import os

import numpy as np
import soundfile as sf

HERE = os.path.dirname(os.path.abspath(__file__))


def pcm16(frames, channels, seed):
    rng = np.random.default_rng(seed)
    t = np.arange(frames)[:, None]
    tone = 9000 * np.sin(2 * np.pi * t * (440 + 110 * np.arange(channels)) / 16000)
    y = np.clip(np.round(tone + rng.normal(0, 40, (frames, channels))), -32768, 32767).astype(np.int16)
    y[0] = -32768
    y[1] = 32767
    y[2, 0] = -1
    return y


def main():
    sf.write(os.path.join(HERE, "pcm16_stereo_4099.flac"), pcm16(4099, 2, 1), 16000, subtype="PCM_16")
    sf.write(os.path.join(HERE, "pcm16_3ch_8195.flac"), pcm16(8195, 3, 2), 16000, subtype="PCM_16")


if __name__ == "__main__":
    main()
