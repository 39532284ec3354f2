# The tutorial's model gate (Rego v0, as written in the tutorial): allow the
# model when its test accuracy is at least 0.9 and its equal-opportunity gap
# is at most 21 percentage points; otherwise deny with the tutorial's message.
package main

default allow = false

allow {
    input.accuracy >= 0.9
    input.fairnessScoreEqualOpportunity <= 21
}

deny[msg] {
    not allow
    msg = "Deny: Accuracy less than 90% or fairness score difference greater than 21%"
}
