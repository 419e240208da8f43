#!/usr/bin/env bash
# The GPU check of issue 7 (item 9) in one device call of at most 8 minutes: one H100, 16 cores, torch there,
# no fastai, decord or PyAV, no network. See nbs/benchmarks/01_training.ipynb ("On the GPU machine").
#   bash .ci/gpu_check.sh wheels   here, once: .whl/ with the runtime wheels that machine lacks (about 58 MB)
#   bash .ci/gpu_check.sh tiny     here: every step below at toy size on the CPU, with .venv (about a minute)
#   bash .ci/gpu_check.sh          there: the `run` tool, carry [".whl"], timeout_s 540; results in $OUT
set -uo pipefail
cd "$(dirname "$0")/.."
mode=${1:-gpu}

if [ "$mode" = wheels ]; then
  av_version=$(.venv/bin/python -c 'import av; print(av.__version__)' 2>/dev/null)  # PyAV as tested here
  # Wheels for that machine (Python 3.12, x86_64, torch already installed): settings.ini's requirements
  # without the torch trio, and PyAV; downloaded from the package index, binary only.
  mapfile -t wanted < <(python3 -c 'import configparser; c = configparser.ConfigParser(); c.read("settings.ini")
print("\n".join(r for r in c["DEFAULT"]["requirements"].split() if not r.startswith(("torch", "torchvision", "torchaudio"))))')
  rm -rf .whl && mkdir -p .whl || exit 1
  python3 -m pip download -q --only-binary=:all: --python-version 3.12 --implementation cp \
    --platform manylinux_2_28_x86_64 --platform manylinux_2_17_x86_64 --platform manylinux2014_x86_64 --platform any \
    -d .whl "${wanted[@]}" "av${av_version:+==$av_version}" || exit 1
  rm -f .whl/nvidia_*.whl .whl/torch*.whl .whl/triton*.whl  # that machine's own torch stack stays
  # Keep what settings.ini's `requirements` and PyAV need: with the development tools (nbdev, Jupyter) the
  # wheels come to 73 MB, over the 64 MiB a device call carries with the working tree.
  python3 - <<'PY' || exit 1
import configparser, pathlib, re, zipfile
def name(s): return re.sub(r'[-.]', '_', re.match(r'[A-Za-z0-9_.-]+', s).group(0).lower())
wheels = {name(w.name.split('-')[0]): w for w in pathlib.Path('.whl').glob('*.whl')}
def requires(w):
    z = zipfile.ZipFile(w)
    meta = z.read(next(f for f in z.namelist() if f.endswith('.dist-info/METADATA'))).decode()
    return [name(l[14:].strip()) for l in meta.splitlines() if l.startswith('Requires-Dist:') and 'extra ==' not in l]
settings = configparser.ConfigParser(); settings.read('settings.ini')
wanted, todo = set(), [name(r) for r in settings['DEFAULT']['requirements'].split()] + ['av']
while todo:
    n = todo.pop()
    if n not in wanted: wanted.add(n); todo += requires(wheels[n]) if n in wheels else []
dropped = sorted(n for n in wheels if n not in wanted)
for n in dropped: wheels[n].unlink()
print('dropped (development only):', ' '.join(dropped))
PY
  du -sh .whl; exit 0
fi

step() { echo; echo "== $(date -u +%H:%M:%S) UTC, ${SECONDS} s in: $*"; }
if [ "$mode" = tiny ]; then
  OUT=${OUT:-/tmp/gpu_check_tiny}; work=/tmp/gpu_check_tiny_work; py=.venv/bin/python; device=cpu
  export OMP_NUM_THREADS=1            # this shared 2-core machine: one thread per process
  clips=(32 2 128 128 1)              # clips, seconds, width, height, processes
  data_bench=(--clips 4 --duration 2 --workers 1 --sizes 64 --bs 16 --seconds 2 --repeats 1 --decode_seconds 2 --decode_repeats 1)
  train_bench=(--width 0.25 --size 64 --sample_rate 16000 --bs 16 --workers 1 --warmup 2 --seconds 3 --variants fp32)
elif [ "$mode" = gpu ]; then
  OUT=${OUT:-/tmp/gpu_check_out}; work=/tmp/gpu_check_work; py=python3; device=cuda
  clips=(256 10 256 256 15)
  data_bench=(--clips 64 --workers 15 --sizes 224 --bs 128 --seconds 15 --repeats 1 --decode_seconds 10 --decode_repeats 1)
  train_bench=(--workers 15 --seconds 8)
else
  echo "usage: bash .ci/gpu_check.sh [wheels|tiny]" >&2; exit 2
fi
mkdir -p "$OUT" "$work"
exec > >(tee -a "$OUT/gpu_check.log") 2>&1

if [ "$mode" = gpu ]; then
  step "install the wheels from .whl into /tmp/site"
  python3 -m pip install -q --no-index --no-deps --no-compile --no-cache-dir --upgrade --target /tmp/site .whl/*.whl || exit 1
  export PYTHONPATH=/tmp/site:$PWD PATH=/tmp/site/bin:$PATH
  nvidia-smi --query-gpu=name,memory.total,driver_version --format=csv,noheader
fi
"$py" -c 'import sys, torch, fastai, decord, av; print("python", sys.version.split()[0], "| torch", torch.__version__,
  "| fastai", fastai.__version__, "| cuda", torch.cuda.is_available() and torch.cuda.get_device_name(), "| cores", len(__import__("os").sched_getaffinity(0)))' || exit 1

step "SynthInstruments: ${clips[0]} clips of ${clips[1]} s at ${clips[2]}x${clips[3]}, and their caches, with ${clips[4]} processes"
timeout -k 10 180 "$py" - "$work" "${clips[@]}" <<'PY'
import sys, time
from pathlib import Path
from objects_that_sound.data.cache import CacheSettings, prepare_cache
from objects_that_sound.synth.instruments import synth_instruments
from objects_that_sound.synth.scenes import SynthConfig
work, n_clips, duration, width, height, workers = Path(sys.argv[1]), int(sys.argv[2]), float(sys.argv[3]), int(sys.argv[4]), int(sys.argv[5]), int(sys.argv[6])
started = time.time()
synth_instruments(work/'synth', n_clips, 0, SynthConfig(duration=duration, width=width, height=height), n_workers=workers, progress=False)
print(f'clips written after {time.time() - started:.0f} s', flush=True)
for split, segments in (('train', 'balanced_train_segments.csv'), ('test', 'eval_segments.csv')):
    if len((work/'synth'/segments).read_text().splitlines()) > 3:  # AudioSet's lists start with 3 comment lines
        print(prepare_cache(work/'synth'/segments, work/'synth'/'videos', work/'cache'/split, CacheSettings(), workers=workers))
print(f'caches ready after {time.time() - started:.0f} s')
PY
[ -f "$work/cache/train/cache.json" ] || { echo "no training cache: stopping"; exit 1; }

step "data benchmark: pairs/s from the cache and from the mp4 files (${device})"
timeout -k 10 150 "$py" -m objects_that_sound.apps.cli ots_benchmark --work "$work/bench_data" --device $device "${data_bench[@]}" \
  --out "$OUT/benchmark_data_${device}.md"

step "training benchmark: AVE-Net pairs/s, model-only and end to end (${device})"
timeout -k 10 300 "$py" -m objects_that_sound.benchmarks.training --cache "$work/cache/train" --device $device "${train_bench[@]}" \
  --out "$OUT/benchmark_training_${device}.md"

step "paper preset on SynthInstruments ($work/cache/train, $work/cache/test)"
if [ "$mode" = tiny ]; then paper=(--tiny --paper_epochs 2); else paper=(--paper_epochs 6); fi
timeout -k 10 200 "$py" .ci/gpu_training.py --out "$OUT" --work "$work/runs" --paper "$work/cache" --workers "${clips[4]}" "${paper[@]}"

step "done"
ls -la "$OUT"
