"""Extrinsic evaluation of projection: train on projected data, score on target gold
(:mod:`core.extrinsic.pipeline`), the MAFAND/MasakhaNER2 leakage check
(:mod:`core.extrinsic.leakage`) and the human translate-test (:mod:`core.extrinsic.human_tt`)."""
