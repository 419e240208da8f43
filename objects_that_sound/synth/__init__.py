"SynthInstruments: generated scenes of instruments whose sound and place are known."
