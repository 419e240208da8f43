"""Test-time frequency warps: does averaging a sound's embedding over stretched copies of its spectrogram carry AVE-Net further
on the shifted validation set? Each seed's AVE-Net of the three-seed demo folder, measured on the shifted validation set
(the shifted generator with generator seed 2, 320 clips of 2 s, made and cached by `training_scenes.py`'s
`shifted_validation_cache`) as `avc_evaluation` measures it, with the sound's embedding as trained and as the unit-length mean
of its embeddings at stretches 1/1.3, 1 and 1.3 (the training warp's extremes and none; `stretch_frequencies`). Patched onto
`AVENet.audio_embedding` here, not in the library: not taken.

usage: python .ci/experiments/test_time_warps.py DEMO_FOLDER WORK_FOLDER OUT.json   (about 3 minutes on the 2-core machine)"""
import json, sys
from pathlib import Path
import torch, torch.nn.functional as F
from objects_that_sound.evaluate.avc import avc_evaluation
from objects_that_sound.models import networks
from objects_that_sound.models.checkpoints import TrainedRun
from objects_that_sound.models.spectrogram import stretch_frequencies
sys.path.insert(0, str(Path(__file__).parent))
from training_scenes import shifted_validation_cache

STRETCHES = None  # None: the embedding as trained
_as_trained = networks.AVENet.audio_embedding

def averaged_audio_embedding(self, waveform):
    "The unit-length mean of the sound's embeddings at each of `STRETCHES`, (B, n) → (B, 128)."
    if STRETCHES is None: return _as_trained(self, waveform)
    spectrogram = self.log_spectrogram(waveform)  # (B, 1, F, T)
    stretched = [self.audio_head(self.audio_convnet(stretch_frequencies(spectrogram, torch.full((len(spectrogram),), r)))) for r in STRETCHES]
    return F.normalize(torch.stack(stretched).mean(0), dim=1)

networks.AVENet.audio_embedding = averaged_audio_embedding

if __name__ == '__main__':
    demo, work, out = Path(sys.argv[1]), Path(sys.argv[2]), Path(sys.argv[3])
    shifted, rows = shifted_validation_cache(work), []
    for seed in sorted(int(p.name.split('_')[1]) for p in demo.glob('seed_*')):
        for name, STRETCHES in (('as trained', None), ('mean over stretches 1/1.3, 1, 1.3', (1 / 1.3, 1.0, 1.3))):
            measured = avc_evaluation(TrainedRun.load(demo/f'seed_{seed}'/'ave_net'), shifted)
            rows.append(dict(seed=seed, embedding=name, **{k: round(measured[k], 3) for k in ('avc_accuracy', 'roc_auc', 'a2i_p1')}))
            print(rows[-1], flush=True)
    out.write_text(json.dumps(dict(what="each demo seed's AVE-Net on the shifted validation set (generator seed 2, 320 clips), "
                                        "the sound's embedding as trained and averaged over frequency stretches", rows=rows), indent=1))
