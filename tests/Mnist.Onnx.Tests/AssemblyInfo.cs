// LibTorch's random generator is process-wide and its threads collapse when other busy threads compete for the two
// cores, so the test classes (which train) run one at a time: seeded results stay reproducible.
[assembly: CollectionBehavior(DisableTestParallelization = true)]
