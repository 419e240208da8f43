"""Training scenes drawn with other generator knobs, chosen like the demo's frequency warp on validation data only.

AVE-Net, training seed 0 (or SEED), the CPU demo's preset, trained on 5,000 scenes of `SynthConfig.varied(**KNOBS)` made as the demo makes its
own (generator seed 0: the same clips, classes, pictures and note starts as the demo's, 2 s, 8 fps, 16 kHz), then measured on
  - the demo's validation pairs: the tenth of the demo's training videos `train_on_cache` holds out (the same videos are held
    out of the new scenes), as the demo's own scenes sound them, with the pairs its training validated on;
  - the shifted validation set: the shifted generator with generator seed 2, 320 clips of 2 s (the shifted *test* set is seed 1).
The demo's own AVE-Net of the same training seed (`runs/demo/seed_<SEED>`) is measured the same way as the reference row.

usage: python .ci/experiments/training_scenes.py DEMO_FOLDER WORK_FOLDER NAME KNOBS_JSON [SEED]
       e.g. ... runs/demo WORK articulation '{"min_legato": 0.25, "max_legato": 1.0, "max_octave_shift": 1, "max_vibrato": 100, "max_swell": 0.25}'
Writes WORK_FOLDER/training_scenes.json (one row per NAME and seed, kept across calls; 'demo' is the reference; rows of
seeds other than 0 are named 'NAME (seed SEED)'). About 9 minutes a variant on the 2-core development machine; another
seed of a variant reuses its scenes and caches."""
import json, math, sys, time
from pathlib import Path
import numpy as np, pandas as pd, torch
from sklearn.metrics import roc_auc_score
from objects_that_sound.apps.demo import DEMO_CACHE_SAMPLE_RATE, DEMO_FPS, demo_presets
from objects_that_sound.data.cache import CacheSettings, prepare_cache
from objects_that_sound.data.clip_cache import ClipCache
from objects_that_sound.data.sampling import avc_dataloaders
from objects_that_sound.evaluate.avc import avc_evaluation
from objects_that_sound.models.checkpoints import TrainedRun
from objects_that_sound.synth.instruments import synth_instruments
from objects_that_sound.synth.scenes import SynthConfig
from objects_that_sound.train.runs import train_on_cache

PRESET = demo_presets('cpu')['ave']

def shifted_validation_cache(work: Path,
                             clips: int = 320,  # clips of the set
                             settings: CacheSettings = CacheSettings(frame_size=PRESET.resize, frame_step=0.25, sample_rate=PRESET.sample_rate),
                             workers: int = 2) -> ClipCache:
    "The shifted generator's seed-2 clips, cached at the demo's sizes (made once)."
    if not (work/'cache_shifted_valid'/'settings.json').exists():
        config = SynthConfig.shifted(duration=2.0, eval_fraction=1.0, encoder_threads=1, aac_coder='fast')
        synth_instruments(work/'shifted_valid', clips, 2, config, workers, progress=False)
        prepare_cache(work/'shifted_valid'/'eval_segments.csv', work/'shifted_valid'/'videos', work/'cache_shifted_valid', settings, workers, progress=False)
    return ClipCache(work/'cache_shifted_valid')

@torch.no_grad()
def validation_pairs(run: Path, cache: ClipCache) -> dict:
    "AVC accuracy (the run's own decision) and ROC AUC on the validation pairs `train_on_cache` draws from `cache` with seed 0."
    dls = avc_dataloaders(cache, 0.1, bs=PRESET.bs, size=PRESET.image_size, resize=PRESET.resize, n_train=PRESET.bs,
                          n_valid=PRESET.valid_pairs, seed=0, num_workers=2)
    network = TrainedRun.load(run).network.eval().listen_at(cache.sample_rate)
    scores, labels = [], []
    for frames, waveforms, batch_labels in dls.valid:
        vision, audio = network(frames.as_subclass(torch.Tensor), waveforms.as_subclass(torch.Tensor))
        scores.append(network.scores(vision.float(), audio.float())); labels.append(batch_labels)
    scores, labels = torch.cat(scores).numpy(), torch.cat(labels).numpy()
    return dict(valid_avc=round(float(((scores > 0) == (labels == 1)).mean()), 3), valid_roc_auc=round(float(roc_auc_score(labels, scores)), 3))

def measured(run: Path, demo: Path, shifted: ClipCache) -> dict:
    on_shifted = avc_evaluation(TrainedRun.load(run), shifted)
    return dict(validation_pairs(run, ClipCache(demo/'cache'/'train')), shifted_valid_avc=round(on_shifted['avc_accuracy'], 3),
                shifted_valid_roc_auc=round(on_shifted['roc_auc'], 3), shifted_valid_a2i_p1=round(on_shifted['a2i_p1'], 3))

if __name__ == '__main__':
    demo, work, name, knobs = Path(sys.argv[1]), Path(sys.argv[2]), sys.argv[3], json.loads(sys.argv[4])
    seed = int(sys.argv[5]) if len(sys.argv) > 5 else 0
    row = lambda name: name if seed == 0 else f'{name} (seed {seed})'
    shifted, results_file = shifted_validation_cache(work), work/'training_scenes.json'
    results = json.loads(results_file.read_text()) if results_file.exists() else {}
    if row('demo') not in results: results[row('demo')] = dict(knobs={}, **measured(demo/f'seed_{seed}'/'ave_net', demo, shifted))
    side, started = 128 * math.ceil(PRESET.resize / 128), time.time()
    scenes = SynthConfig.varied(width=side, height=side, fps=DEMO_FPS, sample_rate=DEMO_CACHE_SAMPLE_RATE, duration=2.0,
                                encoder_threads=1, aac_coder='fast', **knobs)
    synth_instruments(work/name/'synth_instruments', 5000, 0, scenes, 2, progress=False)
    settings = CacheSettings(frame_size=PRESET.resize, frame_step=0.25, sample_rate=min(DEMO_CACHE_SAMPLE_RATE, PRESET.sample_rate))
    train = prepare_cache(work/name/'synth_instruments'/'balanced_train_segments.csv', work/name/'synth_instruments'/'videos',
                          work/name/'cache_train', settings, 2, progress=False)
    run = work/name/('ave_net' if seed == 0 else f'ave_net_seed_{seed}')
    train_on_cache(train, run, 0.1, PRESET, workers=2, seed=seed, progress=False)
    own = pd.read_csv(run/'history.csv')
    results[row(name)] = dict(knobs=knobs, minutes=round((time.time() - started) / 60, 1), own_valid_best_roc_auc=round(own['roc_auc'].max(), 3),
                              **measured(run, demo, shifted))
    print(row(name), results[row(name)], flush=True)
    results_file.write_text(json.dumps(results, indent=1))
