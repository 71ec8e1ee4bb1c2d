// LibTorch's two threads collapse when other busy threads compete for the cores, and the browser test's timings with
// them: test classes run one after another (as in Mnist.Tests).
[assembly: CollectionBehavior(DisableTestParallelization = true)]
