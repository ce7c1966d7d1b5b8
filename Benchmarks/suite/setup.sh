# Shared by run.sh and batching.sh, sourced with `here` (Benchmarks/) and `root` set: makes the work directory
# ($work, kept with KEEP=1), installs what is missing (wrk and espeak-ng from apt-get, the venv in
# Benchmarks/.venv), builds maas in release mode unless MAAS names a binary, and makes the inputs
# ($work/inputs, suite/make_inputs.py). Sets work, python, maas; defines say.
work="$(mktemp -d)"
if [[ -n "${KEEP:-}" ]]; then echo "work directory: $work" >&2; else trap 'rm -rf "$work"' EXIT; fi
say() { printf '\n== %s (%s)\n' "$1" "$(date -u +%H:%M:%S)" >&2; }

say "tools"
missing=()
command -v wrk >/dev/null || missing+=(wrk)
command -v espeak-ng >/dev/null || missing+=(espeak-ng)
if ((${#missing[@]})); then
    sudo=(); [[ $(id -u) -eq 0 ]] || sudo=(sudo)
    "${sudo[@]}" apt-get update -qq && "${sudo[@]}" apt-get install -y -qq "${missing[@]}" >&2
fi

venv="$here/.venv"
packages=(flask gunicorn grpcio grpcio-tools onnxruntime librosa soundfile numpy)
if [[ ! -x "$venv/bin/python" ]]; then python3 -m venv "$venv"; fi
if [[ "$(cat "$venv/.installed" 2>/dev/null)" != "${packages[*]}" ]]; then
    "$venv/bin/pip" install -q "${packages[@]}" >&2
    echo "${packages[*]}" > "$venv/.installed"
fi
python="$venv/bin/python"
# `maas bench --local` and bench.sh run `python3` for onnxruntime and librosa: the venv's.
export PATH="$venv/bin:$PATH"

if [[ -n "${MAAS:-}" ]]; then
    maas="$MAAS"
else
    say "release build"
    (cd "$root" && swift build -c release --scratch-path .build-release --product maas >&2)
    maas="$root/.build-release/release/maas"
fi

say "inputs"
"$python" "$here/suite/make_inputs.py" --out "$work/inputs"
