"""The demo's data stage two ways, on this machine: its 5,000 training scenes (SynthConfig.varied, 128×128 at 8 fps,
16 kHz, 2 s, the fast encoders) rendered straight into the train and test caches (`synth_instruments_cache`), against
written as mp4 files (`synth_instruments`) and then decoded into the same caches (`prepare_cache`) as the demo did
before; two worker processes each, the machine's reference speed read before and after.

usage: python .ci/experiments/straight_to_cache_speed.py WORK_FOLDER [N_CLIPS]   (default 5000; WORK_FOLDER must not hold an earlier run)"""
import sys, time
from pathlib import Path
from objects_that_sound.apps.demo import DEMO_CACHE_SAMPLE_RATE, DEMO_FPS, reference_speed
from objects_that_sound.data.cache import CacheSettings, prepare_cache
from objects_that_sound.synth.instruments import synth_instruments, synth_instruments_cache
from objects_that_sound.synth.scenes import SynthConfig

if __name__ == '__main__':
    out, n = Path(sys.argv[1]), int(sys.argv[2]) if len(sys.argv) > 2 else 5000
    print('reference', reference_speed(), flush=True)
    settings = CacheSettings(frame_size=108, frame_step=0.25, sample_rate=8000)  # the CPU demo's caches
    scenes = SynthConfig.varied(width=128, height=128, fps=DEMO_FPS, sample_rate=DEMO_CACHE_SAMPLE_RATE, duration=2.0, encoder_threads=1, aac_coder='fast')
    started = time.time()
    synth_instruments_cache(out/'direct', dict(train=out/'direct_cache'/'train', eval=out/'direct_cache'/'test'), settings, n, 0, scenes, 2, False)
    print(f'straight into the caches: {time.time() - started:.1f} s', flush=True)
    started = time.time()
    synth_instruments(out/'video', n, 0, scenes, 2, False)
    for name, csv in (('train', 'balanced_train_segments.csv'), ('test', 'eval_segments.csv')):
        prepare_cache(out/'video'/csv, out/'video'/'videos', out/'video_cache'/name, settings, 2, False)
    print(f'videos, then caches: {time.time() - started:.1f} s', flush=True)
    print('reference', reference_speed(), flush=True)
