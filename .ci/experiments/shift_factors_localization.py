"""Which part of the shift costs AVOL-Net its localization? The three changes the shifted test set makes — flat pictures,
held-out timbres, 480×360 video at 30 fps with 44.1 kHz sound — one at a time (the training scenes' generator,
`SynthConfig.varied` at the demo's sizes, with that one change) and all three (the shifted validation set of
`training_scenes.py`), each 320 clips of 2 s drawn with generator seed 2 (the shifted *test* set is seed 1) and cached as the
results chapter's factor sets are; every seed's AVOL-Net of a demo folder scored on each as the report scores it (the
demo's frames, the median rule, the centre Gaussian). Besides pointing and median-rule cIoU, the frames whose peak lands on
no instrument at all — neither the sounding one nor a silent one — and the median-rule cIoU there.

usage: python .ci/experiments/shift_factors_localization.py DEMO_FOLDER WORK_FOLDER OUT.json   (about 3 minutes on the 2-core machine)"""
import dataclasses, json, sys
from pathlib import Path
import numpy as np, torch
from objects_that_sound.apps.demo import DEMO_CACHE_SAMPLE_RATE, DEMO_FPS
from objects_that_sound.data.cache import CacheSettings, prepare_cache
from objects_that_sound.data.clip_cache import ClipCache
from objects_that_sound.evaluate.annotations import read_synth
from objects_that_sound.evaluate.baselines import best_box
from objects_that_sound.models.checkpoints import TrainedRun
from objects_that_sound.synth.instruments import synth_instruments
from objects_that_sound.synth.scenes import SynthConfig
sys.path.insert(0, str(Path(__file__).parent))
from training_scenes import shifted_validation_cache
from shifted_median_gap import avol_frame_scores

ONE_CHANGE = {'pictures: flat': dict(picture_styles=('flat',)), 'timbres: held out': dict(timbres='shifted'),
              'video: 480×360, 30 fps, 44.1 kHz': dict(width=480, height=360, fps=30, sample_rate=44_100)}
SETTINGS = CacheSettings(frame_size=108, frame_step=0.25, sample_rate=8_000)  # the demo's caches

def factor_sets(work: Path) -> dict[str, tuple[Path, Path]]:
    "Test-set name → (its cache, its SynthInstruments folder), made once."
    sets = {}
    for k, (name, change) in enumerate(ONE_CHANGE.items()):
        config = SynthConfig.varied(**dict(width=128, height=128, fps=DEMO_FPS, sample_rate=DEMO_CACHE_SAMPLE_RATE) | change)
        config = dataclasses.replace(config, duration=2.0, eval_fraction=1.0, encoder_threads=1, aac_coder='fast')
        if not (work/f'cache_{k}'/'settings.json').exists():
            synth_instruments(work/f'set_{k}', 320, 2, config, 2, progress=False)
            prepare_cache(work/f'set_{k}'/'eval_segments.csv', work/f'set_{k}'/'videos', work/f'cache_{k}', SETTINGS, 2, progress=False)
        sets[name] = (work/f'cache_{k}', work/f'set_{k}')
    shifted_validation_cache(work)
    sets['all three (the shifted generator)'] = (work/'cache_shifted_valid', work/'shifted_valid')
    return sets

if __name__ == '__main__':
    torch.set_num_threads(2)
    demo, work, out = Path(sys.argv[1]), Path(sys.argv[2]), Path(sys.argv[3])
    train_annotations = read_synth(demo/'synth_instruments', split='train')
    train_box, rows = best_box(train_annotations)[0], []
    for name, (cache_folder, synth_folder) in factor_sets(work).items():
        cache = ClipCache(cache_folder)
        for seed in sorted(p.name for p in demo.glob('seed_*')):
            scores = avol_frame_scores(TrainedRun.load(demo/seed/'avol_net'), cache, synth_folder, train_annotations, train_box)
            hit, on_silent = (np.array([s[key] for s in scores['AVOLNet']]) for key in ('pointing', 'peak on silent'))
            network, centre = (np.array([s['cIoU']['median'] for s in scores[row]]) for row in ('AVOLNet', 'centre Gaussian'))
            nowhere = (hit == 0) & (on_silent == 0)  # the peak on no instrument
            rows.append(dict(test_set=name, seed=int(seed.split('_')[1]), frames=len(hit), pointing=round(float(hit.mean()), 3),
                             median_ciou=round(float(network.mean()), 3), centre_median_ciou=round(float(centre.mean()), 3),
                             peak_on_no_instrument=round(float(nowhere.mean()), 3),
                             there_median_ciou=round(float(network[nowhere].mean()), 3), there_centre_median_ciou=round(float(centre[nowhere].mean()), 3)))
            print(rows[-1], flush=True)
    out.write_text(json.dumps(dict(what="each seed's AVOL-Net of the demo on 320 clips (generator seed 2) with one of the shifted set's changes, "
                                        "or all three; median rule; 'there': the frames whose peak is on no instrument", folder=str(demo), rows=rows),
                              indent=1, ensure_ascii=False))
