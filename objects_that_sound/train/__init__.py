"Training on audio-visual correspondence with fastai's `Learner`: the objectives, runs on a cache, several processes."
