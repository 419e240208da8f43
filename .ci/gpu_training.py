"""Training runs for the GPU machine (issue 7): a sweep of CPU-preset variants on SynthInstruments (which recipe
learns in the fewest pairs), then a few minutes of the `paper` preset. Writes tables and each run's history under --out.
Run from the repository root:  python .ci/gpu_training.py --out "$OUT" [--workers 15] [--tiny]"""
import argparse, dataclasses, json, shutil, sys, time
from pathlib import Path

import torch
from objects_that_sound.cache import CacheSettings, prepare_cache
from objects_that_sound.synth import synth_instruments
from objects_that_sound.synth_scenes import SynthConfig
from objects_that_sound.train import training_preset, train_on_cache, evaluate_avc

parser = argparse.ArgumentParser()
parser.add_argument('--out', required=True); parser.add_argument('--work', default='/tmp/ots_gpu')
parser.add_argument('--workers', type=int, default=15); parser.add_argument('--tiny', action='store_true')
parser.add_argument('--only', default='sweep,paper')
args = parser.parse_args()
out, work, started = Path(args.out), Path(args.work), time.time()
out.mkdir(parents=True, exist_ok=True)
log = open(out/'gpu_training.md', 'a')
def say(*parts):
    line = ' '.join(str(p) for p in parts)
    print(line, flush=True); log.write(line + '\n'); log.flush()
say(f'# GPU training runs  {time.strftime("%Y-%m-%d %H:%M:%S")}  device: {torch.cuda.get_device_name(0) if torch.cuda.is_available() else "cpu"}, torch {torch.__version__}')

def dataset(name, n_clips, duration, size, frame_size, frame_step):
    root = work/name
    t = time.time()
    synth_instruments(root/'synth', n_clips=n_clips, config=SynthConfig(duration=duration, width=size, height=size), n_workers=args.workers, progress=False)
    settings = CacheSettings(frame_size=frame_size, frame_step=frame_step)
    train = prepare_cache(root/'synth'/'balanced_train_segments.csv', root/'synth'/'videos', root/'train', settings, args.workers)
    test = prepare_cache(root/'synth'/'eval_segments.csv', root/'synth'/'videos', root/'test', settings, args.workers)
    say(f'{name}: {len(train)} train / {len(test)} test clips of {duration} s at {size} px, cached at {frame_size} px every {frame_step} s, in {time.time() - t:.0f} s')
    return train, test

def run(name, train, test, preset, table, warm_start=None):
    t = time.time()
    try:
        learn = train_on_cache(train, work/'runs'/name, 0.1, preset, warm_start=warm_start, workers=args.workers, progress=False)
        seconds = time.time() - t
        result = evaluate_avc(learn, test, workers=args.workers)
        shutil.copy(work/'runs'/name/'history.csv', out/f'{name}_history.csv')
        if (work/'runs'/name/'curves.png').exists(): shutil.copy(work/'runs'/name/'curves.png', out/f'{name}_curves.png')
        pairs = preset.epochs * preset.pairs_per_epoch
        row = (f"| {name} | {preset.network} | {preset.loss} | {preset.width} | {preset.image_size} | {preset.sample_rate} | {preset.bs} | {preset.lr:g} "
               f"| {pairs:,} | {seconds:.0f} | {pairs / seconds:,.0f} | {result['avc_accuracy']:.3f} | {result['roc_auc']:.3f} | {result['a2i_p1']:.3f} ({result['a2i_p1_chance']:.3f}) |")
        json.dump(dict(name=name, preset=dataclasses.asdict(preset), seconds=seconds, test=result), open(out/f'{name}_result.json', 'w'), indent=1)
    except Exception as e:
        row = f'| {name} | failed: {type(e).__name__}: {str(e)[:300]} |'
    table.append(row); say(row)

header = ('| run | network | loss | width | size | Hz | bs | lr | pairs | train s | pairs/s | test AVC acc | test ROC AUC | test a→i P@1 (chance) |\n'
          '|---|---|---|---|---|---|---|---|---|---|---|---|---|---|')
tiny = dict(width=0.125, image_size=32, resize=36, sample_rate=8_000, bs=16) if args.tiny else {}
def sweep(variants, train, test, base, table):
    for name, change in variants:
        if args.tiny and ('image_size' in change or 'sample_rate' in change): continue
        warm = change.pop('warm_start', None)
        run(name, train, test, dataclasses.replace(base, **change), table, warm)
first = [('cpu', {}), ('cpu_avc', dict(loss='avc')), ('cpu_avc_centred', dict(loss='avc', centre_embeddings=True)),
         ('cpu_avc_warm', dict(loss='avc', warm_start=work/'runs'/'cpu'/'models'/'final.pth')),
         ('cpu_avol', dict(network='avol')), ('cpu_l3_avc', dict(network='l3', loss='avc'))]
later = [('cpu_bs64', dict(bs=64)), ('cpu_lr3e-3', dict(lr=3e-3)), ('cpu_96px', dict(image_size=96, resize=108)),
         ('cpu_avol_avc', dict(network='avol', loss='avc')), ('cpu_l3', dict(network='l3')), ('cpu_t005', dict(temperature=0.05)),
         ('cpu_8k', dict(sample_rate=8_000))]
sweep_table = []
if 'sweep' in args.only:
    train, test = dataset('synth_2s_128', 96 if args.tiny else 4000, 2.0, 128, 128, 0.25)
    base = dataclasses.replace(training_preset('cpu', epochs=2 if args.tiny else 12, pairs_per_epoch=64 if args.tiny else 8192,
                                               valid_pairs=64 if args.tiny else 1024), **tiny)
    say('\n## Sweep: CPU-preset variants, AVE-Net unless named\n'); say(header)
    sweep(first, train, test, base, sweep_table)
if 'paper' in args.only:
    paper_train, paper_test = dataset('synth_4s_256', 80 if args.tiny else 1600, 4.0, 128 if args.tiny else 256, 64 if args.tiny else 256, 0.5)
    paper = dataclasses.replace(training_preset('paper', epochs=2 if args.tiny else 8, pairs_per_epoch=64 if args.tiny else 8192,
                                                valid_pairs=64 if args.tiny else 1024), **tiny)
    say('\n## The paper preset on SynthInstruments\n'); say(header)
    paper_table = []
    run('paper', paper_train, paper_test, paper, paper_table)
    run('paper_contrastive', paper_train, paper_test, dataclasses.replace(paper, loss='contrastive', lr=1e-3), paper_table)
if 'sweep' in args.only:
    say('\n## Sweep, continued\n'); say(header)
    sweep(later, train, test, base, sweep_table)
    say('\n## Sweep, all rows\n'); say(header); say('\n'.join(sweep_table))
say(f'\nall done in {time.time() - started:.0f} s')
