"""The course's assignments, in order: one line each, from which every part of an assignment is found.

An assignment's parts sit under its topic's name, one file in each of three folders:
autograder/reference/<topic>.py (the reference solutions), autograder/probes/<topic>.py (the
grader's probes: `probes(rng)`), autograder/mistakes/<topic>.py (the catalogue of typical
mistakes); its notebooks are source/<id>/<id>.ipynb and release/<id>/<id>.ipynb.
tests/test_assignments.py fails when one of them is missing.
"""
from dataclasses import dataclass


@dataclass(frozen=True)
class Assignment:
    """One assignment: its id (its notebook's name) and its topic (its modules' name)."""
    id: str
    topic: str


REGISTRY = (
    Assignment("01_perceptron_xor", "perceptron"),
    Assignment("02_computational_graphs", "graphs"),
    Assignment("03_sigmoid_gates", "sigmoid"),
    Assignment("04_pooling_backprop", "pooling"),
    Assignment("05_conv_backprop", "conv"),
    Assignment("06_train_a_cnn", "cnn"),
)
IDS = tuple(a.id for a in REGISTRY)
