#!/usr/bin/env python3
"""Synthesize the maas demo spoken-word dataset with espeak-ng and sox.

    python3 deploy/demo/make_dataset.py [OUT] [--seed N] [--jobs N] [--samples DIR]

Writes OUT/<split>/<label>/<label>_<nnnnn>.wav (16 kHz, mono, 16-bit PCM, exactly 1 s) for the splits
train, val and test, plus OUT/manifest.csv describing how every clip was made. OUT defaults to
/tmp/maas-speech-commands and must not exist yet or be empty: a half-old directory would mix two recipes.

Determinism: every random choice is drawn up front in this process from one random.Random(seed), in a fixed
order, before any worker runs; workers only render. espeak-ng is deterministic, sox runs with -R (fixed seeds
for its noise generators) and writes float so that it never dithers; the final 16-bit quantisation happens
here. The same seed therefore gives byte-identical files whatever --jobs is.

A "voice" is an espeak-ng accent plus a variant (`en-029+f3`). The test split holds out whole variants: a
test variant is never heard in train or val with any accent, which is stricter than holding out only the
accent+variant combinations. Accents are shared, since there are only eight.

Needs: espeak-ng, sox (Debian packages of those names), numpy.
"""

import argparse
import csv
import hashlib
import itertools
import os
import random
import shutil
import subprocess
import sys
import tempfile
import time
import wave
from concurrent.futures import ProcessPoolExecutor

import numpy as np

WORDS = ["zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine",
         "yes", "no", "up", "down", "left", "right", "on", "off", "stop", "go"]

# English accents of espeak-ng 1.51 (`espeak-ng --voices=en`), all with distinct output.
# Left out: en-gb, which is the same voice file as en and ignores any +variant (checked: all of
# en-gb+<variant> hash equal); en-uk, en-us's us-mbrola-* and the en-<language> voices, which are MBROLA
# voices and MBROLA is not installed.
ACCENTS = ["en", "en-us", "en-us-nyc", "en-gb-x-rp", "en-029", "en-gb-scotland", "en-gb-x-gbclan",
           "en-gb-x-gbcwmd"]

# Variants (files in espeak-ng-data/voices/!v), "" meaning the accent's own voice. Checked on this machine
# by synthesising all 20 words with every accent+variant (8 x 101) and comparing the raw samples:
#   dropped as byte-identical: fast (= no variant), klatt and klatt6 (= caleb)
#   dropped as near-identical (same length, correlation >= 0.995 over all 20 words, every accent):
#     caleb (0.997 with adam), steph2 and steph3 (0.999 with steph), iven3 (0.998 with iven2)
#   not used: "Mr serious" (a space in the file name).
# Everything left correlates below 0.995 with everything else; check_voices() re-verifies it each run.
VARIANTS = ["", "Alex", "Alicia", "Andrea", "Andy", "Annie", "AnxiousAndy", "Demonic", "Denis", "Diogo",
            "Gene", "Gene2", "Henrique", "Hugo", "Jacky", "Lee", "Marco", "Mario", "Michael", "Mike",
            "Nguyen", "RicishayMax", "RicishayMax2", "RicishayMax3", "Storm", "Tweaky", "UniRobot", "adam",
            "anika", "anikaRobot", "announcer", "antonio", "aunty", "belinda", "benjamin", "boris", "croak",
            "david", "ed", "edward", "edward2", "f1", "f2", "f3", "f4", "f5", "grandma", "grandpa",
            "gustave", "iven", "iven2", "iven4", "john", "kaukovalta", "klatt2", "klatt3", "klatt4",
            "klatt5", "linda", "m1", "m2", "m3", "m4", "m5", "m6", "m7", "m8", "marcelo", "max", "michel",
            "miguel", "norbert", "pablo", "paul", "pedro", "quincy", "rob", "robert", "robosoft",
            "robosoft2", "robosoft3", "robosoft4", "robosoft5", "robosoft6", "robosoft7", "robosoft8",
            "sandro", "shelby", "steph", "travis", "victor", "whisper", "whisperf", "zac"]

