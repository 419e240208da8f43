"""AVOL-Net's own levers against its median-rule shortfall on the shifted clips, chosen on validation data only. For each
training seed of a three-seed demo folder, AVOL-Net is trained again from that seed's AVE-Net exactly as the demo trains it
(`demo_presets('cpu')['avol']`, the same training cache, warm start and seed), with one field of its preset changed, and
measured on a larger shifted *validation* set — the shifted generator with generator seed 2, VALID_CLIPS clips of 2 s (the
shifted *test* set is seed 1, never used here) — as the demo's report scores localization (`synth_localization`: both rules,
the baselines, the best box of the folder's own training scenes), beside the demo's own AVOL-Net of that seed on the same
clips. A row gives, per seed, AVC accuracy / ROC AUC as `avc_evaluation` measures them, pointing, cIoU and AUC under the
median rule, the centre Gaussian's and best box's, the paired difference to the strongest of them with its 95 % bootstrap
interval over the frames (`paired_differences`), and every place below a baseline.

usage: python .ci/experiments/avol_levers.py DEMO_FOLDER WORK_FOLDER VARIANT...
       VARIANT: demo (the folder's own AVOL-Nets) or FIELD:VALUE (a `TrainingPreset` field of AVOL-Net's preset), e.g.
       demo temperature:0.2 lr:0.0003 frequency_warp:1.5; --seeds=0,1 for fewer seeds; --tiny for a check at toy size
       (about 3 minutes a seed and variant on the 2-core machine, once the validation set is made: about 10 minutes)
Writes WORK_FOLDER/avol_levers.json (one row per variant and seed, kept across calls)."""
import dataclasses, json, sys, time
from pathlib import Path
import torch
from objects_that_sound.apps.demo import below_baselines, demo_presets
from objects_that_sound.data.clip_cache import ClipCache
from objects_that_sound.evaluate.avc import avc_evaluation
from objects_that_sound.evaluate.baselines import table_to_rows
from objects_that_sound.evaluate.localization import synth_localization
from objects_that_sound.models.checkpoints import TrainedRun
from objects_that_sound.train.runs import train_on_cache
sys.path.insert(0, str(Path(__file__).parent))
from training_scenes import shifted_validation_cache

VALID_CLIPS, BASELINES = 1000, ('centre Gaussian', 'best box (train)')

def localization(run: Path, cache: ClipCache, valid: Path, demo: Path) -> dict:
    "Median-rule numbers of the run's AVOL-Net and the baselines on the validation frames, all frames (the report's `synth_localization`)."
    trained = TrainedRun.load(run)
    table = synth_localization(trained.network, cache, valid, 0, trained.image_size, 'cpu', demo/'synth_instruments')['all frames']
    rows, differences = table_to_rows(table), table.attrs['differences']
    strongest = max(BASELINES, key=lambda b: rows[b]['median']['cIoU'])
    gap = differences[strongest]['cIoU (median)']
    r = lambda x: round(float(x), 4)
    return dict(frames=rows['AVOLNet']['n'], pointing=r(rows['AVOLNet']['pointing']),
                ciou_median=r(rows['AVOLNet']['median']['cIoU']), auc_median=r(rows['AVOLNet']['median']['AUC']),
                ciou_box_area=r(rows['AVOLNet']['box area']['cIoU']),
                **{f"{b.split()[0]}_ciou_median": r(rows[b]['median']['cIoU']) for b in BASELINES},
                **{f"{b.split()[0]}_auc_median": r(rows[b]['median']['AUC']) for b in BASELINES},
                gap_to_strongest=dict(baseline=strongest, difference=r(gap['difference']), interval_95=[r(gap['low']), r(gap['high'])]),
                below_baselines=below_baselines({'all frames': rows}, 'AVOLNet', {'all frames': differences}))

if __name__ == '__main__':
    torch.set_num_threads(2)
    args = [a for a in sys.argv[1:] if not a.startswith('--')]
    options = dict(a[2:].split('=', 1) if '=' in a else (a[2:], '1') for a in sys.argv[1:] if a.startswith('--'))
    demo, work, variants = Path(args[0]), Path(args[1]), args[2:]
    tiny = 'tiny' in options
    cache = shifted_validation_cache(work, clips=24 if tiny else VALID_CLIPS)
    seeds = sorted(int(p.name.split('_')[1]) for p in demo.glob('seed_*'))
    if 'seeds' in options: seeds = [int(s) for s in options['seeds'].split(',')]
    results_file = work/'avol_levers.json'
    results = json.loads(results_file.read_text()) if results_file.exists() else {}
    for variant in variants:
        for seed in seeds:
            key = f'{variant} seed {seed}'
            if key in results: print(key, 'measured already', flush=True); continue
            started = time.time()
            if variant == 'demo': run = demo/f'seed_{seed}'/'avol_net'
            else:
                field, value = variant.split(':', 1)
                preset = demo_presets('cpu')['avol']
                preset = dataclasses.replace(preset, **{field: type(getattr(preset, field))(value)})  # checked as any preset is
                if tiny: preset = dataclasses.replace(preset, epochs=1, pairs_per_epoch=256, valid_pairs=64)
                run = work/f'avol_{variant.replace(":", "_")}'/f'seed_{seed}'
                train_on_cache(ClipCache(demo/'cache'/'train'), run, 0.1, preset, warm_start=demo/f'seed_{seed}'/'ave_net'/'models'/'final.pth',
                               workers=2, seed=seed, progress=False)
            measured = avc_evaluation(TrainedRun.load(run), cache)
            results[key] = dict(variant=variant, seed=seed, minutes=round((time.time() - started) / 60, 1),
                                avc_accuracy=round(measured['avc_accuracy'], 4), roc_auc=round(measured['roc_auc'], 4),
                                **localization(run, cache, work/'shifted_valid', demo))
            print(key, json.dumps(results[key]), flush=True)
            results_file.write_text(json.dumps(results, indent=1))
