#!/usr/bin/python3
"""Checks sluice against scikit-learn 1.2 on the credit-card demo's own data.

    /usr/bin/python3 compare_credit_card.py --driver PATH/TO/sluice_credit_card_driver \\
        --ccapproval PATH/TO/ccapproval

In a fresh temp dir (always removed) it runs `ccapproval generate --seed 54
--rows 500000` and then checks, every value exactly (no tolerance anywhere):
  1. data and split: sluice's CSV loader and float32 cast give the X and y
     numpy reads, and sluice's train_test_split selects the rows, in the same
     order, that sklearn's train_test_split(X, y, train_size=0.8,
     random_state=0) does (the driver passes test_size=0.2 too, as `ccapproval
     train` does; both give 400000 / 100000 rows);
  2. trees: for the notebook's baseline and group-unaware trees (max_depth=3,
     random_state=0) and four other settings, every tree_ array, classes_,
     feature_importances_ and predict / predict_proba on the test rows equal
     DecisionTreeClassifier's (importances too: both sum the same doubles in
     the same order);
  3. figures: the metrics JSON `ccapproval train` writes for the same CSV holds
     the test accuracy, confusion matrices, equal-opportunity rates (percent,
     Python round(x, 2)) and gap, and importances that sklearn's predictions
     give; and those are the published seed-54 values (unaware accuracy
     0.92669, baseline gap 20.78, unaware gap 7.35).

Exit codes: 0 everything equal (a summary is printed); 1 a mismatch (the first
differing array, index and both values are printed) or a failing command;
77 /usr/bin/python3 cannot import numpy and scikit-learn 1.2 (ctest reports the
test as skipped).
"""

import argparse
import hashlib
import json
import os
import signal
import subprocess
import sys
import tempfile
import time

SKIP = 77

try:
    import numpy as np
    import sklearn
    from sklearn.model_selection import train_test_split
    from sklearn.tree import DecisionTreeClassifier
except ImportError as e:
    print(f"SKIPPED: scikit-learn/numpy not importable by {sys.executable} ({e}); "
          "install Debian's python3-sklearn (scripts/install-deps --test)")
    sys.exit(SKIP)

if not sklearn.__version__.startswith("1.2."):
    print(f"SKIPPED: found scikit-learn {sklearn.__version__}; this check is written "
          "for scikit-learn 1.2 (Debian 12's python3-sklearn 1.2.1)")
    sys.exit(SKIP)

SEED, ROWS = 54, 500_000
# shared/reference/credit-card-data-and-tree.md, section 4.
CSV_SHA256 = "0d39811bd84a05b8f5d611118981aaafb5fd5f74571bdc8a254f5f8173987169"
HEADER = ["Num_Children", "Group", "Income", "Own_Car", "Own_Housing", "Target"]
FEATURES = HEADER[:5]
UNAWARE = ["Num_Children", "Income", "Own_Car", "Own_Housing"]
GROUP = FEATURES.index("Group")

# (name, features, max_depth, min_samples_leaf, min_samples_split, random_state).
# The notebook's two trees, then deeper ones. Every deep tree but the last
# changes when random_state does (small nodes where two features tie exactly),
# so they also check the feature visiting order that sluice's RNG produces.
FITS = [
    ("baseline", FEATURES, 3, 1, 2, 0),
    ("unaware", UNAWARE, 3, 1, 2, 0),
    ("baseline_full", FEATURES, None, 1, 2, 0),
    ("unaware_depth12", UNAWARE, 12, 1, 2, 42),
    ("baseline_leaf50", FEATURES, None, 50, 2, 7),
    ("unaware_split1000", UNAWARE, None, 1, 1000, 2**32 - 1),
]
TREE_FIELDS = ["children_left", "children_right", "feature", "threshold", "impurity",
               "n_node_samples", "weighted_n_node_samples", "value"]

# Published seed-54 figures (reference section 4.1), at their printed precision.
PUBLISHED = {"unaware test accuracy": ("%.5f", "0.92669"),
             "baseline equal-opportunity gap": ("%.2f", "20.78"),
             "unaware equal-opportunity gap": ("%.2f", "7.35")}


class Mismatch(Exception):
    pass


def first_difference(name, got, want):
    """Raises Mismatch naming the first element where sluice's `got` differs."""
    got, want = np.asarray(got), np.asarray(want)
    if got.shape != want.shape:
        raise Mismatch(f"{name}: shape {got.shape} (sluice) != {want.shape} (reference)")
    if got.ndim == 0:
        if got != want:
            raise Mismatch(f"{name}: sluice {got.item()!r}, reference {want.item()!r}")
        return
    diff = np.flatnonzero(~(got == want).reshape(-1))
    if diff.size:
        i = int(diff[0])
        where = np.unravel_index(i, got.shape)
        raise Mismatch(f"{name}: first difference at index {tuple(int(k) for k in where)} "
                       f"of {got.size} ({diff.size} differ): sluice {got.reshape(-1)[i]!r}, "
                       f"reference {want.reshape(-1)[i]!r}")


