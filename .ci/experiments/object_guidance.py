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

A second family asks whether the median rule only punishes a peaky map: AVOL-Net's own map smoothed on its cells with a
Gaussian of σ cells (edges replicated) before it is placed on the frame, σ from 0.5 to 3, scored the same way.

usage: python .ci/experiments/object_guidance.py DEMO_FOLDER WORK_FOLDER OUT.json
       (WORK_FOLDER as `avol_levers.py`'s: its shifted validation set is made there once, about 10 minutes, then reused;
       about 5 minutes on the 2-core machine once it is there)"""
import json, sys, time
from pathlib import Path
import torch, torch.nn.functional as F
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
SIGMAS = (0.5, 1.0, 1.5, 2.0, 3.0)  # in heatmap cells

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

def smoothed(maps: torch.Tensor, sigma: float) -> torch.Tensor:
    "Each map of (N, h, w) convolved with a normalised Gaussian of `sigma` cells, rows then columns, edges replicated."
    radius = int(3 * sigma + 0.5)
    kernel = torch.exp(-torch.arange(-radius, radius + 1, dtype=maps.dtype) ** 2 / (2 * sigma ** 2))
    kernel = kernel / kernel.sum()
    maps = F.pad(maps[:, None], (radius, radius, 0, 0), mode='replicate')  # (N, 1, h, w + 2r)
    maps = F.conv2d(maps, kernel.view(1, 1, 1, -1))  # (N, 1, h, w)
    maps = F.pad(maps, (0, 0, radius, radius), mode='replicate')  # (N, 1, h + 2r, w)
    return F.conv2d(maps, kernel.view(1, 1, -1, 1))[:, 0]  # (N, h, w)

if __name__ == '__main__':
    torch.set_num_threads(2)
    demo, work, out = Path(sys.argv[1]), Path(sys.argv[2]), Path(sys.argv[3])
    cache, speed_before = shifted_validation_cache(work, clips=VALID_CLIPS), reference_speed()
    train_annotations = read_synth(demo/'synth_instruments', split='train')
    train_box = best_box(train_annotations)[0]
    frame_index, frame_time = database_frames(cache, 0)
    annotations = read_synth(work/'shifted_valid', frame={cache.clip_ids[c]: int(cache.frame_numbers(c)[frame_index[c]]) for c in range(len(cache))})
    fixed = {}  # the fixed baselines' summaries: the same on every seed and variant (the same frames, the same maps)
    def scored(maps: torch.Tensor, **variant) -> dict:
        "One row: `maps` (N, h, w) scored as the report scores localization, with the gap to the stronger fixed baseline."
        by_id = {clip_id: maps[c].numpy() for c, clip_id in enumerate(cache.clip_ids) if clip_id in annotations}
        scores, _ = localization_scores(by_id, annotations, train_annotations, 'mixed', 0, train_box=train_box)
        summary = {row: summarise_scores(scores[row]) for row in ('mixed', *BASELINES)}
        fixed.update({b: summary[b] for b in BASELINES})
        strongest = max(BASELINES, key=lambda b: summary[b]['median']['cIoU'])
        gap = paired_differences({row: scores[row] for row in ('mixed', *BASELINES)}, 'mixed')[strongest]['cIoU (median)']
        r = lambda x: round(float(x), 4)
        row = dict(**variant, frames=summary['mixed']['n'], pointing=r(summary['mixed']['pointing']),
                   ciou_median=r(summary['mixed']['median']['cIoU']), auc_median=r(summary['mixed']['median']['AUC']),
                   ciou_box_area=r(summary['mixed']['box area']['cIoU']), auc_box_area=r(summary['mixed']['box area']['AUC']),
                   gap_to_strongest=dict(baseline=strongest, difference=r(gap['difference']), interval_95=[r(gap['low']), r(gap['high'])]))
        print(json.dumps(row), flush=True)
        return row

    rows, smoothing_rows, started = [], [], time.time()
    for seed in sorted(int(p.name.split('_')[1]) for p in demo.glob('seed_*')):
        trained = TrainedRun.load(demo/f'seed_{seed}'/'avol_net')
        network = trained.network.eval()
        own_maps = avol_heatmaps(network, cache, frame_index, frame_time, image_size=trained.image_size, device='cpu')  # (N, h, w)
        heatmaps, objects = min_max(own_maps), min_max(objectness(network, cache, frame_index, trained.image_size))  # (N, h, w) each
        rows += [scored(alpha * heatmaps + (1 - alpha) * objects, seed=seed, alpha=alpha) for alpha in ALPHAS]
        smoothing_rows += [scored(min_max(smoothed(own_maps, sigma)), seed=seed, sigma=sigma) for sigma in SIGMAS]
    baselines = {b: {k: round(float(v), 4) for k, v in dict(pointing=s['pointing'], ciou_median=s['median']['cIoU'], auc_median=s['median']['AUC'],
                                                           ciou_box_area=s['box area']['cIoU'], auc_box_area=s['box area']['AUC']).items()}
                 for b, s in fixed.items()}
    out.write_text(json.dumps(dict(
        what='AVOL-Net mixed with an objectness map (EZ-VSL object guidance, the network\'s own vision features), alpha·AV + (1 − alpha)·objectness (rows), '
             'and AVOL-Net\'s own map smoothed on its cells by a Gaussian of sigma cells (smoothing_rows), '
             f'on the shifted validation set (generator seed 2, {VALID_CLIPS} clips), scored as the report scores localization',
        command=f'python .ci/experiments/object_guidance.py {demo} {work} {out}', folder=str(demo), minutes=round((time.time() - started) / 60, 1),
        machine='2-core development CPU, no GPU', reference_speed=[speed_before, reference_speed()],
        validation_baselines=baselines, rows=rows, smoothing_rows=smoothing_rows), indent=1))
