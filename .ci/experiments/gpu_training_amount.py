"""Does the CPU demo's AVE-Net transfer better with more training — more epochs, more scenes — and how much better?

Issue 15 asks for AVC accuracy ≥ 0.65 on the shifted SynthInstruments set with the bundled data; the demo's AVE-Net gets
0.634 ± 0.015 after 12 epochs of 8,192 pairs on 5,000 scenes. Each extra epoch costs ~27 s and each extra 1,000 scenes
~25 s of the 2-core machine's 15 minutes, so before buying either on the CPU, this measures what they buy, on the GPU
machine (where such small networks train in seconds), three training seeds each:

  scenes × epochs:  5,000 × 12 (the demo), 5,000 × 18, 5,000 × 24, 10,000 × 12, 10,000 × 18

Everything else is the demo's: its preset (`demo_presets('cpu')['ave']`), its scenes (`SynthConfig.varied`, generator seed 0,
2 s, 128 px, 8 fps, cached at 108 px every 0.25 s with 8 kHz audio; the 10,000-scene set is the demo's 5,000 and 5,000 more,
since a clip depends only on its index and the seed), its test list (the first 5,000 scenes' test clips, in no training
list), its shifted test set (shifted generator, seed 1, 320 clips). What a choice would be made on: the run's own validation
ROC AUC and the shifted *validation* set (seed 2, 320 clips), as `training_scenes.py` measures it; the test sets are reported.

usage: python .ci/experiments/gpu_training_amount.py OUT [--tiny] [--parallel N] [--workers N]
  --tiny: toy sizes, one seed, on a CPU (a check of the script, about 3 minutes on the 2-core machine).
On the GPU machine (no decord there, and its 13 MB wheel would not fit the 64 MiB a device call carries): a stand-in module
that decodes with PyAV is put in decord's place. Unresized its frames equal decord's; resized to the cache's 108 px, swscale's
bilinear filter (the closest of PyAV's ten) differs from decord's by 1.8 grey levels on average (at most 36), on ten demo
clips checked on the development machine. Every variant there sees the same frames.
--stop_at SECONDS: then stop the runs still going and write the table (a device call has a time limit).
Writes OUT/results.jsonl (a row per run), OUT/histories.csv (every run's epochs), OUT/logs.txt (every run's
log) and OUT/gpu_training_amount.md (the table)."""
import argparse, dataclasses, json, os, shutil, subprocess, sys, time
from pathlib import Path

SHIM = '''"A stand-in for decord's VideoReader on a machine without decord: PyAV decodes, swscale resizes (bilinear)."
import av, numpy as np
__version__ = 'pyav-shim'
class DECORDError(RuntimeError): pass
class _Batch:
    def __init__(self, a): self.a = a
    def asnumpy(self): return self.a
class VideoReader:
    def __init__(self, path, width=-1, height=-1, num_threads=0):
        self.size = dict(width=None if width < 0 else width, height=None if height < 0 else height)
        try:
            with av.open(path) as c: self.frames = list(c.decode(c.streams.video[0]))  # decoded, converted only when asked for
        except av.FFmpegError as e: raise DECORDError(str(e)) from None
    def __len__(self): return len(self.frames)
    def get_batch(self, indices):
        return _Batch(np.stack([self.frames[i].to_ndarray(**self.size, format='rgb24', interpolation='BILINEAR') for i in indices]))
'''

def stand_in_for_decord():
    "Put the PyAV stand-in on the path (of this process and its children) if decord is missing."
    try: import decord; return False
    except ImportError: pass
    folder = Path('/tmp/decord_shim'); folder.mkdir(exist_ok=True); (folder/'decord.py').write_text(SHIM)
    sys.path.insert(0, str(folder)); os.environ['PYTHONPATH'] = f"{folder}:{os.environ.get('PYTHONPATH', '')}"
    return True

VARIANTS = {'5k × 12 (demo)': (5000, 12), '5k × 24': (5000, 24), '10k × 12': (10000, 12), '10k × 18': (10000, 18), '5k × 18': (5000, 18)}

def run_name(variant, seed):
    "The run's folder and log name, e.g. 5k_12_seed0."
    scenes, epochs = VARIANTS[variant]
    return f'{scenes // 1000}k_{epochs}_seed{seed}'

def preset_for(epochs, tiny):
    from objects_that_sound.apps.demo import demo_presets
    preset = dataclasses.replace(demo_presets('cpu')['ave'], epochs=epochs)
    if tiny: preset = dataclasses.replace(preset, width=0.125, image_size=32, resize=36, pairs_per_epoch=128, valid_pairs=64, bs=32)
    return preset

