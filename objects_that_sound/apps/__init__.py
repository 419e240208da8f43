"Applications: the console scripts, the demo, querying a trained network, the explorer."
