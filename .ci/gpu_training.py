"""Training runs for the GPU machine (issue 7): variants of the `cpu` preset on SynthInstruments (which recipe
learns in the fewest pairs; several run at once, the GPU is mostly idle with such small networks), and a few
minutes of the `paper` preset. Appends table rows to OUT/gpu_training.md, every run's per-epoch log to
OUT/histories.csv and its test results to OUT/results.jsonl.
  python .ci/gpu_training.py --out OUT --make_data                 the sweep's SynthInstruments set and caches
  python .ci/gpu_training.py --out OUT --variants cpu,cpu_avc      some variants, on those caches
  python .ci/gpu_training.py --out OUT --paper CACHE_DIR           the paper preset on CACHE_DIR/train, CACHE_DIR/test
Add --tiny for toy sizes (a CPU check)."""
import argparse, dataclasses, json, sys, time
from pathlib import Path

import pandas as pd
import torch
from objects_that_sound.data.cache import CacheSettings, ClipCache, prepare_cache
from objects_that_sound.train.runs import training_preset, train_on_cache, evaluate_avc

parser = argparse.ArgumentParser()
parser.add_argument('--out', required=True); parser.add_argument('--work', default='/tmp/ots_gpu')
parser.add_argument('--workers', type=int, default=2); parser.add_argument('--tiny', action='store_true')
parser.add_argument('--make_data', action='store_true'); parser.add_argument('--variants', default='')
parser.add_argument('--paper', default=''); parser.add_argument('--paper_epochs', type=int, default=6)
args = parser.parse_args()
out, work, started = Path(args.out), Path(args.work), time.time()
out.mkdir(parents=True, exist_ok=True)
def say(*parts):
    line = ' '.join(str(p) for p in parts)
    print(line, flush=True)
    with open(out/'gpu_training.md', 'a') as f: f.write(line + '\n')
device = torch.cuda.get_device_name(0) if torch.cuda.is_available() else 'cpu'
tiny = dict(width=0.125, image_size=32, resize=36, sample_rate=8_000, bs=16) if args.tiny else {}

def run(name, train, test, preset, warm_start=None):
    t = time.time()
    try:
        learn = train_on_cache(train, work/'runs'/name, 0.1, preset, warm_start=warm_start, workers=args.workers, progress=False)
        seconds = time.time() - t
        result = evaluate_avc(learn, test, workers=args.workers)
        history = pd.read_csv(work/'runs'/name/'history.csv').assign(run=name, pairs=lambda h: (h['epoch'] + 1) * preset.pairs_per_epoch)
        history.to_csv(out/'histories.csv', mode='a', header=not (out/'histories.csv').exists(), index=False)
        pairs = preset.epochs * preset.pairs_per_epoch
        row = (f"| {name} | {preset.network} | {preset.loss} | {preset.width} | {preset.image_size} | {preset.sample_rate} | {preset.bs} | {preset.lr:g} "
               f"| {pairs:,} | {seconds:.0f} | {result['avc_accuracy']:.3f} | {result['roc_auc']:.3f} | {result['a2i_p1']:.3f} ({result['a2i_p1_chance']:.3f}) | {len(test)} |")
        with open(out/'results.jsonl', 'a') as f:
            f.write(json.dumps(dict(name=name, device=device, preset=dataclasses.asdict(preset), warm_start=str(warm_start), seconds=seconds, test=result)) + '\n')
    except Exception as e:
        row = f'| {name} | failed: {type(e).__name__}: {str(e)[:300]} |'
    say(row)

HEADER = ('| run | network | loss | width | size | Hz | bs | lr | pairs | train s | test AVC acc | test ROC AUC | test a→i P@1 (chance) | test clips |\n'
          '|---|---|---|---|---|---|---|---|---|---|---|---|---|---|')
VARIANTS = {'cpu': {}, 'cpu_avc': dict(loss='avc'), 'cpu_avc_centred': dict(loss='avc', centre_embeddings=True),
            'cpu_avc_warm': dict(loss='avc', warm_start=work/'runs'/'cpu'/'models'/'final.pth'),
            'cpu_avol': dict(network='avol'), 'cpu_l3_avc': dict(network='l3', loss='avc'), 'cpu_bs64': dict(bs=64),
            'cpu_lr3e-3': dict(lr=3e-3), 'cpu_96px': dict(image_size=96, resize=108), 'cpu_avol_avc': dict(network='avol', loss='avc'),
            'cpu_l3': dict(network='l3'), 'cpu_t005': dict(temperature=0.05), 'cpu_8k': dict(sample_rate=8_000),
            'r96_8k': dict(image_size=96, resize=108, sample_rate=8_000), 'r96_8k_cos': dict(image_size=96, resize=108, sample_rate=8_000, schedule='cosine'),
            'r96_8k_cos_lr2e-3': dict(image_size=96, resize=108, sample_rate=8_000, schedule='cosine', lr=2e-3),
            'r96_8k_avol_cos': dict(network='avol', image_size=96, resize=108, sample_rate=8_000, schedule='cosine'),
            'r96_8k_cos_avc_warm': dict(loss='avc', image_size=96, resize=108, sample_rate=8_000, schedule='cosine', warm_start=work/'runs'/'r96_8k_cos'/'models'/'final.pth')}
sweep_data = work/'synth_2s_128'
if args.make_data:
    from objects_that_sound.synth.instruments import synth_instruments  # the generator, only for making the data
    from objects_that_sound.synth.scenes import SynthConfig
    n_clips = 96 if args.tiny else 4000
    synth_instruments(sweep_data/'synth', n_clips=n_clips, config=SynthConfig(duration=2.0, width=128, height=128, encoder_threads=1, aac_coder='fast'), n_workers=args.workers, progress=False)
    settings = CacheSettings(frame_size=128, frame_step=0.25)
    for split, segments in (('train', 'balanced_train_segments.csv'), ('test', 'eval_segments.csv')):
        prepare_cache(sweep_data/'synth'/segments, sweep_data/'synth'/'videos', sweep_data/split, settings, args.workers)
    say(f'\n## Sweep on {device}: {n_clips} SynthInstruments clips of 2 s at 128 px, cached every 0.25 s; data made in {time.time() - started:.0f} s\n')
    say(HEADER)
for name in filter(None, args.variants.split(',')):
    base = dataclasses.replace(training_preset('cpu', epochs=2 if args.tiny else 12, pairs_per_epoch=64 if args.tiny else 8192,
                                               valid_pairs=64 if args.tiny else 1024), **tiny)
    change = dict(VARIANTS[name])
    if args.tiny and ('image_size' in change or 'sample_rate' in change): continue
    warm = change.pop('warm_start', None)
    run(name, ClipCache(sweep_data/'train'), ClipCache(sweep_data/'test'), dataclasses.replace(base, **change), warm)
if args.paper:
    caches = Path(args.paper)
    paper = dataclasses.replace(training_preset('paper', epochs=2 if args.tiny else args.paper_epochs, pairs_per_epoch=64 if args.tiny else 8192,
                                                valid_pairs=64 if args.tiny else 1024), **tiny)
    say(f'\n## The paper preset on {device}: SynthInstruments clips of 10 s at 256 px ({caches})\n'); say(HEADER)
    run('paper', ClipCache(caches/'train'), ClipCache(caches/'test'), paper)
