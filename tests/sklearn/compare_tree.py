#!/usr/bin/python3
"""Checks sluice's decision tree (src/ml/tree.h) against scikit-learn, exactly.

    /usr/bin/python3 compare_tree.py PATH/TO/sluice_tree_driver [--seed N] [--datasets N]

Generates a fixed, seeded set of small datasets (ties, constant and duplicated
columns, 1-3 classes with labels such as {-1, 2}) plus one 50,000-row dataset,
fits DecisionTreeClassifier and sluice_tree_driver on each with the same
options, and compares every tree_ array, classes_, feature_importances_,
predict_proba and predict with np.array_equal on float64: no tolerance.

Exit codes: 0 all equal; 1 a mismatch (the first one is printed with its
dataset and settings); 77 scikit-learn 1.2 is not importable (ctest shows the
test as skipped). The tree is specified against scikit-learn 1.2; 1.4 changed
the layout of tree_.value, so other versions are skipped rather than failed.

Temporary files go to a fresh directory under the system temp dir and are
removed afterwards.
"""

import argparse
import os
import struct
import subprocess
import sys
import tempfile
import time

SKIP = 77

try:
    import numpy as np
    import sklearn
    from sklearn.tree import DecisionTreeClassifier
except ImportError as e:
    print(f"SKIPPED: scikit-learn/numpy not importable by {sys.executable} ({e}); "
          "install Debian's python3-sklearn (scripts/install-deps --test)")
    sys.exit(SKIP)

if not sklearn.__version__.startswith("1.2."):
    print(f"SKIPPED: found scikit-learn {sklearn.__version__}; this check is written "
          "for scikit-learn 1.2 (Debian 12's python3-sklearn 1.2.1)")
    sys.exit(SKIP)

MAX_DEPTHS = [None, 1, 3, 5]
MIN_SAMPLES_LEAF = [1, 3, 7]
MIN_SAMPLES_SPLIT = [2, 10]
RANDOM_STATES = [0, 1, 7, 42, 12345, 2**31 - 1, 2**32 - 1]
LABEL_SETS = [[0, 1], [0, 1, 2], [-1, 2], [-1, 2, 7], [3, 5, 100], [5]]

# Order of the driver's output lines; each is compared with this sklearn value.
FIELDS = [
    ("children_left", lambda c: c.tree_.children_left),
    ("children_right", lambda c: c.tree_.children_right),
    ("feature", lambda c: c.tree_.feature),
    ("threshold", lambda c: c.tree_.threshold),
    ("impurity", lambda c: c.tree_.impurity),
    ("n_node_samples", lambda c: c.tree_.n_node_samples),
    ("weighted_n_node_samples", lambda c: c.tree_.weighted_n_node_samples),
    ("value", lambda c: c.tree_.value),
    ("classes", lambda c: c.classes_),
    ("feature_importances", lambda c: c.feature_importances_),
]


class Case:
    def __init__(self, name, X, y, Xt, max_depth, msl, mss, seed):
        self.name, self.X, self.y, self.Xt = name, X, y, Xt
        self.max_depth, self.msl, self.mss, self.seed = max_depth, msl, mss, seed

    def describe(self):
        n, f = self.X.shape
        return (f"{self.name}: rows={n} features={f} classes={sorted(set(self.y.tolist()))} "
                f"max_depth={self.max_depth} min_samples_leaf={self.msl} "
                f"min_samples_split={self.mss} random_state={self.seed}")


