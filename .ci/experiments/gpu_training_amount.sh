#!/usr/bin/env bash
# Issue 15: what more epochs and more scenes buy the CPU demo's AVE-Net, measured on the GPU machine in one device call
# (see gpu_training_amount.py). The runtime wheels in .whl/ without decord and the IPython extras, so that they and the
# working tree fit the 64 MiB a call carries:
#   bash .ci/gpu_check.sh wheels, then keep settings.ini's requirements and PyAV less decord, jedi, parso, widgetsnbextension
#   (and what that machine has already): about 47 MB.
# There: the `run` tool, carry [".whl"], timeout_s 560: bash .ci/experiments/gpu_training_amount.sh; results in $OUT.
set -uo pipefail
cd "$(dirname "$0")/../.."  # the repository root
OUT=${OUT:-/tmp/gpu_training_amount_out}; mkdir -p "$OUT"
exec > >(tee -a "$OUT/run.log") 2>&1
echo "== $(date -u +%T) UTC: install the wheels"
python3 -m pip install -q --no-index --no-deps --no-compile --no-cache-dir --upgrade --target /tmp/site .whl/*.whl || exit 1
export PYTHONPATH=/tmp/site:$PWD PATH=/tmp/site/bin:$PATH PYTHONUNBUFFERED=1 OMP_NUM_THREADS=1
nvidia-smi --query-gpu=name,memory.total,driver_version --format=csv,noheader
python3 -c 'import sys, torch, fastai, av; print("python", sys.version.split()[0], "| torch", torch.__version__, "| fastai", fastai.__version__, "| av", av.__version__, "| cores", len(__import__("os").sched_getaffinity(0)))' || exit 1
echo "== $(date -u +%T) UTC, ${SECONDS} s in: the runs"
python3 .ci/experiments/gpu_training_amount.py "$OUT" --parallel 6 --workers 2 --stop_at "${STOP_AT:-470}"
echo "== $(date -u +%T) UTC, ${SECONDS} s in: done"
