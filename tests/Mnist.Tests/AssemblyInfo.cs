// LibTorch's random generator is process-wide and its two OpenMP threads collapse when other busy threads compete for
// the cores, so test classes that train must not run in parallel: seeded results would differ and everything slows down.
[assembly: CollectionBehavior(DisableTestParallelization = true)]
