namespace Mnist;

/// <summary>
/// The library's one seed policy (docs/models-and-training.md, "Seeds and reproducibility"): a seed of
/// <see langword="null"/> means "not seeded" — the object being created draws a fresh seed from
/// <see cref="Random.Shared"/> once, records it and reports it (<c>SequentialModel.Seed</c>, <c>ModelEnsemble.Seed</c>,
/// <c>DatasetBatchSource.Seed</c>, <c>AugmentingBatchSource.Seed</c>, <c>AugmentedBatchSource.Seed</c>), so that passing
/// the reported seed back reproduces the run. Everything random below that object derives its seed from the recorded one
/// with <see cref="Data.SeedMixer"/>.
/// </summary>
internal static class SeedPolicy
{
    /// <summary><paramref name="seed"/> when given, else a fresh seed from <see cref="Random.Shared"/> (0 ≤ seed &lt; <see cref="int.MaxValue"/>).</summary>
    public static int Resolve(int? seed) => seed ?? Random.Shared.Next();
}
