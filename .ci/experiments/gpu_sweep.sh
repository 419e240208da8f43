#!/usr/bin/env bash
# Issue 7's training sweep on the GPU machine, one device call (about 4 minutes): `run` with carry [".whl"];
# `bash .ci/experiments/gpu_sweep.sh tiny` checks it here on the CPU. Results in $OUT (see .ci/gpu_training.py).
set -uo pipefail
cd "$(dirname "$0")/../.."  # the repository root
if [ "${1:-gpu}" = tiny ]; then OUT=${OUT:-/tmp/gpu_sweep_tiny}; py=.venv/bin/python; extra=(--tiny --work /tmp/gpu_sweep_tiny_work); workers=2
else
  OUT=${OUT:-/tmp/gpu_sweep_out}; py=python3; extra=(); workers=15
  python3 -m pip install -q --no-index --no-deps --no-compile --no-cache-dir --upgrade --target /tmp/site .whl/*.whl || exit 1
  export PYTHONPATH=/tmp/site:$PWD
fi
mkdir -p "$OUT"; exec > >(tee -a "$OUT/gpu_sweep.log") 2>&1
export PYTHONUNBUFFERED=1 OMP_NUM_THREADS=1
echo "== $(date -u +%T) data"; "$py" .ci/gpu_training.py --out "$OUT" "${extra[@]}" --make_data --workers $workers || exit 1
wave() { local pids=(); for v in "$@"; do "$py" .ci/gpu_training.py --out "$OUT" "${extra[@]}" --variants "$v" --workers 2 > "/tmp/sweep_$v.log" 2>&1 & pids+=($!); done; wait "${pids[@]}"; }
echo "== $(date -u +%T) wave 1"; wave cpu cpu_avc cpu_avc_centred cpu_avol cpu_l3_avc cpu_bs64
echo "== $(date -u +%T) wave 2"; wave cpu_avc_warm cpu_lr3e-3 cpu_96px cpu_avol_avc cpu_l3 cpu_8k
echo "== $(date -u +%T) done, ${SECONDS} s"; cat "$OUT/gpu_training.md"
