"Data: AudioSet segment lists and ontology, downloading, your own videos, reading clips, the training cache, AVC sampling and augmentation."
