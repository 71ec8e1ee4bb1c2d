using Mnist.Models;
using Mnist.Web.Classification;

namespace Mnist.Web.Tests.Infrastructure;

/// <summary>An <see cref="IClassifier"/> over 28×28 images whose behaviour a test chooses: a delay, a failure, or a fixed answer.</summary>
internal sealed class FakeClassifier : IClassifier
{
    private readonly TimeSpan _delay;
    private readonly Func<Exception>? _failure;
    private int _calls;

    public FakeClassifier(TimeSpan delay = default, Func<Exception>? failure = null)
    {
        _delay = delay;
        _failure = failure;
    }

    public TensorShape InputShape { get; } = new(1, 28, 28);

    public int ClassCount => 10;

    public IReadOnlyList<string> ClassNames { get; } = Enumerable.Range(0, 10).Select(i => i.ToString(System.Globalization.CultureInfo.InvariantCulture)).ToArray();

    /// <summary>How many times <see cref="PredictProba"/> was called.</summary>
    public int Calls => Volatile.Read(ref _calls);

    public ClassProbabilities PredictProba(ReadOnlySpan<float> images, int count)
    {
        Interlocked.Increment(ref _calls);
        if (_delay > TimeSpan.Zero) Thread.Sleep(_delay);
        if (_failure is not null) throw _failure();
        var values = new float[count * 10];
        for (int i = 0; i < count; i++) values[(i * 10) + 3] = 1; // always "3"
        return new ClassProbabilities(values, count, 10);
    }

    public void Dispose()
    {
    }

    /// <summary>Loaders that open <paramref name="classifier"/> for any path.</summary>
    public static ClassifierLoaders LoadersFor(IClassifier classifier) => new([new Loader(classifier)]);

    private sealed class Loader(IClassifier classifier) : IClassifierLoader
    {
        public string Kind => "fake";

        public bool CanLoad(string path) => true;

        public IClassifier Load(string path) => classifier;

        public string Describe(IClassifier classifier, string path) => "fake classifier";
    }
}
