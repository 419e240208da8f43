"Models: the audio front end, the shared ConvNet body, AVE-Net / L³-Net / AVOL-Net, transfer between them."