def run(cmd, **kwargs):
    proc = subprocess.run(cmd, capture_output=True, text=True, **kwargs)
    if proc.returncode != 0:
        raise Mismatch(f"command failed ({proc.returncode}): {' '.join(cmd)}\n"
                       f"{proc.stdout}{proc.stderr}")
    return proc


def load_csv(path):
    """X as float32 (sklearn's check_array cast) and y, parsed by numpy alone."""
    with open(path, "rb") as fh:
        header = fh.readline().decode().rstrip("\n").split(",")
        if header != HEADER:
            raise Mismatch(f"{path}: header {header}, expected {HEADER}")
        data = np.loadtxt(fh, dtype=np.int64, delimiter=",")
    if data.shape != (ROWS, len(HEADER)):
        raise Mismatch(f"{path}: shape {data.shape}, expected {(ROWS, len(HEADER))}")
    return data[:, :5].astype(np.float32), data[:, 5]


def check_data_and_split(out, X, y):
    first_difference("X (float32, CSV order)", np.load(os.path.join(out, "X.npy")), X)
    first_difference("y", np.load(os.path.join(out, "y.npy")), y)
    rows = np.arange(ROWS)
    _, _, _, _, want_train, want_test = train_test_split(X, y, rows, train_size=0.8,
                                                         random_state=0)
    got_train = np.load(os.path.join(out, "train_index.npy"))
    got_test = np.load(os.path.join(out, "test_index.npy"))
    first_difference("train indices", got_train, want_train)
    first_difference("test indices", got_test, want_test)
    return want_train, want_test


def sklearn_tree(fit, X_train, y_train):
    name, features, max_depth, msl, mss, seed = fit
    cols = [FEATURES.index(f) for f in features]
    clf = DecisionTreeClassifier(max_depth=max_depth, min_samples_leaf=msl,
                                 min_samples_split=mss, random_state=seed)
    return clf.fit(X_train[:, cols], y_train), cols


def check_tree(out, fit, clf, X_test):
    """Compares one fit, every array exactly (importances included: both libraries
    sum the same doubles in node order, so no tolerance is needed)."""
    name = fit[0]
    got = lambda field: np.load(os.path.join(out, f"{name}.{field}.npy"))
    t = clf.tree_
    for field in TREE_FIELDS:
        want = getattr(t, field)
        if field == "value":
            want = want.reshape(t.node_count, -1)
        first_difference(f"{name}: tree_.{field}", got(field), want)
    first_difference(f"{name}: classes_", got("classes"), clf.classes_)
    first_difference(f"{name}: predict(X_test)", got("predict"), clf.predict(X_test))
    first_difference(f"{name}: predict_proba(X_test)", got("predict_proba"),
                     clf.predict_proba(X_test))
    first_difference(f"{name}: feature_importances_", got("feature_importances"),
                     clf.feature_importances_)


def notebook_figures(y_true, y_pred, group):
    """The notebook's get_fairness_stats figures, in its arithmetic order."""
    def cm(mask):
        t, p = y_true[mask], y_pred[mask]
        return [[int(np.sum((t == 0) & (p == 0))), int(np.sum((t == 0) & (p == 1)))],
                [int(np.sum((t == 1) & (p == 0))), int(np.sum((t == 1) & (p == 1)))]]

    every = np.ones(y_true.shape, dtype=bool)
    matrices = {"overall": cm(every), "group_0": cm(group == 0), "group_1": cm(group == 1)}
    tpr = {k: m[1][1] / (m[1][0] + m[1][1]) * 100 for k, m in matrices.items()}
    r0, r1 = round(tpr["group_0"], 2), round(tpr["group_1"], 2)
    return {
        "accuracy": float(np.mean(y_true == y_pred)),
        "confusion_matrix": matrices,
        "equal_opportunity": {"overall_%": round(tpr["overall"], 2), "group_0_%": r0,
                              "group_1_%": r1, "gap_%": abs(r0 - r1)},
    }


def check_metrics_json(metrics, models):
    """`models` maps the JSON's block ("selected", "baseline") to (figures, clf, features)."""
    for block, (fig, clf, features) in models.items():
        m = metrics if block == "selected" else metrics[block]
        where = f"metrics JSON ({block})"
        if m["features"] != features:
            raise Mismatch(f"{where}: features {m['features']}, expected {features}")
        first_difference(f"{where}: test.accuracy", m["test"]["accuracy"], fig["accuracy"])
        for key, want in fig["confusion_matrix"].items():
            first_difference(f"{where}: fairness.confusion_matrix.{key}",
                             m["fairness"]["confusion_matrix"][key], want)
        for key, want in fig["equal_opportunity"].items():
            first_difference(f"{where}: fairness.equal_opportunity.{key}",
                             m["fairness"]["equal_opportunity"][key], want)
        first_difference(f"{where}: feature_importances",
                         [m["feature_importances"][f] for f in features],
                         clf.feature_importances_)


def check_published(values):
    for label, (fmt, want) in PUBLISHED.items():
        if fmt % values[label] != want:
            raise Mismatch(f"published figure {label}: got {fmt % values[label]} "
                           f"({values[label]!r}), reference {want}")


