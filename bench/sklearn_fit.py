#!/usr/bin/python3
"""scikit-learn's side of bench/tree_fit: fits DecisionTreeClassifier on the
credit-card training split when asked, so both libraries are timed in the
same run, round by round.

    /usr/bin/python3 sklearn_fit.py DATA.csv

Loads DATA.csv (header Num_Children,Group,Income,Own_Car,Own_Housing,Target),
splits it with train_test_split(train_size=0.8, random_state=0) and casts the
features to float32 once (so fit() times the tree, not the conversion), then
prints "ready" and answers one command per stdin line:

    fit MODEL MAX_DEPTH   fit MODEL ("baseline" or "unaware"; MAX_DEPTH an
                          integer or "none"), random_state=0; prints the fit's
                          wall time in milliseconds
    dump                  prints the last fitted tree as one JSON line
                          (tree_ arrays, thresholds as repr strings)
    quit                  exits

Exit code 77 when scikit-learn is not importable.
"""

import json
import sys
import time

try:
    import numpy as np
    from sklearn.model_selection import train_test_split
    from sklearn.tree import DecisionTreeClassifier
except ImportError as e:
    print(f"SKIPPED: scikit-learn/numpy not importable by {sys.executable} ({e})", flush=True)
    sys.exit(77)

FEATURES = {
    "baseline": ["Num_Children", "Group", "Income", "Own_Car", "Own_Housing"],
    "unaware": ["Num_Children", "Income", "Own_Car", "Own_Housing"],
}


def load(path):
    with open(path) as f:
        header = f.readline().strip().split(",")
    data = np.loadtxt(path, delimiter=",", skiprows=1, dtype=np.int64)
    return header, data


def main():
    header, data = load(sys.argv[1])
    y = data[:, header.index("Target")]
    rows = np.arange(len(y))
    train_rows, _ = train_test_split(rows, train_size=0.8, random_state=0)
    x_train = {
        name: np.ascontiguousarray(
            data[train_rows][:, [header.index(c) for c in cols]].astype(np.float32))
        for name, cols in FEATURES.items()
    }
    y_train = y[train_rows]
    print("ready", flush=True)
    last = None
    for line in sys.stdin:
        words = line.split()
        if not words:
            continue
        if words[0] == "fit":
            depth = None if words[2] == "none" else int(words[2])
            clf = DecisionTreeClassifier(max_depth=depth, random_state=0)
            start = time.perf_counter()
            clf.fit(x_train[words[1]], y_train)
            elapsed = time.perf_counter() - start
            last = clf
            print(f"{elapsed * 1000:.3f}", flush=True)
        elif words[0] == "dump":
            t = last.tree_
            print(json.dumps({
                "children_left": t.children_left.tolist(),
                "children_right": t.children_right.tolist(),
                "feature": t.feature.tolist(),
                "threshold": [repr(float(v)) for v in t.threshold],
                "value": t.value.reshape(t.node_count, -1).tolist(),
            }), flush=True)
        elif words[0] == "quit":
            return


if __name__ == "__main__":
    main()
