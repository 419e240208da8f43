"Evaluation: retrieval and localization metrics, annotations, baselines, and the report of a trained run."
