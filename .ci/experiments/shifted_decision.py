"""How much of the shifted set's AVC accuracy the decision costs: the demo's networks (each seed's AVE-Net and AVOL-Net) on
the test and the shifted clips, AVC accuracy with the network's own decision (fitted on the training videos' validation
pairs, as the demo measures it) beside the accuracy of a decision refitted on the very pairs it is measured on — an
oracle, a bound and not a result, since it is chosen on the test pairs. Same pairs as the demo's report (avc_evaluation,
seed 1). If the oracle is no better, the networks' ranking (ROC AUC), not their threshold, is what the shift costs.

usage: python .ci/experiments/shifted_decision.py DEMO_FOLDER OUT.json   (DEMO_FOLDER: `ots_demo --seeds 3`'s folder)"""
import json, sys
from pathlib import Path
import numpy as np
import objects_that_sound.evaluate.avc as avc
from objects_that_sound.models.checkpoints import TrainedRun

captured = {}
_avc_metrics = avc.avc_metrics
def _capturing(scores, labels, decision=None, *args, **kwargs):
    captured['scores'], captured['labels'] = np.asarray(scores), np.asarray(labels)
    return _avc_metrics(scores, labels, decision, *args, **kwargs)
avc.avc_metrics = _capturing  # avc_evaluation scores the pairs and hands them here

if __name__ == '__main__':
    demo, out = sys.argv[1], sys.argv[2]
    rows = []
    for seed in sorted(int(folder.name.split('_')[1]) for folder in Path(demo).glob('seed_*')):
        for network in ('ave_net', 'avol_net'):
            for test_set in ('test', 'shifted'):
                own = avc.avc_evaluation(TrainedRun.load(f'{demo}/seed_{seed}/{network}'), f'{demo}/cache/{test_set}')
                oracle = _avc_metrics(captured['scores'], captured['labels'])  # the decision fitted on these pairs
                rows.append(dict(network=network, seed=seed, test_set=test_set, own_decision=round(own['avc_accuracy'], 3),
                                 refitted_on_these_pairs=round(oracle['avc_accuracy'], 3), roc_auc=round(own['roc_auc'], 3)))
                print(rows[-1], flush=True)
    json.dump(dict(what=__doc__.split('\n\n')[0].replace('\n', ' '), command='python .ci/experiments/shifted_decision.py runs/demo OUT.json',
                   rows=rows), open(out, 'w'), indent=1)