def make_data(work: Path, tiny: bool, workers: int) -> dict:
    "The demo's scenes (5,000 then 10,000), the shifted test and validation sets, and their caches."
    from objects_that_sound.apps.demo import DEMO_CACHE_SAMPLE_RATE, DEMO_FPS
    from objects_that_sound.data.cache import CacheSettings, prepare_cache
    from objects_that_sound.synth.instruments import synth_instruments
    from objects_that_sound.synth.scenes import SynthConfig
    preset, scale = preset_for(12, tiny), (20 if tiny else 1)
    cheap = dict(duration=2.0, encoder_threads=1, aac_coder='fast')
    settings = CacheSettings(frame_size=preset.resize, frame_step=0.25, sample_rate=min(DEMO_CACHE_SAMPLE_RATE, preset.sample_rate))
    scenes = SynthConfig.varied(width=128, height=128, fps=DEMO_FPS, sample_rate=DEMO_CACHE_SAMPLE_RATE, **cheap)
    synth, lists = work/'synth', work/'lists'; lists.mkdir(parents=True, exist_ok=True)
    for n in (5000, 10000):
        synth_instruments(synth, n // scale, 0, scenes, workers, progress=False)
        shutil.copy(synth/'balanced_train_segments.csv', lists/f'train_{n // 1000}k.csv')
        if n == 5000: shutil.copy(synth/'eval_segments.csv', lists/'test.csv')
    synth_instruments(work/'shifted_test', 64 if tiny else 320, 1, SynthConfig.shifted(**cheap), workers, progress=False)
    sources = {'train_5k': (lists/'train_5k.csv', synth), 'train_10k': (lists/'train_10k.csv', synth), 'test': (lists/'test.csv', synth),
               'shifted_test': (work/'shifted_test'/'eval_segments.csv', work/'shifted_test')}
    caches = {name: str(prepare_cache(csv, folder/'videos', work/'cache'/name, settings, workers, progress=False).root) for name, (csv, folder) in sources.items()}
    from training_scenes import shifted_validation_cache  # the shifted generator's seed-2 clips, as the CPU experiments measure them
    return caches | {'shifted_valid': str(shifted_validation_cache(work, 64 if tiny else 320, settings, workers).root)}

def train_one(args):
    "One run (a child process): train, then measure on the test sets."
    import pandas as pd, torch
    from objects_that_sound.data.clip_cache import ClipCache
    from objects_that_sound.evaluate.avc import avc_evaluation
    from objects_that_sound.models.checkpoints import TrainedRun
    from objects_that_sound.train.runs import train_on_cache
    caches, (scenes, epochs) = json.loads((args.work/'caches.json').read_text()), VARIANTS[args.variant]
    run, started = args.work/'runs'/run_name(args.variant, args.seed), time.time()
    train_on_cache(caches[f'train_{scenes // 1000}k'], run, 0.1, preset_for(epochs, args.tiny), workers=args.workers, seed=args.seed, progress=False)
    minutes, device = (time.time() - started) / 60, 'cuda' if torch.cuda.is_available() else 'cpu'
    history = pd.read_csv(run/'history.csv')
    row = dict(variant=args.variant, scenes=scenes, epochs=epochs, seed=args.seed, training_minutes=round(minutes, 2),
               device=torch.cuda.get_device_name(0) if device == 'cuda' else 'cpu', best_epoch=int(history.loc[history['roc_auc'].idxmax(), 'epoch']),
               own_valid_best_roc_auc=round(float(history['roc_auc'].max()), 4))
    trained = TrainedRun.load(run, device=device)
    for name in ('shifted_valid', 'test', 'shifted_test'):
        measured = avc_evaluation(trained, ClipCache(caches[name]), workers=args.workers, device=device)
        row[name] = {k: round(float(measured[k]), 4) for k in ('avc_accuracy', 'roc_auc', 'a2i_p1')}
    history.assign(variant=args.variant, seed=args.seed).to_csv(args.work/'histories'/f'{run.name}.csv', index=False)
    with open(args.out/'results.jsonl', 'a') as f: f.write(json.dumps(row) + '\n')
    print(json.dumps(row), flush=True)

def collate(work: Path, out: Path):
    "The runs' histories and logs as one file each in OUT (at most 8 files come back from the GPU machine)."
    import pandas as pd
    histories = sorted((work/'histories').glob('*.csv'))
    if histories: pd.concat([pd.read_csv(h) for h in histories]).to_csv(out/'histories.csv', index=False)
    (out/'logs.txt').write_text(''.join(f'==== {log.name}\n{log.read_text()}\n' for log in sorted((work/'logs').glob('*.txt'))))

def table(out: Path) -> str:
    import pandas as pd
    rows = [json.loads(l) for l in (out/'results.jsonl').read_text().splitlines()] if (out/'results.jsonl').exists() else []
    if not rows: return 'no runs finished'
    flat = pd.DataFrame([dict(variant=r['variant'], scenes=r['scenes'], epochs=r['epochs'], seed=r['seed'], own=r['own_valid_best_roc_auc'],
                              sv=r['shifted_valid']['avc_accuracy'], t=r['test']['avc_accuracy'], st=r['shifted_test']['avc_accuracy'],
                              t_auc=r['test']['roc_auc'], st_p1=r['shifted_test']['a2i_p1']) for r in rows])
    ms = lambda s: f'{s.mean():.3f} ± {s.std(ddof=1):.3f}' if len(s) > 1 else f'{s.mean():.3f}'
    lines = ['| scenes × epochs | seeds | own validation ROC AUC | shifted-validation AVC | test AVC | test ROC AUC | shifted-test AVC | shifted-test a→i P@1 |',
             '|---|---|---|---|---|---|---|---|']
    for variant, g in flat.sort_values(['scenes', 'epochs']).groupby('variant', sort=False):
        lines.append(f"| {variant} | {', '.join(map(str, sorted(g['seed'])))} | {ms(g['own'])} | {ms(g['sv'])} | {ms(g['t'])} | {ms(g['t_auc'])} | {ms(g['st'])} | {ms(g['st_p1'])} |")
    return '\n'.join(lines)

if __name__ == '__main__':
    parser = argparse.ArgumentParser()
    parser.add_argument('out', type=Path); parser.add_argument('--tiny', action='store_true')
    parser.add_argument('--parallel', type=int, default=5); parser.add_argument('--workers', type=int, default=2)
    parser.add_argument('--stop_at', type=float, default=float('inf'))
    parser.add_argument('--work', type=Path, default=Path('/tmp/ots_training_amount'))
    parser.add_argument('--variant', default=None); parser.add_argument('--seed', type=int, default=0)  # a child's run
    args = parser.parse_args()
    for folder in (args.out, args.work/'histories', args.work/'logs'): folder.mkdir(parents=True, exist_ok=True)
    shimmed = stand_in_for_decord()
    if args.variant: train_one(args); sys.exit(0)
    started = time.time()
    print(f'decord: {"a PyAV stand-in" if shimmed else "installed"}', flush=True)
    if not (args.work/'caches.json').exists():  # made once (a rerun on the same machine keeps them)
        (args.work/'caches.json').write_text(json.dumps(make_data(args.work, args.tiny, 15 if not args.tiny else 2)))
    print(f'data made in {time.time() - started:.0f} s', flush=True)
    jobs = [(v, s) for s in ((0,) if args.tiny else (0, 1, 2)) for v in VARIANTS]
    running, failed = [], []
    while jobs or running:
        if time.time() - started > args.stop_at:
            for variant, seed, process in running: process.kill(); failed.append((variant, f'seed {seed} stopped at {args.stop_at:.0f} s'))
            collate(args.work, args.out); break
        while jobs and len(running) < args.parallel:
            variant, seed = jobs.pop(0)
            log = open(args.work/'logs'/f'{run_name(variant, seed)}.txt', 'w')
            command = [sys.executable, __file__, str(args.out), '--variant', variant, '--seed', str(seed), '--workers', str(args.workers),
                       '--work', str(args.work)] + (['--tiny'] if args.tiny else [])
            running.append((variant, seed, subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT)))
        time.sleep(1)
        for job in [j for j in running if j[2].poll() is not None]:
            running.remove(job)
            if job[2].returncode: failed.append(job[:2])
            print(f'{time.time() - started:.0f} s: {job[0]} seed {job[1]} ' + ('failed' if job[2].returncode else 'done'), flush=True)
            collate(args.work, args.out)
    summary = f'{time.time() - started:.0f} s in all; failed: {failed or "none"}\n\n' + table(args.out)
    (args.out/'gpu_training_amount.md').write_text(summary + '\n'); print(summary)
