"""Host work per batch of the training loader with a null model: the main process's CPU time per batch (time.process_time,
the workers excluded), wall time per batch, and the bytes of a batch as the workers hand it over. Works with the layout
before the move (objects_that_sound.sampling) and after (objects_that_sound.data.sampling).
usage: python host_bench.py WORK_FOLDER [BATCHES] [crop_on_device]"""
import sys, time, json
from pathlib import Path
import torch
try:
    from objects_that_sound.data.sampling import avc_dataloaders
    from objects_that_sound.data.cache import prepare_cache
    from objects_that_sound.data.cache_format import CacheSettings
    from objects_that_sound.data.clip_cache import ClipCache
    from objects_that_sound.synth.instruments import synth_instruments
    from objects_that_sound.synth.scenes import SynthConfig
    layout = 'after'
except ImportError:
    from objects_that_sound.sampling import avc_dataloaders
    from objects_that_sound.cache import prepare_cache, CacheSettings
    from objects_that_sound.clip_cache import ClipCache
    from objects_that_sound.synth import synth_instruments
    from objects_that_sound.synth_scenes import SynthConfig
    layout = 'before'
work, batches = Path(sys.argv[1]), int(sys.argv[2]) if len(sys.argv) > 2 else 12
on_device = len(sys.argv) > 3 and sys.argv[3] == 'crop_on_device'  # the data flow of a GPU run: crop and decoding in the main process's transforms
if not (work/'cache'/'cache.json').exists():
    synth_instruments(work/'synth', n_clips=64, seed=0, config=SynthConfig(duration=2.0, width=256, height=256, eval_fraction=0.0), n_workers=0, progress=False)
    prepare_cache(work/'synth'/'balanced_train_segments.csv', work/'synth'/'videos', work/'cache', CacheSettings(frame_size=256, frame_step=0.25))
cache = ClipCache(work/'cache')
dls = avc_dataloaders(cache, 0.0, bs=128, size=224, resize=256, n_train=128 * (batches + 2), num_workers=2, device='cpu')
dl = dls.train
if on_device: dl.crop_on_device = True
dl.before_iter()
handed = sum(t.numel() * t.element_size() for i in range(128) for t in dl.create_item(i) if isinstance(t, torch.Tensor))  # a batch as the workers hand it over
it = iter(dl); next(it)  # workers started, first batch out of the way
cpu, wall = time.process_time(), time.perf_counter()
for _ in range(batches): next(it)
cpu, wall = (time.process_time() - cpu) / batches, (time.perf_counter() - wall) / batches
print(json.dumps(dict(layout=layout, crop_on_device=on_device, batch=128, frame=224, cached=256, main_cpu_ms_per_batch=round(cpu * 1e3, 1), wall_ms_per_batch=round(wall * 1e3, 1),
                      handed_over_MB=round(handed / 1e6, 2), torch_threads=torch.get_num_threads())))
