"""Audio augmentations tried beside the CPU demo's frequency warp of 1.3, chosen like the warp on validation data only:
AVE-Net (seed 0 unless --seed), the demo's preset and training cache, measured on the demo's validation pairs and on the
shifted validation set (the shifted generator with generator seed 2, 320 clips of 2 s unless --clips; the shifted *test*
set is seed 1).

The augmentations act on the training spectrograms after the warp (a patch of `FrequencyWarp.forward`, drawn from the
warp's own generator so that they resume like it); none is in the library, none was taken:
  masks    SpecAugment-style: per spectrogram one band of up to F_MASK frequency bins and one span of up to T_MASK time
           steps set to 0 (the normalised log power's mean)
  zoom     a slow-down of the time axis: output step t reads start + t / r, r uniform in [1, ZOOM], start uniform where
           the stretched second still fits (linear interpolation)
  filter   FilterAugment (Nam et al., ICASSP 2022), a random equaliser for another timbre: per spectrogram BANDS + 1 knots,
           the two ends and BANDS - 1 uniform frequencies between them, each with a gain uniform in [-DB, DB] decibels, linearly
           interpolated over the frequency bins and added to the log power
  rate     no augmentation beside the warp, the networks listening at RATE Hz instead of the preset's 8 kHz
  FIELD    no augmentation beside the warp, the demo's preset with FIELD (a `TrainingPreset` field) set to VALUE,
           e.g. temperature:0.05 (the contrastive objective's temperature)
  demo     nothing trained: the demo folder's own AVE-Net of the seed, measured the same way, to compare with

With --avol, AVOL-Net is then trained from that AVE-Net as the demo trains it (`demo_presets('cpu')['avol']`, the same
seed), with the same augmentation, and measured on the same shifted validation clips as `avol_levers.py` measures it
(AVC accuracy, ROC AUC, and localization as the report scores it); for `demo`, the demo folder's own AVOL-Net.

usage: python .ci/experiments/audio_augmentations.py DEMO_FOLDER WORK_FOLDER VARIANT... [--seed=S] [--clips=N] [--avol]
       VARIANT: masks:F_MASK:T_MASK, zoom:ZOOM, filter:DB:BANDS, rate:RATE, FIELD:VALUE or demo, e.g. masks:8:25 zoom:1.3
       filter:12:4 rate:4000 temperature:0.05; S the training seed (0); N the shifted validation set's clips when it is made
       (320; a WORK_FOLDER of `avol_levers.py` holds one of 1,000 already)
Writes WORK_FOLDER/audio_augmentations.json (one row per variant and seed, kept across calls; a variant and seed measured
already is not trained again, and its AVOL-Net is added to it)."""
import json, math, sys, time
from pathlib import Path
import pandas as pd, torch
from objects_that_sound.apps.demo import demo_presets
from objects_that_sound.data.clip_cache import ClipCache
from objects_that_sound.evaluate.avc import avc_evaluation
from objects_that_sound.models import spectrogram
from objects_that_sound.models.checkpoints import TrainedRun
from objects_that_sound.train.runs import train_on_cache
sys.path.insert(0, str(Path(__file__).parent))
from training_scenes import shifted_validation_cache
from avol_levers import localization

AUGMENTATION = {}
_warp_forward = spectrogram.FrequencyWarp.forward

def _interpolate_time(spec, source):
    "(B, 1, F, T) read at fractional time steps `source` (B, T)."
    n, _, bins, steps = spec.shape
    below = source.floor().long().clamp(max=steps - 2)
    weight = (source - below).to(spec.dtype)[:, None, None, :]
    index = below[:, None, None, :].expand(n, 1, bins, steps)
    return torch.lerp(spec.gather(3, index), spec.gather(3, index + 1), weight)

