#!/bin/sh
# Trains and tests the approval model, then writes what the pipeline reads:
#   output/shared_env_variables.txt   ACCURACY=... and EQUAL_OPPORTUNITY_FAIRNESS_PERCENT=...
#   output/model_metrics.json         metrics and fairness figures
#   output/model_metrics.html         a one-page report
#   output/report.xml                 JUnit results of the model tests
#
# The model here is a decision stump (a depth-1 decision tree on Income),
# trained with awk so the demo runs anywhere. It stands in for the C++
# decision tree of sluice's ml library, which replaces it in the full demo.
set -eu
out=${1:-output}
mkdir -p "$out"
here=$(dirname "$0")
awk -v rows=20000 -v seed=54 -f "$here/generate-data.awk" > "$out/data.csv"

awk -F, -v out="$out" '
NR == 1 { next }
{
  # 80/20 split by row number (the data is already shuffled).
  n++
  split_test = (n % 5 == 0)
  inc[n] = $3; grp[n] = $2; y[n] = $6; test[n] = split_test
}
END {
  # Train: the Income threshold with the best training accuracy.
  best = 0; best_t = 0
  for (t = 40000; t <= 180000; t += 1000) {
    ok = 0; m = 0
    for (i = 1; i <= n; i++) if (!test[i]) { m++; ok += ((inc[i] > t) == y[i]) }
    if (ok / m > best) { best = ok / m; best_t = t }
  }
  # Test: accuracy and equal opportunity (true-positive rate per group).
  for (i = 1; i <= n; i++) if (test[i]) {
    p = inc[i] > best_t
    tn++; correct += (p == y[i])
    if (y[i] == 1) { pos[grp[i]]++; tp[grp[i]] += p }
  }
  acc = correct / tn
  tpr0 = 100 * tp[0] / pos[0]; tpr1 = 100 * tp[1] / pos[1]
  gap = tpr0 > tpr1 ? tpr0 - tpr1 : tpr1 - tpr0
  printf "ACCURACY=%.5f\nEQUAL_OPPORTUNITY_FAIRNESS_PERCENT=%.2f\n", acc, gap > (out "/shared_env_variables.txt")
  printf "{\"model\":\"decision stump on Income\",\"threshold\":%d,\"train_accuracy\":%.5f,\"test\":{\"accuracy\":%.5f,\"rows\":%d},\"fairness\":{\"equal_opportunity\":{\"group_0_tpr\":%.2f,\"group_1_tpr\":%.2f,\"gap\":%.2f}}}\n", best_t, best, acc, tn, tpr0, tpr1, gap > (out "/model_metrics.json")
  printf "%.5f %.2f %.2f %.2f %d\n", acc, gap, tpr0, tpr1, best_t > (out "/summary.txt")
}' "$out/data.csv"

read acc gap tpr0 tpr1 threshold < "$out/summary.txt"
cat > "$out/model_metrics.html" <<HTML
<!doctype html>
<html><head><meta charset="utf-8"><title>Credit card approval model</title></head>
<body>
<h1>Credit card approval model</h1>
<p>Decision stump: approve when Income &gt; $threshold.</p>
<h2>Performance (test set)</h2><p>Accuracy: $acc</p>
<h2>Fairness: equal opportunity</h2>
<p>True-positive rate, group 0: $tpr0 %; group 1: $tpr1 %; gap: $gap points.</p>
</body></html>
HTML

# The model tests (the notebook asserts the same two limits).
acc_ok=$(awk -v a="$acc" 'BEGIN { print (a > 0.9) ? 1 : 0 }')
gap_ok=$(awk -v g="$gap" 'BEGIN { print (g < 21) ? 1 : 0 }')
failures=$((2 - acc_ok - gap_ok))
{
  echo '<?xml version="1.0" encoding="utf-8"?>'
  echo "<testsuites><testsuite name=\"model\" tests=\"2\" failures=\"$failures\">"
  if [ "$acc_ok" = 1 ]; then echo '<testcase classname="model" name="test_accuracy"/>'
  else echo "<testcase classname=\"model\" name=\"test_accuracy\"><failure message=\"accuracy $acc is not above 0.9\"/></testcase>"; fi
  if [ "$gap_ok" = 1 ]; then echo '<testcase classname="model" name="test_equal_opportunity"/>'
  else echo "<testcase classname=\"model\" name=\"test_equal_opportunity\"><failure message=\"gap $gap is not below 21\"/></testcase>"; fi
  echo '</testsuite></testsuites>'
} > "$out/report.xml"
echo "accuracy $acc, equal-opportunity gap $gap points (threshold $threshold)"
[ "$failures" = 0 ]
