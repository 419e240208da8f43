"""Is AVOL-Net's shortfall under the median rule on the shifted clips more than the frames' sampling noise? For each seed of a
demo folder, AVOL-Net's heatmaps of the shifted test frames are scored again as the report scores them (`synth_localization`'s
frames, annotations, rules and baselines; the recomputed all-frames row is checked against the folder's metrics.json), and
the paired difference of mean cIoU under the median rule — AVOL-Net's minus the centre Gaussian's and the best training box's,
frame by frame — is bootstrapped over the frames with the library's `paired_differences`, here with 10,000 resamples (the
report uses 2,000): its 95 % interval.

usage: python .ci/experiments/shifted_median_gap.py DEMO_FOLDER OUT.json   (about a minute on the 2-core machine)"""
import json, sys
from pathlib import Path
import torch
from objects_that_sound.data.clip_cache import ClipCache
from objects_that_sound.evaluate.annotations import read_synth
from objects_that_sound.evaluate.baselines import best_box, localization_scores, paired_differences
from objects_that_sound.evaluate.localization import avol_heatmaps
from objects_that_sound.evaluate.localization_metrics import summarise_scores
from objects_that_sound.evaluate.retrieval import database_frames
from objects_that_sound.models.checkpoints import TrainedRun

RESAMPLES, BASELINES = 10_000, ('centre Gaussian', 'best box (train)')

def avol_frame_scores(trained: TrainedRun, cache: ClipCache, synth: Path, train_annotations: dict, train_box, seed: int = 0) -> dict:
    "Row → `score_image` of each annotated frame (`database_frames(cache, seed)`), for the run's AVOL-Net and the baselines, as the report scores them."
    frame_index, frame_time = database_frames(cache, seed)
    annotations = read_synth(synth, frame={cache.clip_ids[c]: int(cache.frame_numbers(c)[frame_index[c]]) for c in range(len(cache))})
    heatmaps = avol_heatmaps(trained.network, cache, frame_index, frame_time, image_size=trained.image_size, device='cpu')  # (N, h, w)
    by_id = {clip_id: heatmaps[c] for c, clip_id in enumerate(cache.clip_ids) if clip_id in annotations}
    return localization_scores(by_id, annotations, train_annotations, 'AVOLNet', seed, train_box=train_box)[0]

def frame_scores(demo: Path, seed: str, test_set: str = 'shifted'):
    "Every shifted frame's scores for AVOL-Net and the baselines, as the report made them, and the stored all-frames row."
    stored = json.loads((demo/seed/'report'/('avol_shifted' if test_set == 'shifted' else 'avol')/'metrics.json').read_text())
    train_annotations = read_synth(demo/'synth_instruments', split='train')
    scores = avol_frame_scores(TrainedRun.load(demo/seed/'avol_net'), ClipCache(demo/'cache'/test_set), demo/('synth_shifted' if test_set == 'shifted' else 'synth_instruments'),
                               train_annotations, best_box(train_annotations)[0], stored['seed'])
    return scores, stored['localization']['all frames']

if __name__ == '__main__':
    torch.set_num_threads(2)
    demo, out, rows = Path(sys.argv[1]), Path(sys.argv[2]), []
    for seed in sorted(p.name for p in demo.glob('seed_*')):
        scores, stored = frame_scores(demo, seed)
        for row in ('AVOLNet', *BASELINES):  # the recomputation is the report's
            again = summarise_scores(scores[row])
            assert abs(again['median']['cIoU'] - stored[row]['median']['cIoU']) < 1e-9, (seed, row, again['median'], stored[row]['median'])
        differences = paired_differences(scores, 'AVOLNet', resamples=RESAMPLES)
        for baseline in BASELINES:
            gap = differences[baseline]['cIoU (median)']
            rows.append(dict(seed=int(seed.split('_')[1]), baseline=baseline, frames=len(scores['AVOLNet']), difference=round(gap['difference'], 4),
                             interval_95=[round(gap['low'], 4), round(gap['high'], 4)]))
            print(rows[-1], flush=True)
    out.write_text(json.dumps(dict(what='AVOL-Net minus a baseline, mean cIoU under the median rule over the shifted test frames (all frames), '
                                        f'paired bootstrap over frames (paired_differences, {RESAMPLES} resamples, seed 0)', folder=str(demo), rows=rows), indent=1))