TEST_VARIANT_FRACTION = 0.2
PER_WORD = {"train": 250, "val": 25, "test": 50}

RATE = 16000
CLIP = RATE  # exactly one second
SPEED_WPM = (130, 210)        # espeak-ng -s; its default is 175
PITCH = (20, 80)              # espeak-ng -p; its default is 50
PEAK_DBFS = (-24.0, -1.0)     # speech peak before noise; the mix is scaled down if it would clip
MAX_SHIFT_MS = 150            # random offset of the word's centre from the clip's centre
CLEAN_FRACTION = 0.2
SNR_DB = (5.0, 30.0)
NOISES = ["whitenoise", "pinknoise", "brownnoise"]
NOISE_BED_SECONDS = 60
NEAR_DUPLICATE = 0.995

MANIFEST_FIELDS = ["split", "label", "file", "voice", "variant", "speed", "pitch", "gain", "shift_ms",
                   "noise", "snr_db"]


def voice_name(accent, variant):
    return f"{accent}+{variant}" if variant else accent


def espeak(voice, word, speed=None, pitch=None):
    """Raw espeak-ng output at 16 kHz as float32 samples."""
    cmd = ["espeak-ng", "-v", voice]
    if speed is not None:
        cmd += ["-s", str(speed), "-p", str(pitch)]
    cmd += ["--stdout", word]
    speech = subprocess.run(cmd, capture_output=True, check=True).stdout
    # espeak-ng writes 22050 Hz; sox resamples. Float output so that sox never dithers (dither is random).
    raw = subprocess.run(["sox", "-R", "-q", "-t", "wav", "-", "-t", "raw", "-e", "floating-point", "-b", "32",
                          "-r", str(RATE), "-c", "1", "-"],
                         input=speech, capture_output=True, check=True).stdout
    return np.frombuffer(raw, dtype="<f4").astype(np.float64)


def check_voices(jobs):
    """Fail if two voices in the set give identical or near-identical audio for the 20 words.

    Checks every variant with the `en` accent and every accent without a variant (the duplicates found
    in the full 8 x 101 survey were the same for every accent).
    """
    voices = [voice_name("en", v) for v in VARIANTS] + [voice_name(a, "") for a in ACCENTS[1:]]
    with ProcessPoolExecutor(jobs) as pool:
        rendered = list(pool.map(_render_words, voices))
    by_hash = {}
    for voice, words in zip(voices, rendered):
        digest = hashlib.sha256(b"".join(w.astype("<f4").tobytes() for w in words)).hexdigest()
        by_hash.setdefault(digest, []).append(voice)
    problems = [f"identical: {', '.join(v)}" for v in by_hash.values() if len(v) > 1]
    for (va, wa), (vb, wb) in itertools.combinations(zip(voices, rendered), 2):
        if any(len(x) != len(y) for x, y in zip(wa, wb)):
            continue  # different timing is audibly different speech
        x, y = np.concatenate(wa), np.concatenate(wb)
        corr = float(np.dot(x, y) / np.sqrt(np.dot(x, x) * np.dot(y, y)))
        if corr >= NEAR_DUPLICATE:
            problems.append(f"near-identical: {va}, {vb} (correlation {corr:.4f})")
    if problems:
        sys.exit("voice set is not distinct:\n  " + "\n  ".join(problems))
    return len(voices)


def _render_words(voice):
    return [espeak(voice, w) for w in WORDS]


def split_variants(rng):
    """Hold out a seeded fraction of the variants for test."""
    shuffled = VARIANTS[:]
    rng.shuffle(shuffled)
    n_test = round(len(shuffled) * TEST_VARIANT_FRACTION)
    return sorted(shuffled[n_test:]), sorted(shuffled[:n_test])