def make_features(rs, kind, n, f):
    """Training features of one kind; values are float32 as both sides fit on."""
    if kind == "gaussian":
        X = rs.randn(n, f)
    elif kind == "small_ints":  # many ties
        X = rs.randint(0, 4, size=(n, f)).astype(float)
    elif kind == "duplicated":  # every column is a copy of one of two base columns
        base = rs.randint(0, 5, size=(n, 2)).astype(float)
        X = base[:, rs.randint(0, 2, size=f)]
    elif kind == "constant":  # one constant column, first and last equal
        X = rs.randint(-2, 3, size=(n, f)).astype(float)
        X[:, rs.randint(0, f)] = 1.5
        if f > 1:
            X[:, 0] = X[:, -1]
    elif kind == "near_ties":  # distinct values closer than FEATURE_THRESHOLD (1e-7)
        # chain into one run; next to them, adjacent huge floats.
        levels = np.array([0.0, 3e-8, 6e-8, 9e-8, 1e-6, 1.05e-6, 2e-6, -4e-8,
                           1.0e30, np.nextafter(np.float32(1.0e30), np.float32(np.inf))],
                          dtype=np.float32)
        X = levels[rs.randint(0, len(levels), size=(n, f))].astype(float)
    elif kind == "all_constant":  # nothing to split on: a single leaf
        X = np.full((n, f), 3.25)
    elif kind == "mixed":  # coarse floats next to wide integers and halves
        X = np.column_stack([
            np.round(rs.randn(n) * 4) / 2,
            rs.randint(-1000, 1000, size=n).astype(float),
            rs.rand(n).astype(np.float32),
        ] + [rs.randint(0, 2, size=n).astype(float) for _ in range(max(0, f - 3))])[:, :f]
    else:
        raise ValueError(kind)
    return X.astype(np.float32)


def make_labels(rs, X, labels):
    """Half the datasets get pure noise, half labels that follow feature 0."""
    k = len(labels)
    if rs.rand() < 0.5:
        idx = rs.randint(0, k, size=X.shape[0])
    else:
        score = X[:, 0] + X[:, -1] * 0.5 + rs.randn(X.shape[0])
        cuts = np.quantile(score, np.linspace(0, 1, k + 1)[1:-1]) if k > 1 else []
        idx = np.searchsorted(cuts, score)
    return np.asarray(labels, dtype=np.int64)[idx]


def make_test(rs, X):
    """Training rows (hit every threshold's neighbourhood), shuffled columns of
    training values, and fresh values."""
    n, f = X.shape
    pick = rs.randint(0, n, size=min(n, 40))
    shuffled = np.column_stack([X[rs.randint(0, n, size=20), j] for j in range(f)])
    fresh = rs.randn(10, f) * np.maximum(1.0, np.abs(X).max(axis=0))
    return np.vstack([X[pick], shuffled, fresh]).astype(np.float32)


def small_cases(seed, count):
    rs = np.random.RandomState(seed)
    kinds = ["gaussian", "small_ints", "duplicated", "constant", "mixed", "small_ints",
             "near_ties"]
    settings = [(md, msl, mss) for md in MAX_DEPTHS for msl in MIN_SAMPLES_LEAF
                for mss in MIN_SAMPLES_SPLIT]
    for i in range(count):
        kind = "all_constant" if i % 50 == 49 else kinds[i % len(kinds)]
        n = int(rs.randint(5, 400))
        f = int(rs.randint(1, 7))
        labels = LABEL_SETS[-1] if i % 40 == 39 else LABEL_SETS[i % (len(LABEL_SETS) - 1)]
        X = make_features(rs, kind, n, f)
        y = make_labels(rs, X, labels)
        md, msl, mss = settings[i % len(settings)]
        yield Case(f"dataset {i} ({kind})", X, y, make_test(rs, X), md, msl, mss,
                   RANDOM_STATES[i % len(RANDOM_STATES)])


def large_cases(seed):
    rs = np.random.RandomState(seed + 1)
    n = 50_000
    X = np.column_stack([
        rs.randint(18, 80, size=n),            # age-like: heavy ties
        np.round(rs.lognormal(10, 1, size=n)),  # income-like: wide range
        rs.randint(0, 2, size=n),              # binary
        rs.randn(n),                           # continuous
        np.full(n, 7.0),                       # constant
    ]).astype(np.float32)
    X = np.column_stack([X, X[:, 0]])          # duplicate of the age column
    score = (X[:, 0] - 50) / 15 + np.log(X[:, 1]) - 10 + X[:, 2] + 0.5 * rs.randn(n)
    y = np.where(score > 0.3, 1, 0).astype(np.int64)
    Xt = make_test(rs, X)
    for md in (3, 8):
        yield Case(f"large dataset (50,000 rows)", X, y, Xt, md, 1, 2, 0)

    # Many classes over continuous features: nodes of thousands of rows with
    # more levels x classes than rows take the sorted (radix) path.
    n = 20_000
    X = np.column_stack([rs.randn(n), rs.randint(0, 50, size=n), rs.rand(n)]).astype(np.float32)
    y = (np.floor((X[:, 0] + 3) * 5) + X[:, 1] % 7 + rs.randint(0, 3, size=n)).astype(np.int64) * 3 - 40
    Xt = make_test(rs, X)
    yield Case("multi-class dataset (20,000 rows, ~45 classes)", X, y, Xt, None, 1, 2, 5)
    yield Case("multi-class dataset (20,000 rows, ~45 classes)", X, y, Xt, 10, 3, 2, 11)
    # Far more classes than rows per node.
    n = 4_000
    X = np.column_stack([rs.randn(n), rs.randint(0, 3, size=n)]).astype(np.float32)
    y = rs.randint(0, 1500, size=n).astype(np.int64)
    yield Case("many-class dataset (4,000 rows, ~1,400 classes)", X, y, make_test(rs, X), 6, 1, 2, 0)


