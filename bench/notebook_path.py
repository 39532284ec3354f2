#!/usr/bin/python3
"""The credit-card notebook's path in Python (numpy + scikit-learn 1.2), the
alternative bench/credit_card_path times against `ccapproval generate`,
`train` and `test`:

    /usr/bin/python3 notebook_path.py OUT_DIR [--seed 54] [--rows 500000]

1. generate: the reference's integer-only SplitMix64 generator, vectorised
   with numpy, written as CSV (the same bytes as `ccapproval generate`);
2. train: load the CSV, train_test_split(train_size=0.8, random_state=0),
   DecisionTreeClassifier(max_depth=3, random_state=0) with and without
   Group, precision / recall / f1 / accuracy on train and test, the
   notebook's fairness figures on the test set, metrics JSON;
3. test: the notebook's two assertions and shared_env_variables.txt.

The notebook's matplotlib figures and HTML report are not reproduced
(matplotlib is not installed here), so this side does less work than
ccapproval, which also writes the model file, JUnit XML and the HTML report.
The CSV is parsed with numpy's C parser (pandas, which the notebook uses, is
not installed either; its read_csv is of the same order).
"""

import json
import os
import sys

import numpy as np
from sklearn.metrics import accuracy_score, confusion_matrix, f1_score, precision_score, recall_score
from sklearn.model_selection import train_test_split
from sklearn.tree import DecisionTreeClassifier

GAMMA = np.uint64(0x9E3779B97F4A7C15)
POISSON2 = np.array([581260615, 1743781846, 2906303077, 3681317231, 4068824308, 4223827139,
                     4275494749, 4290256923, 4293947467, 4294767588, 4294931612, 4294961435,
                     4294966405], dtype=np.uint64)
HEADER = "Num_Children,Group,Income,Own_Car,Own_Housing,Target"


def mix64(x):
    x = x ^ (x >> np.uint64(30))
    x = x * np.uint64(0xBF58476D1CE4E5B9)
    x = x ^ (x >> np.uint64(27))
    x = x * np.uint64(0x94D049BB133111EB)
    return x ^ (x >> np.uint64(31))


def generate(seed, rows, path):
    with np.errstate(over="ignore"):
        j = np.arange(1, 6 * rows + 1, dtype=np.uint64)
        z = mix64(np.uint64(seed) + j * GAMMA).reshape(rows, 6)
    group = (z[:, 0] >> np.uint64(63)).astype(np.int64)
    children = np.searchsorted(POISSON2, z[:, 1] >> np.uint64(32), side="right").astype(np.int64)
    income = np.where(group == 1, 40000 + (z[:, 2] % np.uint64(80000)).astype(np.int64),
                      30000 + (z[:, 2] % np.uint64(70000)).astype(np.int64))
    car = ((z[:, 3] >> np.uint64(32)) <
           np.where(group == 1, np.uint64(3435973836), np.uint64(2576980377))).astype(np.int64)
    housing = ((z[:, 4] >> np.uint64(32)) <
               np.where(group == 1, np.uint64(2147483648), np.uint64(1288490188))).astype(np.int64)
    eps = (z[:, 5] % np.uint64(8001)).astype(np.int64) - 4000
    target = (income + 7000 * housing + 3000 * car + 10000 * group + eps > 90000).astype(np.int64)
    table = np.column_stack([children, group, income, car, housing, target])
    np.savetxt(path, table, fmt="%d", delimiter=",", header=HEADER, comments="")


def load(path):
    with open(path) as f:
        header = f.readline().strip().split(",")
        values = np.array(f.read().replace("\n", ",").split(",")[:-1], dtype=np.int64)
    return header, values.reshape(-1, len(header))


def binary_metrics(y, pred):
    return {"precision": precision_score(y, pred), "recall": recall_score(y, pred),
            "f1": f1_score(y, pred), "accuracy": accuracy_score(y, pred)}


def fairness(y, pred, group):
    """The notebook's get_fairness_stats figures, in percent."""
    out = {}
    approvals = pred.sum()
    out["demographic_parity"] = {
        "total_approvals": int(approvals),
        "group_0_%": round(pred[group == 0].sum() / approvals * 100, 2),
        "group_1_%": round(pred[group == 1].sum() / approvals * 100, 2)}
    cms = {g: confusion_matrix(y[group == g], pred[group == g]) for g in (0, 1)}
    cm = confusion_matrix(y, pred)
    tpr = {g: round(c[1, 1] / (c[1, 0] + c[1, 1]) * 100, 2) for g, c in cms.items()}
    out["equal_opportunity"] = {"overall_%": round(cm[1, 1] / (cm[1, 0] + cm[1, 1]) * 100, 2),
                                "group_0_%": tpr[0], "group_1_%": tpr[1],
                                "gap_%": abs(tpr[0] - tpr[1])}
    out["equal_accuracy"] = {
        "overall_%": round((cm[0, 0] + cm[1, 1]) / cm.sum() * 100, 2),
        **{f"group_{g}_%": round((c[0, 0] + c[1, 1]) / c.sum() * 100, 2) for g, c in cms.items()}}
    out["confusion_matrix"] = {"overall": cm.tolist(), "group_0": cms[0].tolist(),
                               "group_1": cms[1].tolist()}
    return out


def evaluate(header, x_train, x_test, y_train, y_test, features):
    cols = [header.index(f) for f in features]
    clf = DecisionTreeClassifier(max_depth=3, random_state=0)
    clf.fit(x_train[:, cols], y_train)
    pred_train = clf.predict(x_train[:, cols])
    pred_test = clf.predict(x_test[:, cols])
    return {"features": features, "train": binary_metrics(y_train, pred_train),
            "test": binary_metrics(y_test, pred_test),
            "fairness": fairness(y_test, pred_test, x_test[:, header.index("Group")]),
            "feature_importances": dict(zip(features, clf.feature_importances_.tolist()))}


def main():
    out_dir = sys.argv[1]
    seed = int(sys.argv[sys.argv.index("--seed") + 1]) if "--seed" in sys.argv else 54
    rows = int(sys.argv[sys.argv.index("--rows") + 1]) if "--rows" in sys.argv else 500000
    os.makedirs(out_dir, exist_ok=True)
    data_path = os.path.join(out_dir, "data.csv")
    generate(seed, rows, data_path)

    header, data = load(data_path)
    x, y = data, data[:, header.index("Target")]
    x_train, x_test, y_train, y_test = train_test_split(x, y, train_size=0.8, random_state=0)
    baseline = evaluate(header, x_train, x_test, y_train, y_test,
                        ["Num_Children", "Group", "Income", "Own_Car", "Own_Housing"])
    unaware = evaluate(header, x_train, x_test, y_train, y_test,
                       ["Num_Children", "Income", "Own_Car", "Own_Housing"])
    metrics = {"selected_model": "group_unaware", **unaware, "baseline": baseline}
    with open(os.path.join(out_dir, "model_metrics.json"), "w") as f:
        json.dump(metrics, f, indent=2)

    accuracy = unaware["test"]["accuracy"]
    gap = unaware["fairness"]["equal_opportunity"]["gap_%"]
    with open(os.path.join(out_dir, "shared_env_variables.txt"), "w") as f:
        f.write(f"ACCURACY={accuracy}\nEQUAL_OPPORTUNITY_FAIRNESS_PERCENT={gap}\n")
    ok = accuracy >= 0.9 and gap <= 21
    print(f"accuracy {accuracy}, equal-opportunity gap {gap}: {'pass' if ok else 'FAIL'}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