def plan(rng, train_variants, test_variants):
    """Every clip's recipe, drawn in a fixed order. A (voice, word, speed, pitch) rendition is used once."""
    pools = {"train": train_variants, "val": train_variants, "test": test_variants}
    used = set()
    jobs = []
    for split in ["train", "val", "test"]:
        for word in WORDS:
            for index in range(PER_WORD[split]):
                while True:
                    accent = rng.choice(ACCENTS)
                    variant = rng.choice(pools[split])
                    speed = rng.randint(*SPEED_WPM)
                    pitch = rng.randint(*PITCH)
                    if (accent, variant, word, speed, pitch) not in used:
                        used.add((accent, variant, word, speed, pitch))
                        break
                gain = round(rng.uniform(*PEAK_DBFS), 1)
                shift = rng.uniform(-1.0, 1.0)
                if rng.random() < CLEAN_FRACTION:
                    noise, snr, offset = "none", None, 0.0
                else:
                    noise = rng.choice(NOISES)
                    snr = round(rng.uniform(*SNR_DB), 1)
                    offset = rng.random()
                jobs.append(dict(split=split, label=word, file=f"{split}/{word}/{word}_{index:05d}.wav",
                                 voice=accent, variant=variant, speed=speed, pitch=pitch, gain=gain,
                                 shift=shift, noise=noise, snr_db=snr, offset=offset))
    return jobs


def make_noise_beds(directory):
    for noise in NOISES:
        subprocess.run(["sox", "-R", "-q", "-n", "-r", str(RATE), "-c", "1", "-e", "floating-point", "-b", "32",
                        "-t", "raw", os.path.join(directory, noise + ".f32"), "synth", str(NOISE_BED_SECONDS),
                        noise], check=True)


_beds = {}


def _load_beds(directory):
    for noise in NOISES:
        _beds[noise] = np.fromfile(os.path.join(directory, noise + ".f32"), dtype="<f4").astype(np.float64)


def speech_extent(x):
    """First and last sample of the word: 10 ms frames within 40 dB of the loudest frame."""
    frame = RATE // 100
    n = len(x) // frame
    rms = np.sqrt(np.mean(x[: n * frame].reshape(n, frame) ** 2, axis=1))
    active = np.nonzero(rms > rms.max() * 10 ** (-40 / 20))[0]
    return active[0] * frame, (active[-1] + 1) * frame


