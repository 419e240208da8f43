#!/usr/bin/env bash
# Issue 7's second GPU sweep: the CPU preset's candidates (96 px, 8 kHz, cosine schedule), one device call of about 3 minutes.
set -uo pipefail
cd "$(dirname "$0")/../.."  # the repository root
OUT=${OUT:-/tmp/gpu_sweep2_out}; mkdir -p "$OUT"
python3 -m pip install -q --no-index --no-deps --no-compile --no-cache-dir --upgrade --target /tmp/site .whl/*.whl || exit 1
export PYTHONPATH=/tmp/site:$PWD PYTHONUNBUFFERED=1 OMP_NUM_THREADS=1
exec > >(tee -a "$OUT/gpu_sweep.log") 2>&1
echo "== $(date -u +%T) data"; python3 .ci/gpu_training.py --out "$OUT" --make_data --workers 15 || exit 1
pids=(); for v in r96_8k r96_8k_cos r96_8k_cos_lr2e-3 r96_8k_avol_cos; do python3 .ci/gpu_training.py --out "$OUT" --variants $v --workers 3 > /tmp/sweep_$v.log 2>&1 & pids+=($!); done; wait "${pids[@]}"
echo "== $(date -u +%T) done, ${SECONDS} s"; cat "$OUT/gpu_training.md"
