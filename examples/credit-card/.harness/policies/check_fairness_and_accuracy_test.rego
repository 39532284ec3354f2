# Unit tests of the model gate: `sluice policy test .harness/policies`.
package main

test_allows_the_trained_model {
    allow with input as {"accuracy": 0.92669, "fairnessScoreEqualOpportunity": 7.35}
}

test_denies_low_accuracy {
    count(deny) == 1 with input as {"accuracy": 0.85, "fairnessScoreEqualOpportunity": 7.35}
}

test_denies_a_wide_fairness_gap {
    deny["Deny: Accuracy less than 90% or fairness score difference greater than 21%"] with input as {"accuracy": 0.95, "fairnessScoreEqualOpportunity": 21.5}
}

test_boundaries_are_allowed {
    allow with input as {"accuracy": 0.9, "fairnessScoreEqualOpportunity": 21}
}
