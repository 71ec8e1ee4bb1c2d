using Mnist.Models;

namespace Mnist.Ensemble;

/// <summary>Turns a Core model builder into an ensemble builder: <c>KnownModels.NotebookMiniNet(n).ToEnsemble(members: 2, seed: 1).Build()</c>.</summary>
public static class SequentialBuilderEnsembleExtensions
{
    /// <summary>An <see cref="EnsembleBuilder"/> whose members are built from <paramref name="builder"/> (copied now).</summary>
    /// <param name="builder">The member architecture.</param>
    /// <param name="members">Number of members (default 2).</param>
    /// <param name="seed">Ensemble seed; each member derives its own. Default <see langword="null"/>: a fresh seed per <c>Build</c>, reported as <see cref="ModelEnsemble.Seed"/>.</param>
    public static EnsembleBuilder ToEnsemble(this SequentialBuilder builder, int members = 2, int? seed = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        return new EnsembleBuilder(builder, new EnsembleOptions { MemberCount = members, Seed = seed });
    }

    /// <summary>An <see cref="EnsembleBuilder"/> whose members are built from <paramref name="builder"/> with <paramref name="options"/>.</summary>
    /// <param name="builder">The member architecture.</param>
    /// <param name="options">Options (deep-copied now; validated by <see cref="EnsembleBuilder.Build"/>).</param>
    public static EnsembleBuilder ToEnsemble(this SequentialBuilder builder, EnsembleOptions options)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(options);
        return new EnsembleBuilder(builder, options);
    }
}
