# Generates a synthetic credit-card application dataset of the shape the
# tutorial's notebook uses: Num_Children, Group, Income, Own_Car, Own_Housing,
# Target. Deterministic for a given seed.
#   awk -v rows=20000 -v seed=54 -f generate-data.awk > data.csv
BEGIN {
  if (rows == "") rows = 20000
  if (seed == "") seed = 54
  srand(seed)
  print "Num_Children,Group,Income,Own_Car,Own_Housing,Target"
  for (i = 0; i < rows; i++) {
    group = rand() < 0.5 ? 0 : 1
    children = int(rand() * 4)
    # Group 1 earns somewhat less on average: the source of the fairness gap.
    income = int(20000 + rand() * 180000 * (group == 1 ? 0.85 : 1.0))
    car = rand() < 0.5 ? 1 : 0
    housing = rand() < 0.6 ? 1 : 0
    score = income / 1000 + 6 * housing + 3 * car - 3 * children
    target = score > 95 ? 1 : 0
    if (rand() < 0.05) target = 1 - target   # label noise
    printf "%d,%d,%d,%d,%d,%d\n", children, group, income, car, housing, target
  }
}
