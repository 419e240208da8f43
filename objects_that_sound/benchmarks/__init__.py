"Benchmarks: feeding the networks, training speed, retrieval at scale."