def augmented_forward(self, spec):
    spec = _warp_forward(self, spec)
    if not self.training or not AUGMENTATION: return spec
    n, _, bins, steps = spec.shape
    draw = lambda: torch.rand(n, generator=self.generator)
    if 'zoom' in AUGMENTATION:
        r = 1 + draw() * (AUGMENTATION['zoom'] - 1)
        start = draw() * (steps - steps / r)
        spec = _interpolate_time(spec, (start[:, None] + torch.arange(steps) / r[:, None]).clamp(max=steps - 1))
    if 'filter' in AUGMENTATION:
        db, bands = AUGMENTATION['filter']
        inner = torch.rand(n, bands - 1, generator=self.generator).sort(dim=1).values * (bins - 1)
        knots = torch.cat([torch.zeros(n, 1), inner, torch.full((n, 1), bins - 1.0)], dim=1)  # (B, BANDS + 1) bin positions
        gains = (2 * torch.rand(n, bands + 1, generator=self.generator) - 1) * db  # (B, BANDS + 1) decibels
        position = torch.arange(bins, dtype=torch.float32).expand(n, bins).contiguous()  # (B, F)
        left = (torch.searchsorted(knots, position, right=True) - 1).clamp(0, bands - 1)  # (B, F) the knot below each bin
        x0, x1, g0, g1 = knots.gather(1, left), knots.gather(1, left + 1), gains.gather(1, left), gains.gather(1, left + 1)
        curve = g0 + (g1 - g0) * (position - x0) / (x1 - x0).clamp_min(1e-6)  # (B, F) decibels
        per_db = math.log(10) / 10 / spectrogram.LOG_POWER_STD  # one decibel of power in the normalised log power
        spec = spec + (curve * per_db).to(spec)[:, None, :, None]  # (B, 1, F, T)
    if 'masks' in AUGMENTATION:
        f_mask, t_mask = AUGMENTATION['masks']
        spec = spec.clone()
        f_width = (draw() * (f_mask + 1)).long(); f_start = (draw() * (bins - f_width + 1)).long()
        t_width = (draw() * (t_mask + 1)).long(); t_start = (draw() * (steps - t_width + 1)).long()
        for i in range(n):
            spec[i, :, f_start[i]:f_start[i] + f_width[i]] = 0
            spec[i, :, :, t_start[i]:t_start[i] + t_width[i]] = 0
    return spec

spectrogram.FrequencyWarp.forward = augmented_forward

if __name__ == '__main__':
    options = dict(arg[2:].split('=', 1) if '=' in arg else (arg[2:], '1') for arg in sys.argv[3:] if arg.startswith('--'))
    seed, clips = int(options.get('seed', 0)), int(options.get('clips', 320))
    demo, work = Path(sys.argv[1]), Path(sys.argv[2])
    valid_cache = shifted_validation_cache(work, clips=clips)
    results_file = work/'audio_augmentations.json'
    results = json.loads(results_file.read_text()) if results_file.exists() else {}
    for variant in (arg for arg in sys.argv[3:] if not arg.startswith('--')):
        kind, *values = variant.split(':')
        AUGMENTATION.clear()
        if kind == 'zoom': AUGMENTATION[kind] = float(values[0])
        if kind == 'masks': AUGMENTATION[kind] = tuple(map(int, values))
        if kind == 'filter': AUGMENTATION[kind] = (float(values[0]), int(values[1]))
        field = 'sample_rate' if kind == 'rate' else kind
        presets = demo_presets('cpu')
        if kind not in AUGMENTATION and kind != 'demo': presets = demo_presets('cpu', **{field: type(getattr(presets['ave'], field))(values[0])})  # checked as any preset is
        name = f'ave_{variant.replace(":", "_")}' + (f'_seed_{seed}' if seed else '')
        out = demo/f'seed_{seed}'/'ave_net' if kind == 'demo' else work/name
        key = variant + (f' seed {seed}' if seed else '')
        if key not in results:
            started = time.time()
            if kind != 'demo': train_on_cache(ClipCache(demo/'cache'/'train'), out, 0.1, presets['ave'], workers=2, seed=seed, progress=False)
            history, shifted = pd.read_csv(out/'history.csv'), avc_evaluation(TrainedRun.load(out), valid_cache)
            results[key] = dict(seed=seed, shifted_valid_clips=len(valid_cache), minutes=round((time.time() - started) / 60, 1),
                                valid_best_roc_auc=round(float(history['roc_auc'].max()), 3), valid_last_avc=round(float(history['avc_accuracy'].iloc[-1]), 3),
                                shifted_valid_avc=round(shifted['avc_accuracy'], 3), shifted_valid_roc_auc=round(shifted['roc_auc'], 3),
                                shifted_valid_a2i_p1=round(shifted['a2i_p1'], 3))
            print(key, results[key], flush=True)
        if 'avol' in options and 'avol' not in results[key]:
            started, avol_run = time.time(), demo/f'seed_{seed}'/'avol_net' if kind == 'demo' else work/name.replace('ave_', 'avol_', 1)
            if kind != 'demo': train_on_cache(ClipCache(demo/'cache'/'train'), avol_run, 0.1, presets['avol'], warm_start=out/'models'/'final.pth', workers=2, seed=seed, progress=False)
            history, measured = pd.read_csv(avol_run/'history.csv'), avc_evaluation(TrainedRun.load(avol_run), valid_cache)
            results[key]['avol'] = dict(minutes=round((time.time() - started) / 60, 1), valid_best_roc_auc=round(float(history['roc_auc'].max()), 3),
                                        avc_accuracy=round(measured['avc_accuracy'], 4), roc_auc=round(measured['roc_auc'], 4),
                                        **localization(avol_run, valid_cache, work/'shifted_valid', demo))
            print(key, 'AVOL-Net', results[key]['avol'], flush=True)
        results_file.write_text(json.dumps(results, indent=1))
