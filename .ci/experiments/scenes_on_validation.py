"""How many training scenes, chosen on validation data: each seed's networks of two or more three-seed demo folders (e.g. the
demo on 5,000 scenes and on 10,000, both 14 epochs) measured on the shifted validation set — the shifted generator with
generator seed 2, 320 clips of 2 s, made and cached by `training_scenes.py`'s `shifted_validation_cache` (the shifted *test*
set is seed 1) — AVE-Net's and AVOL-Net's AVC accuracy, ROC AUC and audio→image P@1 as `avc_evaluation` measures them, and
AVOL-Net's localization as the demo's report scores it (`synth_localization`: both rules, the baselines, the best box of the
folder's own training scenes), with the places where it falls below a baseline.

usage: python .ci/experiments/scenes_on_validation.py WORK_FOLDER OUT.json NAME=DEMO_FOLDER [NAME=DEMO_FOLDER ...]
       (about a minute a folder on the 2-core machine, once the validation set is made: half a minute more)"""
import json, sys
from pathlib import Path
import torch
from objects_that_sound.apps.demo import below_baselines
from objects_that_sound.evaluate.avc import avc_evaluation
from objects_that_sound.evaluate.baselines import table_to_rows
from objects_that_sound.evaluate.localization import synth_localization
from objects_that_sound.models.checkpoints import TrainedRun
sys.path.insert(0, str(Path(__file__).parent))
from training_scenes import shifted_validation_cache

def localization_row(folder: Path, seed: str, work: Path, cache) -> dict:
    "AVOL-Net's localization on the shifted validation set: the all-frames row's numbers and every place below a baseline."
    trained = TrainedRun.load(folder/seed/'avol_net')
    tables = synth_localization(trained.network, cache, work/'shifted_valid', 0, trained.image_size, 'cpu', folder/'synth_instruments')
    rows = {table: table_to_rows(t) for table, t in tables.items()}
    mine = rows['all frames']['AVOLNet']
    return dict(pointing=round(mine['pointing'], 3), ciou_box_area=round(mine['box area']['cIoU'], 3), ciou_median=round(mine['median']['cIoU'], 3),
                centre_ciou_median=round(rows['all frames']['centre Gaussian']['median']['cIoU'], 3), below_baselines=below_baselines(rows, 'AVOLNet'))

if __name__ == '__main__':
    torch.set_num_threads(2)
    work, out, folders = Path(sys.argv[1]), Path(sys.argv[2]), dict(arg.split('=', 1) for arg in sys.argv[3:])
    cache, rows = shifted_validation_cache(work), []
    for name, folder in folders.items():
        for seed in sorted(p.name for p in Path(folder).glob('seed_*')):
            for network in ('ave_net', 'avol_net'):
                measured = avc_evaluation(TrainedRun.load(Path(folder)/seed/network), cache)
                row = dict(demo=name, seed=int(seed.split('_')[1]), network=network, **{k: round(measured[k], 3) for k in ('avc_accuracy', 'roc_auc', 'a2i_p1')})
                if network == 'avol_net': row |= localization_row(Path(folder), seed, work, cache)
                rows.append(row)
                print({k: (len(v) if k == 'below_baselines' else v) for k, v in row.items()}, flush=True)
    out.write_text(json.dumps(dict(what="each demo seed's networks on the shifted validation set (shifted generator, generator seed 2, 320 clips of 2 s)",
                                   folders=folders, rows=rows), indent=1, ensure_ascii=False))
