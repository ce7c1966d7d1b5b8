#!/usr/bin/env python3
"""Writes sklearn_cases.json: classification metrics computed by scikit-learn for ClassificationReportTests.

Run from this directory: `python3 make_fixtures.py` (pip: scikit-learn, numpy). Deterministic (seeded).

Each case holds label names, true and predicted class indices, and scikit-learn's answers:
- "all_labels": with labels=range(len(labels)), zero_division=0 (the report over every label);
- "observed": with labels not passed (scikit-learn averages over unique_labels(y_true, y_pred)), which is
  what ConfusionMatrix.droppingUnobservedClasses() reproduces.
"""
import json
import warnings

import numpy as np
import sklearn
from sklearn.metrics import accuracy_score, confusion_matrix, precision_recall_fscore_support


def answers(y_true, y_pred, labels):
    out = {"accuracy": accuracy_score(y_true, y_pred)}
    if labels is None:
        labels = sorted(set(y_true) | set(y_pred))
    out["labels"] = [int(x) for x in labels]
    out["confusion"] = confusion_matrix(y_true, y_pred, labels=labels).tolist()
    p, r, f, s = precision_recall_fscore_support(y_true, y_pred, labels=labels, zero_division=0)
    out["precision"], out["recall"], out["f1"] = p.tolist(), r.tolist(), f.tolist()
    out["support"] = [int(x) for x in s]
    for average in ("macro", "weighted"):
        p, r, f, _ = precision_recall_fscore_support(
            y_true, y_pred, labels=labels, average=average, zero_division=0)
        out[average] = {"precision": float(p), "recall": float(r), "f1": float(f)}
    return out


def case(name, labels, y_true, y_pred):
    y_true, y_pred = [int(x) for x in y_true], [int(x) for x in y_pred]
    return {
        "name": name,
        "labels": labels,
        "truth": y_true,
        "predicted": y_pred,
        "all_labels": answers(y_true, y_pred, list(range(len(labels)))),
        "observed": answers(y_true, y_pred, None),
    }


def noisy(rng, n, classes, accuracy, present):
    """n samples of the classes in `present`, each predicted right with probability `accuracy`, else at random
    over all classes (so absent classes can still be predicted)."""
    y_true = rng.choice(present, size=n)
    wrong = rng.integers(0, classes, size=n)
    y_pred = np.where(rng.random(n) < accuracy, y_true, wrong)
    return y_true, y_pred


def main():
    # The one-class case is deliberate; scikit-learn warns that its matrix is 1x1.
    warnings.filterwarnings("ignore", message="A single label was found")
    rng = np.random.default_rng(20261129)
    words = ["zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine",
             "yes", "no", "up", "down", "left", "right", "on", "off", "stop", "go"]
    cases = [
        case("three classes", ["cat", "dog", "bird"], [0, 0, 0, 1, 1, 2, 2, 2, 2], [0, 1, 0, 1, 2, 2, 2, 0, 2]),
        case("a class never predicted", ["a", "b", "c"], [0, 1, 2, 2, 1, 0], [0, 1, 1, 0, 1, 0]),
        case("a class never present but predicted", ["a", "b", "c", "d"], [0, 1, 2, 0, 1, 2], [0, 3, 2, 3, 1, 2]),
        case("a class neither present nor predicted", ["a", "b", "c", "d"], [0, 1, 2, 0, 1], [0, 1, 2, 1, 1]),
        case("perfect", ["x", "y"], [0, 1, 1, 0, 1], [0, 1, 1, 0, 1]),
        case("all wrong", ["x", "y", "z"], [0, 1, 2, 0], [1, 2, 0, 2]),
        case("one class", ["only"], [0, 0, 0], [0, 0, 0]),
    ]
    y_true, y_pred = noisy(rng, 400, 20, 0.85, list(range(20)))
    cases.append(case("twenty words, 85% right", words, y_true, y_pred))
    y_true, y_pred = noisy(rng, 150, 20, 0.6, [0, 3, 5, 7, 11, 12, 19])
    cases.append(case("seven of twenty words present, 60% right", words, y_true, y_pred))
    document = {"sklearn": sklearn.__version__, "cases": cases}
    with open("sklearn_cases.json", "w") as f:
        json.dump(document, f, separators=(",", ":"))
        f.write("\n")


if __name__ == "__main__":
    main()
