// Test data shared by metrics_reader_test.cc and test_command_test.cc: a
// metrics file in the format of train.h, with the seed-54 headline figures
// (test accuracy 0.92669, gap 7.3500000000000085 as train writes it) and
// made-up but consistent confusion matrices (the groups add up to overall,
// total_approvals is overall FP + TP), as metrics_reader.h requires.
#pragma once

#include <string_view>

namespace ccapproval {

inline constexpr std::string_view kTestMetricsJson = R"json({
  "features": ["Num_Children", "Income", "Own_Car", "Own_Housing"],
  "train": {"precision": 0.92811, "recall": 0.87752, "f1": 0.9021099, "accuracy": 0.92675},
  "test": {"precision": 0.92802, "recall": 0.87748, "f1": 0.90205, "accuracy": 0.92669},
  "fairness": {
    "demographic_parity": {"total_approvals": 35320, "group_0_%": 30.29, "group_1_%": 69.71},
    "equal_opportunity": {"overall_%": 87.75, "group_0_%": 93.23, "group_1_%": 85.88,
                          "gap_%": 7.3500000000000085},
    "equal_accuracy": {"overall_%": 92.67, "group_0_%": 96.69, "group_1_%": 88.4},
    "confusion_matrix": {"overall": [[59969, 2620], [4711, 32700]],
                         "group_0": [[40000, 1000], [700, 9700]],
                         "group_1": [[19969, 1620], [4011, 23000]]}
  },
  "feature_importances": {"Num_Children": 0.0, "Income": 0.9427, "Own_Car": 0.0,
                          "Own_Housing": 0.0573},
  "baseline": {
    "features": ["Num_Children", "Group", "Income", "Own_Car", "Own_Housing"],
    "train": {"precision": 0.95, "recall": 0.9, "f1": 0.92, "accuracy": 0.9485},
    "test": {"precision": 0.95, "recall": 0.9, "f1": 0.92, "accuracy": 0.94847},
    "fairness": {
      "demographic_parity": {"total_approvals": 36847, "group_0_%": 21.12, "group_1_%": 78.88},
      "equal_opportunity": {"overall_%": 90.1, "group_0_%": 77.11, "group_1_%": 97.89,
                            "gap_%": 20.78},
      "equal_accuracy": {"overall_%": 94.85, "group_0_%": 94.75, "group_1_%": 94.95},
      "confusion_matrix": {"overall": [[60000, 2000], [3153, 34847]],
                           "group_0": [[39555, 492], [2233, 7523]],
                           "group_1": [[20445, 1508], [920, 27324]]}
    },
    "feature_importances": {"Num_Children": 0.0, "Group": 0.2, "Income": 0.75, "Own_Car": 0.0,
                            "Own_Housing": 0.05}
  },
  "selected_model": "group_unaware",
  "model_file": "model.json"
}
)json";

}  // namespace ccapproval
