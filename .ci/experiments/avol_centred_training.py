"""AVOL-Net trained with its sound's embedding centred, after `centred_sound.py` found that the typical sound's own map is
the background's: where that script takes a share of the mean training sound off every sound at test time, this trains
AVOL-Net with the mean taken off throughout — each training batch's mean audio embedding subtracted from its sounds
(a running mean of those, momentum 0.1, after training: BatchNorm's centring without its scaling; the library's
`AVOLNet(centre_embeddings=True)`, `RunningCentre`, which the preset's `centre_embeddings` turns on), or, with
`--standardise`, BatchNorm without scale or shift (as AVE-Net's `centre_embeddings`), patched onto `AVOLNet` here. These
rows were first measured with the centring patched on in the same way; the library's option trains the same weights to
the last bit (seed 0's final.pth checked: the same SHA-256). For each seed of a three-seed demo folder AVOL-Net is trained from that seed's AVE-Net exactly as
the demo trains it (`demo_presets('cpu')['avol']`, the same training cache, warm start and seed) with the option, and
measured as `centred_sound.py` measures (`scored`: every table, the baselines, the places below) on its two validation
sets — the 1,000-clip shifted one (generator seed 2) and the in-domain one (the demo's generator, seed 3) — with AVC
accuracy and ROC AUC on the shifted one (`avc_evaluation`). No test clip is used.
With `--test`, after the choice (not to take it, on the validation numbers), the runs trained before are scored instead on the
demo's test and shifted test clips, as the report scores them (β = 0 rows of `centred_sound.py` are the demo's own).

usage: python .ci/experiments/avol_centred_training.py DEMO_FOLDER WORK_FOLDER OUT.json [--standardise] [--test]
       (WORK_FOLDER as `centred_sound.py`'s; about 2.5 minutes a seed on the 2-core machine; --test about 1.5)"""
import dataclasses, json, sys, time
from pathlib import Path
import torch, torch.nn as nn
from objects_that_sound.apps.demo import demo_presets, reference_speed
from objects_that_sound.data.clip_cache import ClipCache
from objects_that_sound.evaluate.avc import avc_evaluation
from objects_that_sound.models import networks
from objects_that_sound.models.checkpoints import TrainedRun
from objects_that_sound.train.runs import train_on_cache
sys.path.insert(0, str(Path(__file__).parent))
from avol_levers import VALID_CLIPS
from centred_sound import in_domain_validation_cache, scored
from training_scenes import shifted_validation_cache

def patch_standardise():
    "Make `AVOLNet`'s `centre_embeddings` BatchNorm its sound's embedding (no scale or shift) instead of the library's `RunningCentre`."
    library_init = networks.AVOLNet.__init__
    def init(self, *args, centre_embeddings=False, **kwargs):
        library_init(self, *args, centre_embeddings=centre_embeddings, **kwargs)
        if centre_embeddings: self.audio_head.centre = nn.BatchNorm1d(self.audio_head.fc2.out_features, affine=False)
    networks.AVOLNet.__init__ = init

if __name__ == '__main__':
    torch.set_num_threads(2)
    args = [a for a in sys.argv[1:] if not a.startswith('--')]
    demo, work, out, standardise = Path(args[0]), Path(args[1]), Path(args[2]), '--standardise' in sys.argv
    if standardise: patch_standardise()
    variant = 'standardised sound' if standardise else 'centred sound'
    speed_before, started = reference_speed(), time.time()
    if '--test' in sys.argv: measured_sets = {'test': (ClipCache(demo/'cache'/'test'), demo/'synth_instruments'),
                                           'shifted test': (ClipCache(demo/'cache'/'shifted'), demo/'synth_shifted')}
    else: measured_sets = {'shifted validation': (shifted_validation_cache(work, clips=VALID_CLIPS), work/'shifted_valid'),
                        'in-domain validation': in_domain_validation_cache(demo, work)}
    rows = []
    for seed in sorted(int(p.name.split('_')[1]) for p in demo.glob('seed_*')):
        run, seed_started = work/f'avol_{variant.replace(" ", "_")}'/f'seed_{seed}', time.time()
        preset = dataclasses.replace(demo_presets('cpu')['avol'], centre_embeddings=True)
        if '--test' not in sys.argv:
            train_on_cache(ClipCache(demo/'cache'/'train'), run, 0.1, preset, warm_start=demo/f'seed_{seed}'/'ave_net'/'models'/'final.pth',
                           workers=2, seed=seed, progress=False)
        trained = TrainedRun.load(run)
        minutes = None if '--test' in sys.argv else round((time.time() - seed_started) / 60, 1)
        for data, (cache, synth) in measured_sets.items():
            avc = avc_evaluation(trained, cache) if data != 'in-domain validation' else None
            rows.append(scored(trained, cache, synth, demo/'synth_instruments', None, seed=seed, variant=variant, data=data, training_minutes=minutes,
                               **(dict(avc_accuracy=round(avc['avc_accuracy'], 4), roc_auc=round(avc['roc_auc'], 4)) if avc else {})))
    out.write_text(json.dumps(dict(
        what=f'AVOL-Net trained from each seed\'s AVE-Net as the demo trains it, its audio embedding {"BatchNorm-standardised" if standardise else "centred (batch mean in training, running mean after)"}; '
             + (f'scored as the report scores, on the demo\'s test and shifted test clips' if '--test' in sys.argv else
              f'scored as centred_sound.py scores, on its shifted (generator seed 2, {VALID_CLIPS} clips) and in-domain (the demo\'s generator, seed 3) validation sets'),
        command=f'python .ci/experiments/avol_centred_training.py {demo} {work} {out}' + (' --standardise' if standardise else '') + (' --test' if '--test' in sys.argv else ''), folder=str(demo),
        minutes=round((time.time() - started) / 60, 1), machine='2-core development CPU, no GPU', reference_speed=[speed_before, reference_speed()], rows=rows), indent=1))
