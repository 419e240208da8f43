"""Audio augmentations tried beside the CPU demo's frequency warp of 1.3, chosen like the warp on validation data only:
AVE-Net, seed 0, the demo's preset and training cache, measured on the demo's validation pairs and on the shifted
validation set (the shifted generator with generator seed 2, 320 clips of 2 s; the shifted *test* set is seed 1).

The augmentations act on the training spectrograms after the warp (a patch of `FrequencyWarp.forward`, drawn from the
warp's own generator so that they resume like it); none is in the library, none was taken:
  masks    SpecAugment-style: per spectrogram one band of up to F_MASK frequency bins and one span of up to T_MASK time
           steps set to 0 (the normalised log power's mean)
  zoom     a slow-down of the time axis: output step t reads start + t / r, r uniform in [1, ZOOM], start uniform where
           the stretched second still fits (linear interpolation)
  rate     no augmentation beside the warp, the networks listening at RATE Hz instead of the preset's 8 kHz
  FIELD    no augmentation beside the warp, the demo's preset with FIELD (a `TrainingPreset` field) set to VALUE,
           e.g. temperature:0.05 (the contrastive objective's temperature)

usage: python .ci/experiments/audio_augmentations.py DEMO_FOLDER WORK_FOLDER VARIANT...
       VARIANT: masks:F_MASK:T_MASK, zoom:ZOOM, rate:RATE or FIELD:VALUE, e.g. masks:8:25 zoom:1.3 rate:4000 temperature:0.05
Writes WORK_FOLDER/audio_augmentations.json (one row per variant, kept across calls)."""
import dataclasses, json, sys, time
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
    demo, work = Path(sys.argv[1]), Path(sys.argv[2])
    valid_cache = shifted_validation_cache(work)
    results_file = work/'audio_augmentations.json'
    results = json.loads(results_file.read_text()) if results_file.exists() else {}
    for variant in sys.argv[3:]:
        kind, *values = variant.split(':')
        AUGMENTATION.clear()
        if kind in ('masks', 'zoom'): AUGMENTATION[kind] = float(values[0]) if kind == 'zoom' else tuple(map(int, values))
        field = 'sample_rate' if kind == 'rate' else kind
        preset = demo_presets('cpu')['ave']
        if kind not in AUGMENTATION: preset = dataclasses.replace(preset, **{field: type(getattr(preset, field))(values[0])})  # checked as any preset is
        out, started = work/f'ave_{variant.replace(":", "_")}', time.time()
        train_on_cache(ClipCache(demo/'cache'/'train'), out, 0.1, preset, workers=2, seed=0, progress=False)
        history, shifted = pd.read_csv(out/'history.csv'), avc_evaluation(TrainedRun.load(out), valid_cache)
        results[variant] = dict(minutes=round((time.time() - started) / 60, 1), valid_best_roc_auc=round(history['roc_auc'].max(), 3),
                                valid_last_avc=round(history['avc_accuracy'].iloc[-1], 3), shifted_valid_avc=round(shifted['avc_accuracy'], 3),
                                shifted_valid_roc_auc=round(shifted['roc_auc'], 3), shifted_valid_a2i_p1=round(shifted['a2i_p1'], 3))
        print(variant, results[variant], flush=True)
        results_file.write_text(json.dumps(results, indent=1))
