"""The contrastive loss an AVOL-Net (and the AVE-Net itself) starts at when warm-started from a demo folder's seed-0 AVE-Net,
before any training step and before `fit_contrastive_scale`: one training batch of 128 corresponding pairs, eval mode,
temperature 0.1, with the spread of the scores and the embeddings' norms.

usage: python .ci/experiments/avol_warm_start_loss.py DEMO_FOLDER...   (each a folder `ots_demo` trained)"""
import torch, sys
from objects_that_sound.apps.demo import demo_presets
from objects_that_sound.data.clip_cache import ClipCache
from objects_that_sound.models.networks import make_network
from objects_that_sound.models.transfer import transfer_state
from objects_that_sound.models.checkpoints import model_state
from objects_that_sound.train.learner import ContrastiveLoss
from objects_that_sound.data.sampling import avc_dataloaders
torch.manual_seed(0)
p = demo_presets('cpu')['avol']
for demo in sys.argv[1:]:
    cache = ClipCache(f'{demo}/cache/train')
    dls = avc_dataloaders(cache, 0.1, bs=128, size=96, resize=108, n_train=128, n_valid=128, seed=0, num_workers=0, train_positive_fraction=1.0)
    image, wave, labels = (torch.Tensor(t).as_subclass(torch.Tensor) for t in dls.train.one_batch())
    for name in ('ave', 'avol'):
        net = make_network(name, 0.25, 8000, vision_stride=8).listen_at(cache.sample_rate)
        transfer_state(model_state(f'{demo}/seed_0/ave_net/models/final.pth'), net); net.eval()
        with torch.no_grad():
            v, a = net(image, wave)
            s = net.score_matrix(v, a).float()
            loss = ContrastiveLoss(net, 0.1)((v, a), labels)
        diag = s.diag(); off = s[~torch.eye(len(s), dtype=bool)]
        extra = f' |v| {v.flatten(2).norm(dim=1).mean():.2f} |a| {a.norm(dim=1).mean():.2f} conv7 {float(net.conv7.weight):.3f}' if name == 'avol' else f' fc3 {net.fc3.weight.flatten().tolist()} {net.fc3.bias.tolist()}'
        print(demo, name, f'loss {loss:.3f} diag {diag.mean():.2f}±{diag.std():.2f} off {off.mean():.2f}±{off.std():.2f}' + extra)
