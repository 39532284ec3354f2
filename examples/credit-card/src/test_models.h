// Small models for ccapproval's tests.
#pragma once

#include <gtest/gtest.h>

#include <utility>
#include <vector>

#include "ml/model_file.h"
#include "ml/tree.h"

namespace ccapproval::testing {

// The tutorial's four features; approves (1) when Income > 50000 and
// nothing else matters, so the tutorial's test event (Income 500000) gets 1.
inline sluice::ml::ModelFile TutorialFeaturesModel() {
  const std::vector<std::vector<float>> columns = {
      {0, 1, 2, 3, 0, 1, 2, 3},                                  // Num_Children
      {10000, 20000, 30000, 40000, 60000, 70000, 80000, 90000},  // Income
      {0, 1, 0, 1, 1, 0, 1, 0},                                  // Own_Car
      {1, 0, 1, 0, 0, 1, 0, 1}};                                 // Own_Housing
  const std::vector<int64_t> y = {0, 0, 0, 0, 1, 1, 1, 1};
  auto tree = sluice::ml::FitDecisionTree(columns, y, sluice::ml::TreeOptions{});
  EXPECT_TRUE(tree.ok()) << tree.status().message();
  auto model = sluice::ml::MakeModelFile(std::move(*tree),
                                         {"Num_Children", "Income", "Own_Car", "Own_Housing"},
                                         columns, "00", sluice::ml::TreeOptions{}, "test", 0);
  EXPECT_TRUE(model.ok()) << model.status().message();
  return std::move(*model);
}

}  // namespace ccapproval::testing
