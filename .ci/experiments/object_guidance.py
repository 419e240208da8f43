"""Object guidance against AVOL-Net's median-rule shortfall on the shifted clips, chosen on validation data only. EZ-VSL
(Mo & Morgado, ECCV 2022) mixes the audio-visual map with a visual-only "objectness" map, α·AV + (1 − α)·objectness, each
min-max normalised, so that a frame whose sound is not recognised still points at an object. EZ-VSL takes its objectness
from an ImageNet classifier; nothing can be downloaded here, so this takes the one the network has: the channel mean of
AVOL-Net's own final vision ConvNet map (after its ReLU), per cell, as the heatmap's cells. No training: each seed's AVOL-Net
of a three-seed demo folder, on the 1,000-clip shifted *validation* set of `avol_levers.py` (the shifted generator with
generator seed 2; the shifted *test* set is seed 1, never used here), scored as the report scores localization
(`localization_scores`: the frames of `database_frames(cache, 0)`, both rules, the centre Gaussian and the best box of the
folder's own training scenes), for α from 1 (AVOL-Net's own map, which equals `avol_levers.py`'s demo rows) to 0
(objectness alone). A row gives pointing, cIoU and AUC under both rules, and the paired difference of median-rule cIoU to
the stronger fixed baseline with its 95 % bootstrap interval over the frames (`paired_differences`, 2,000 resamples).

usage: python .ci/experiments/object_guidance.py DEMO_FOLDER WORK_FOLDER OUT.json
       (WORK_FOLDER as `avol_levers.py`'s: its shifted validation set is made there once, about 10 minutes, then reused;
       about 4 minutes on the 2-core machine once it is there)"""
import json, sys, time
from pathlib import Path
import torch
from objects_that_sound.apps.demo import reference_speed
from objects_that_sound.evaluate.annotations import read_synth
from objects_that_sound.evaluate.baselines import best_box, localization_scores, paired_differences
from objects_that_sound.evaluate.localization import avol_heatmaps
from objects_that_sound.evaluate.localization_metrics import summarise_scores
from objects_that_sound.evaluate.retrieval import database_frames, frame_inputs
from objects_that_sound.models.checkpoints import TrainedRun
sys.path.insert(0, str(Path(__file__).parent))
from avol_levers import VALID_CLIPS, BASELINES
from training_scenes import shifted_validation_cache

ALPHAS = (1.0, 0.9, 0.8, 0.7, 0.6, 0.4, 0.0)

def min_max(maps: torch.Tensor) -> torch.Tensor:
    "Each map of (N, h, w) scaled to [0, 1]."
    low = maps.amin(dim=(1, 2), keepdim=True)
    return (maps - low) / (maps.amax(dim=(1, 2), keepdim=True) - low).clamp_min(1e-12)

@torch.inference_mode()
def objectness(network, cache, frame_index, image_size: int, bs: int = 64) -> torch.Tensor:
    "The channel mean of the vision ConvNet's final map for each clip's chosen frame, (N, h, w): the heatmap's cells."
    maps = []
    for first in range(0, len(cache), bs):
        images = frame_inputs(cache, list(range(first, min(first + bs, len(cache)))), frame_index, image_size)  # (B, 3, S, S)
        maps.append(network.vision_convnet(images).mean(dim=1))  # (B, C, h, w) → (B, h, w)
    return torch.cat(maps)

if __name__ == '__main__':
    torch.set_num_threads(2)
    demo, work, out = Path(sys.argv[1]), Path(sys.argv[2]), Path(sys.argv[3])
    cache, speed_before = shifted_validation_cache(work, clips=VALID_CLIPS), reference_speed()
    train_annotations = read_synth(demo/'synth_instruments', split='train')
    train_box = best_box(train_annotations)[0]
    frame_index, frame_time = database_frames(cache, 0)
    annotations = read_synth(work/'shifted_valid', frame={cache.clip_ids[c]: int(cache.frame_numbers(c)[frame_index[c]]) for c in range(len(cache))})
    rows, started = [], time.time()
    for seed in sorted(int(p.name.split('_')[1]) for p in demo.glob('seed_*')):
        trained = TrainedRun.load(demo/f'seed_{seed}'/'avol_net')
        network = trained.network.eval()
        heatmaps = min_max(avol_heatmaps(network, cache, frame_index, frame_time, image_size=trained.image_size, device='cpu'))  # (N, h, w)
        objects = min_max(objectness(network, cache, frame_index, trained.image_size))  # (N, h, w)
        for alpha in ALPHAS:
            mixed = alpha * heatmaps + (1 - alpha) * objects
            by_id = {clip_id: mixed[c].numpy() for c, clip_id in enumerate(cache.clip_ids) if clip_id in annotations}
            scores, _ = localization_scores(by_id, annotations, train_annotations, 'mixed', 0, train_box=train_box)
            summary = {row: summarise_scores(scores[row]) for row in ('mixed', *BASELINES)}
            strongest = max(BASELINES, key=lambda b: summary[b]['median']['cIoU'])
            gap = paired_differences({row: scores[row] for row in ('mixed', *BASELINES)}, 'mixed')[strongest]['cIoU (median)']
            r = lambda x: round(float(x), 4)
            rows.append(dict(seed=seed, alpha=alpha, frames=summary['mixed']['n'], pointing=r(summary['mixed']['pointing']),
                             ciou_median=r(summary['mixed']['median']['cIoU']), auc_median=r(summary['mixed']['median']['AUC']),
                             ciou_box_area=r(summary['mixed']['box area']['cIoU']), auc_box_area=r(summary['mixed']['box area']['AUC']),
                             gap_to_strongest=dict(baseline=strongest, difference=r(gap['difference']), interval_95=[r(gap['low']), r(gap['high'])])))
            print(json.dumps(rows[-1]), flush=True)
    # the fixed baselines score the same on every seed and α: the same frames, the same maps
    baselines = {b: {k: round(float(v), 4) for k, v in dict(pointing=summary[b]['pointing'], ciou_median=summary[b]['median']['cIoU'],
                 auc_median=summary[b]['median']['AUC'], ciou_box_area=summary[b]['box area']['cIoU'], auc_box_area=summary[b]['box area']['AUC']).items()}
                 for b in BASELINES}
    out.write_text(json.dumps(dict(
        what='AVOL-Net mixed with an objectness map (EZ-VSL object guidance, the network\'s own vision features), alpha·AV + (1 − alpha)·objectness, '
             f'on the shifted validation set (generator seed 2, {VALID_CLIPS} clips), scored as the report scores localization',
        command=f'python .ci/experiments/object_guidance.py {demo} {work} {out}', folder=str(demo), minutes=round((time.time() - started) / 60, 1),
        machine='2-core development CPU, no GPU', reference_speed=[speed_before, reference_speed()],
        validation_baselines=baselines, rows=rows), indent=1))