def compare(args, tmp):
    csv = os.path.join(tmp, "data.csv")
    out = os.path.join(tmp, "driver")
    os.mkdir(out)
    run([args.ccapproval, "generate", "--seed", str(SEED), "--rows", str(ROWS), "--out", csv])
    with open(csv, "rb") as fh:
        digest = hashlib.sha256(fh.read()).hexdigest()
    # The published figures below hold for this exact file only.
    if digest != CSV_SHA256:
        raise Mismatch(f"{csv}: sha256 {digest}, the reference's seed-54 file has {CSV_SHA256}")

    config = os.path.join(tmp, "config.yml")
    with open(config, "w") as fh:
        fh.write("data:\n  load_file_path: data.csv\n"
                 "model:\n  save_file_path: model/model.json\n"
                 "  save_metrics_file_path: output/metrics.json\n")
    specs = [f"{name}:{'+'.join(features)}:{-1 if depth is None else depth}:{msl}:{mss}:{seed}"
             for name, features, depth, msl, mss, seed in FITS]
    run([args.driver, csv, out] + specs)
    run([args.ccapproval, "train", "--config", config])

    X, y = load_csv(csv)
    train, test = check_data_and_split(out, X, y)
    X_train, y_train, X_test, y_test = X[train], y[train], X[test], y[test]
    fitted = [sklearn_tree(fit, X_train, y_train) for fit in FITS]
    for fit, (clf, cols) in zip(FITS, fitted):
        check_tree(out, fit, clf, X_test[:, cols])

    by_name = {fit[0]: (clf, cols) for fit, (clf, cols) in zip(FITS, fitted)}
    figures = {}
    for name in ("baseline", "unaware"):
        clf, cols = by_name[name]
        figures[name] = notebook_figures(y_test, clf.predict(X_test[:, cols]), X_test[:, GROUP])
    with open(os.path.join(tmp, "output", "metrics.json")) as fh:
        metrics = json.load(fh)
    check_metrics_json(metrics, {
        "selected": (figures["unaware"], by_name["unaware"][0], UNAWARE),
        "baseline": (figures["baseline"], by_name["baseline"][0], FEATURES),
    })
    check_published({
        "unaware test accuracy": figures["unaware"]["accuracy"],
        "baseline equal-opportunity gap": figures["baseline"]["equal_opportunity"]["gap_%"],
        "unaware equal-opportunity gap": figures["unaware"]["equal_opportunity"]["gap_%"],
    })
    return fitted, figures


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--driver", required=True, help="path to sluice_credit_card_driver")
    parser.add_argument("--ccapproval", required=True, help="path to ccapproval")
    args = parser.parse_args()
    args.driver, args.ccapproval = os.path.abspath(args.driver), os.path.abspath(args.ccapproval)
    # On timeout ctest sends SIGTERM (TIMEOUT_SIGNAL_NAME in tests/CMakeLists.txt,
    # CMake >= 3.27; older ctest sends SIGKILL): unwind so the temp dir goes.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(1))

    start = time.monotonic()
    with tempfile.TemporaryDirectory(prefix="sluice-sklearn-credit-card-") as tmp:
        try:
            fitted, figures = compare(args, tmp)
        except Mismatch as e:
            print(f"MISMATCH (credit-card data, seed {SEED}, {ROWS} rows): {e}")
            return 1

    print(f"OK: credit-card data (ccapproval generate --seed {SEED} --rows {ROWS}, sha256 "
          f"{CSV_SHA256[:12]}...) against scikit-learn {sklearn.__version__}, "
          f"numpy {np.__version__}:")
    print("  data: X (float32) and y as numpy parses them; train_test_split(train_size=0.8, "
          "random_state=0): the same 400000 train and 100000 test rows in the same order")
    for fit, (clf, _) in zip(FITS, fitted):
        name, features, max_depth, msl, mss, seed = fit
        print(f"  {name:<18} {len(features)} features, max_depth={max_depth}, "
              f"min_samples_leaf={msl}, min_samples_split={mss}, random_state={seed}: "
              f"{clf.tree_.node_count} nodes")
    print(f"  identical, bit for bit, in every fit: tree_.{', '.join(TREE_FIELDS)}, classes_, "
          f"feature_importances_, predict and predict_proba on the 100000 test rows")
    u, b = figures["unaware"], figures["baseline"]
    print(f"  ccapproval train metrics JSON = sklearn's figures: unaware accuracy "
          f"{u['accuracy']}, TPR {u['equal_opportunity']['group_0_%']} / "
          f"{u['equal_opportunity']['group_1_%']} (gap {u['equal_opportunity']['gap_%']:.2f}); "
          f"baseline TPR {b['equal_opportunity']['group_0_%']} / "
          f"{b['equal_opportunity']['group_1_%']} (gap {b['equal_opportunity']['gap_%']:.2f}); "
          f"confusion matrices and importances, all exact")
    print(f"  published seed-54 values hold: {', '.join(w for _, w in PUBLISHED.values())} "
          f"({time.monotonic() - start:.1f} s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