def write_input(path, case):
    n, f = case.X.shape
    with open(path, "wb") as fh:
        fh.write(struct.pack("<5iI", n, f, -1 if case.max_depth is None else case.max_depth,
                             case.mss, case.msl, case.seed))
        fh.write(np.ascontiguousarray(case.X.T, dtype="<f4").tobytes())
        fh.write(np.ascontiguousarray(case.y, dtype="<i8").tobytes())
        fh.write(struct.pack("<i", case.Xt.shape[0]))
        fh.write(np.ascontiguousarray(case.Xt.T, dtype="<f4").tobytes())


def read_output(path):
    got = {}
    with open(path) as fh:
        for line in fh:
            name, *values = line.split()
            got[name] = np.array([float(v) for v in values], dtype=np.float64)
    return got


def first_difference(got, want):
    if got.shape != want.shape:
        return f"length {got.size} != sklearn's {want.size}"
    i = int(np.flatnonzero(~(got == want))[0])
    return f"element {i}: sluice {got[i]!r} != sklearn {want[i]!r}"


def check(driver, tmp, case):
    """Returns None when everything matches, else a description of the first mismatch."""
    in_path, out_path = os.path.join(tmp, "in.bin"), os.path.join(tmp, "out.txt")
    write_input(in_path, case)
    run = subprocess.run([driver, in_path, out_path], capture_output=True, text=True)
    if run.returncode != 0:
        return f"driver exited with {run.returncode}: {run.stderr.strip()}"
    got = read_output(out_path)

    clf = DecisionTreeClassifier(max_depth=case.max_depth, min_samples_leaf=case.msl,
                                 min_samples_split=case.mss, random_state=case.seed)
    clf.fit(case.X, case.y)
    want = [(name, value(clf)) for name, value in FIELDS]
    want.append(("predict_proba", clf.predict_proba(case.Xt)))
    want.append(("predict", clf.predict(case.Xt)))
    for name, value in want:
        expected = np.asarray(value, dtype=np.float64).reshape(-1)
        actual = got.get(name)
        if actual is None:
            return f"{name}: missing from driver output"
        if not np.array_equal(actual, expected):
            return f"{name}: {first_difference(actual, expected)}"
    return None


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("driver", help="path to sluice_tree_driver")
    parser.add_argument("--seed", type=int, default=20230, help="dataset generator seed")
    parser.add_argument("--datasets", type=int, default=150, help="number of small datasets")
    args = parser.parse_args()
    driver = os.path.abspath(args.driver)

    start = time.monotonic()
    cases = list(small_cases(args.seed, args.datasets)) + list(large_cases(args.seed))
    with tempfile.TemporaryDirectory(prefix="sluice-sklearn-tree-") as tmp:
        for case in cases:
            problem = check(driver, tmp, case)
            if problem is not None:
                print(f"MISMATCH in {case.describe()}\n  {problem}")
                print(f"  (reproduce: compare_tree.py DRIVER --seed {args.seed} "
                      f"--datasets {args.datasets})")
                return 1
    print(f"OK: {len(cases)} fits identical to scikit-learn {sklearn.__version__} "
          f"({time.monotonic() - start:.1f} s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