def render(job, out):
    word = espeak(voice_name(job["voice"], job["variant"]), job["label"], job["speed"], job["pitch"])
    start, end = speech_extent(word)
    word = word[start:end]
    cropped = len(word) > CLIP
    if cropped:  # keep the middle; the planned shift still applies within what is left
        cut = (len(word) - CLIP) // 2
        word = word[cut: cut + CLIP]
    word = word / np.abs(word).max() * 10 ** (job["gain"] / 20)

    slack = (CLIP - len(word)) // 2
    limit = min(slack, MAX_SHIFT_MS * RATE // 1000)
    shift = int(round(job["shift"] * limit))
    begin = (CLIP - len(word)) // 2 + shift
    clip = np.zeros(CLIP)
    clip[begin: begin + len(word)] = word

    if job["noise"] != "none":
        bed = _beds[job["noise"]]
        at = int(job["offset"] * (len(bed) - CLIP))
        noise = bed[at: at + CLIP] - bed[at: at + CLIP].mean()  # brown noise wanders; keep it zero-mean
        # SNR is measured over the word, not the whole second: silence should not make noise look quieter.
        speech_power = np.mean(word ** 2)
        noise_power = np.mean(noise ** 2)
        clip += noise * np.sqrt(speech_power / noise_power / 10 ** (job["snr_db"] / 10))
    peak = np.abs(clip).max()
    if peak > 0.99:
        clip *= 0.99 / peak

    pcm = np.clip(np.round(clip * 32767), -32768, 32767).astype("<i2")
    path = os.path.join(out, job["file"])
    with wave.open(path, "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(RATE)
        w.writeframes(pcm.tobytes())
    row = {k: job[k] for k in MANIFEST_FIELDS if k not in ("shift_ms",)}
    row["shift_ms"] = round(shift * 1000 / RATE)
    row["snr_db"] = "" if job["snr_db"] is None else job["snr_db"]
    return row, cropped


def _render_star(args):
    return render(*args)


def pick_samples(out, samples_dir, words=("yes", "no", "stop", "go", "seven", "left")):
    """One test clip per word, each from a different variant, quiet enough for a demo (clean or SNR >= 20 dB).

    Whispered variants are skipped: the demo should show ordinary speech (the test split still has them).
    Reads OUT/manifest.csv, so it also works on a dataset made earlier with the same recipe.
    """
    with open(os.path.join(out, "manifest.csv"), newline="") as f:
        rows = list(csv.DictReader(f))
    os.makedirs(samples_dir, exist_ok=True)
    seen = set()
    picked = []
    for word in words:
        for row in rows:
            if (row["split"] == "test" and row["label"] == word and row["variant"] not in seen
                    and not row["variant"].startswith("whisper") and (row["noise"] == "none" or float(row["snr_db"]) >= 20)):
                seen.add(row["variant"])
                shutil.copyfile(os.path.join(out, row["file"]), os.path.join(samples_dir, word + ".wav"))
                picked.append((word, row["file"], voice_name(row["voice"], row["variant"])))
                break
    return picked


def print_samples(out, samples_dir):
    for word, file, voice in pick_samples(out, samples_dir):
        print(f"sample {word}.wav <- {file} ({voice})")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", nargs="?", default="/tmp/maas-speech-commands")
    parser.add_argument("--seed", type=int, default=20261129)
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--samples", help="also copy one test clip per demo word into this directory; "
                        "if OUT already holds a dataset (manifest.csv), only do that")
    parser.add_argument("--skip-voice-check", action="store_true")
    args = parser.parse_args()

    for tool in ("espeak-ng", "sox"):
        if shutil.which(tool) is None:
            sys.exit(f"{tool} not found: apt-get install {tool}")
    if args.samples and os.path.isfile(os.path.join(args.out, "manifest.csv")):
        print_samples(args.out, args.samples)
        return
    if os.path.isdir(args.out) and os.listdir(args.out):
        sys.exit(f"{args.out} is not empty: remove it or give another directory")

    started = time.monotonic()
    if not args.skip_voice_check:
        n = check_voices(args.jobs)
        print(f"voice check: {n} voices distinct ({time.monotonic() - started:.0f} s)", flush=True)

    rng = random.Random(args.seed)
    train_variants, test_variants = split_variants(rng)
    jobs = plan(rng, train_variants, test_variants)
    for split in PER_WORD:
        for word in WORDS:
            os.makedirs(os.path.join(args.out, split, word), exist_ok=True)

    rows, cropped = [], 0
    tty = sys.stdout.isatty()
    with tempfile.TemporaryDirectory() as beds:
        make_noise_beds(beds)
        with ProcessPoolExecutor(args.jobs, initializer=_load_beds, initargs=(beds,)) as pool:
            for i, (row, was_cropped) in enumerate(
                    pool.map(_render_star, ((j, args.out) for j in jobs), chunksize=32), 1):
                rows.append(row)
                cropped += was_cropped
                if i % 500 == 0 or i == len(jobs):
                    print(f"\r{i}/{len(jobs)} clips", end="" if tty else "\n", flush=True)
    if tty:
        print()

    with open(os.path.join(args.out, "manifest.csv"), "w", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=MANIFEST_FIELDS, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)

    for split in PER_WORD:
        print(f"{split:5}: {sum(r['split'] == split for r in rows)} clips")
    print(f"train/val variants ({len(train_variants)}): {' '.join(v or '(none)' for v in train_variants)}")
    print(f"test variants ({len(test_variants)}): {' '.join(v or '(none)' for v in test_variants)}")
    print(f"accents (all splits): {' '.join(ACCENTS)}")
    if cropped:
        print(f"{cropped} words were longer than 1 s and were centre-cropped")
    if args.samples:
        print_samples(args.out, args.samples)
    print(f"done in {time.monotonic() - started:.0f} s")


if __name__ == "__main__":
    main()
