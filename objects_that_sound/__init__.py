__version__ = "0.1.0"

import warnings
# fastai 2.8 compiles its activations with `torch.jit.script` when imported, which torch >= 2.10 calls deprecated:
# nothing a user of this library can act on, so that one warning is not shown (every other warning is).
warnings.filterwarnings('ignore', message='`torch.jit.script` is deprecated', category=FutureWarning)
