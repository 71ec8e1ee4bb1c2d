using System.Reflection;
using Mnist.Augmentation;
using Mnist.Data;
using Mnist.Ensemble;
using Mnist.Models;
using Mnist.Preprocessing;
using Mnist.Training;
using SixLabors.ImageSharp.Processing;
using SixLabors.ImageSharp.Processing.Processors.Transforms;
using TorchSharp;

namespace Mnist.Tests.Options;

/// <summary>
/// The one options pattern (docs/architecture.md, "Conventions"): every *Options / *Limits type is a mutable class with a
/// public parameterless constructor giving valid defaults, a public <c>Validate()</c> that names the bad property, and a
/// public <c>Clone()</c> that returns an independent copy of the same type.
/// </summary>
public sealed class OptionsPatternTests
{
    private static readonly Assembly[] Libraries =
    [
        typeof(ModelOptions).Assembly,           // Mnist.Core
        typeof(AugmentationOptions).Assembly,    // Mnist.Augmentation
        typeof(EnsembleOptions).Assembly,        // Mnist.Ensemble
        typeof(PlotOptions).Assembly,            // Mnist.Plotting
        typeof(DigitPreprocessingOptions).Assembly, // Mnist.Preprocessing
    ];

    /// <summary>Every public options type of the libraries (the inventory of issue #13).</summary>
    private static IReadOnlyList<Type> OptionsTypes() =>
        Libraries.SelectMany(a => a.GetExportedTypes())
            .Where(t => t.IsClass && !(t.IsAbstract && t.IsSealed) && (t.Name.EndsWith("Options", StringComparison.Ordinal) || t.Name.EndsWith("Limits", StringComparison.Ordinal)))
            .OrderBy(t => t.FullName, StringComparer.Ordinal)
            .ToList();

    [Fact]
    public void The_inventory_is_the_expected_one()
    {
        OptionsTypes().Select(t => t.Name).Should().BeEquivalentTo(
            "AdamFamilyOptions", "AdamOptions", "AdamWOptions", "AugmentationExecutionOptions", "AugmentationOptions",
            "DatasetDownloaderOptions", "DigitPreprocessingOptions", "EnsembleFitOptions", "EnsembleOptions", "FitOptions",
            "IdxReadLimits", "ModelLoadLimits", "ModelOptions", "OptimizerOptions", "PlotOptions", "SgdOptions",
            "TorchRuntimeOptions");
    }

    [Fact]
    public void Every_options_type_has_public_Validate_and_Clone_and_valid_defaults()
    {
        foreach (var type in OptionsTypes())
        {
            var validate = type.GetMethod("Validate", BindingFlags.Public | BindingFlags.Instance, Type.EmptyTypes);
            validate.Should().NotBeNull($"{type.Name} has a public Validate()");
            var clone = CloneMethod(type);
            clone.Should().NotBeNull($"{type.Name} has a public Clone()");
            type.GetProperties(BindingFlags.Public | BindingFlags.Instance).Where(p => p.CanWrite)
                .Should().OnlyContain(p => p.SetMethod!.IsPublic, $"{type.Name}'s settings are plain get/set properties");
            if (type.IsAbstract) continue;

            clone!.ReturnType.Should().Be(type, $"{type.Name}.Clone() returns a {type.Name}");
            var instance = Activator.CreateInstance(type)!;
            FluentActions.Invoking(() => validate!.Invoke(instance, null)).Should().NotThrow($"the defaults of {type.Name} are valid");
            var copy = clone.Invoke(instance, null);
            copy.Should().NotBeSameAs(instance).And.BeOfType(type);
        }
    }

    [Fact]
    public void Clone_copies_every_setting_and_the_copy_is_independent()
    {
        foreach (var type in OptionsTypes().Where(t => !t.IsAbstract))
        {
            var original = Activator.CreateInstance(type)!;
            var settable = type.GetProperties(BindingFlags.Public | BindingFlags.Instance).Where(p => p.CanWrite && p.CanRead).ToList();
            foreach (var property in settable)
            {
                if (OtherValue(property.PropertyType, property.GetValue(original)) is { } value) property.SetValue(original, value);
            }

            var copy = CloneMethod(type)!.Invoke(original, null)!;
            foreach (var property in settable)
            {
                object? before = property.GetValue(original);
                object? copied = property.GetValue(copy);
                if (IsValueLike(property.PropertyType)) copied.Should().Be(before, $"{type.Name}.Clone copies {property.Name}");
                if (OtherValue(property.PropertyType, copied) is { } changed)
                {
                    property.SetValue(copy, changed);
                    property.GetValue(original).Should().Be(before, $"changing {type.Name}.{property.Name} of the copy leaves the original alone");
                }
            }
        }
    }

    [Fact]
    public void Clone_is_deep_for_nested_options_and_lists()
    {
        double[] weights = [1, 2];
        var ensemble = new EnsembleOptions { Seed = 3, Weights = weights, Member = new ModelOptions { Precision = ComputePrecision.BFloat16 } };
        var ensembleCopy = ensemble.Clone();
        ensembleCopy.Member.Should().NotBeSameAs(ensemble.Member);
        ensembleCopy.Member.Precision.Should().Be(ComputePrecision.BFloat16);
        ensembleCopy.Member.Device = DeviceType.CUDA;
        ensembleCopy.Member.DeviceIndex = 3;
        (ensemble.Member.Device, ensemble.Member.DeviceIndex).Should().Be((DeviceType.CPU, -1));
        weights[0] = 99;
        ensembleCopy.Weights.Should().Equal(1.0, 2.0);
        ensembleCopy.Weights.Should().NotBeSameAs(ensemble.Weights);

        var callbacks = new List<Callback> { new CountingCallback() };
        var fit = new EnsembleFitOptions { Epochs = 2, Callbacks = callbacks, SkipTrainedMembers = true, MemberCallbacks = _ => [] };
        var fitCopy = fit.Clone();
        fitCopy.Should().BeOfType<EnsembleFitOptions>();
        ((FitOptions)fit).Clone().Should().BeOfType<EnsembleFitOptions>("the copy keeps the runtime type");
        callbacks.Add(new CountingCallback());
        fitCopy.Callbacks.Should().HaveCount(1, "the copy holds its own list of callbacks");
        (fitCopy.Epochs, fitCopy.SkipTrainedMembers, fitCopy.MemberCallbacks).Should().Be((2, true, fit.MemberCallbacks));

        var adam = new AdamOptions { LearningRate = 0.02, Beta1 = 0.8 };
        AdamOptions adamCopy = adam.Clone();
        OptimizerOptions viaBase = ((OptimizerOptions)adam).Clone();
        viaBase.Should().BeOfType<AdamOptions>();
        adamCopy.Beta1 = 0.5;
        adam.Beta1.Should().Be(0.8);
    }

    public static TheoryData<string, Action, string> InvalidSettings() => new()
    {
        { "ModelOptions.Device", () => new ModelOptions { Device = (DeviceType)99 }.Validate(), "Device" },
        { "ModelOptions.DeviceIndex", () => new ModelOptions { DeviceIndex = -2 }.Validate(), "DeviceIndex" },
        { "ModelOptions.Precision", () => new ModelOptions { Precision = (ComputePrecision)9 }.Validate(), "Precision" },
        { "EnsembleOptions.MemberCount", () => new EnsembleOptions { MemberCount = 0 }.Validate(), "MemberCount" },
        { "EnsembleOptions.Combination", () => new EnsembleOptions { Combination = (EnsembleCombination)9 }.Validate(), "Combination" },
        { "EnsembleOptions.Weights", () => new EnsembleOptions { Weights = [1] }.Validate(), "Weights" },
        { "EnsembleOptions.Member", () => new EnsembleOptions { Member = null! }.Validate(), "Member" },
        { "EnsembleOptions.Member.Seed", () => new EnsembleOptions { Member = new ModelOptions { Seed = 1 } }.Validate(), "Member.Seed" },
        { "EnsembleOptions.Member.Device", () => new EnsembleOptions { Member = new ModelOptions { Device = (DeviceType)99 } }.Validate(), "Member.Device" },
        { "EnsembleOptions.Member.DeviceIndex", () => new EnsembleOptions { Member = new ModelOptions { DeviceIndex = -5 } }.Validate(), "Member.DeviceIndex" },
        { "EnsembleOptions.Member.Precision", () => new EnsembleOptions { Member = new ModelOptions { Precision = (ComputePrecision)9 } }.Validate(), "Member.Precision" },
        { "AdamOptions.LearningRate", () => new AdamOptions { LearningRate = 0 }.Validate(), "LearningRate" },
        { "AdamOptions.Beta1", () => new AdamOptions { Beta1 = 1 }.Validate(), "Beta1" },
        { "AdamOptions.Beta2", () => new AdamOptions { Beta2 = -0.1 }.Validate(), "Beta2" },
        { "AdamOptions.Epsilon", () => new AdamOptions { Epsilon = 0 }.Validate(), "Epsilon" },
        { "AdamWOptions.WeightDecay", () => new AdamWOptions { WeightDecay = -1 }.Validate(), "WeightDecay" },
        { "SgdOptions.Momentum", () => new SgdOptions { Momentum = 1 }.Validate(), "Momentum" },
        { "SgdOptions.Nesterov", () => new SgdOptions { Nesterov = true }.Validate(), "Nesterov" },
        { "SgdOptions.WeightDecay", () => new SgdOptions { WeightDecay = double.NaN }.Validate(), "WeightDecay" },
        { "FitOptions.Epochs", () => new FitOptions { Epochs = 0 }.Validate(), "Epochs" },
        { "FitOptions.Schedule", () => new FitOptions { Epochs = 1, Schedule = TrainingSchedule.Epochs(1) }.Validate(), "Schedule" },
        { "FitOptions.Callbacks", () => new FitOptions { Callbacks = [null!] }.Validate(), "Callbacks" },
        { "EnsembleFitOptions.Epochs", () => new EnsembleFitOptions { Epochs = -1 }.Validate(), "Epochs" },
        { "ModelLoadLimits.MaxParameters", () => new ModelLoadLimits { MaxParameters = 0 }.Validate(), "MaxParameters" },
        { "ModelLoadLimits.MaxActivationElements", () => new ModelLoadLimits { MaxActivationElements = -1 }.Validate(), "MaxActivationElements" },
        { "ModelLoadLimits.MaxArchitectureBytes", () => new ModelLoadLimits { MaxArchitectureBytes = 0 }.Validate(), "MaxArchitectureBytes" },
        { "ModelLoadLimits.MaxJsonDepth", () => new ModelLoadLimits { MaxJsonDepth = 3 }.Validate(), "MaxJsonDepth" },
        { "ModelLoadLimits.MaxLayers", () => new ModelLoadLimits { MaxLayers = 0 }.Validate(), "MaxLayers" },
        { "IdxReadLimits.MaxBytes", () => new IdxReadLimits { MaxBytes = 0 }.Validate(), "MaxBytes" },
        { "IdxReadLimits.MaxItems", () => new IdxReadLimits { MaxItems = 0 }.Validate(), "MaxItems" },
        { "TorchRuntimeOptions.Threads", () => new TorchRuntimeOptions { Threads = 0 }.Validate(), "Threads" },
        { "DatasetDownloaderOptions.AttemptsPerMirror", () => new DatasetDownloaderOptions { AttemptsPerMirror = 11 }.Validate(), "AttemptsPerMirror" },
        { "DatasetDownloaderOptions.AttemptTimeout", () => new DatasetDownloaderOptions { AttemptTimeout = TimeSpan.Zero }.Validate(), "AttemptTimeout" },
        { "DatasetDownloaderOptions.MaxDownloadBytes", () => new DatasetDownloaderOptions { MaxDownloadBytes = 0 }.Validate(), "MaxDownloadBytes" },
        { "DatasetDownloaderOptions.ProgressIntervalBytes", () => new DatasetDownloaderOptions { ProgressIntervalBytes = 0 }.Validate(), "ProgressIntervalBytes" },
        { "PlotOptions.Width", () => new PlotOptions { Width = 50 }.Validate(), "Width" },
        { "PlotOptions.Height", () => new PlotOptions { Height = 20_000 }.Validate(), "Height" },
        { "PlotOptions.Scale", () => new PlotOptions { Scale = 0 }.Validate(), "Scale" },
        { "PlotOptions.Columns", () => new PlotOptions { Columns = 0 }.Validate(), "Columns" },
        { "DigitPreprocessingOptions.TargetSize", () => new DigitPreprocessingOptions { TargetSize = 0 }.Validate(), "TargetSize" },
        { "DigitPreprocessingOptions.BoxSize", () => new DigitPreprocessingOptions { BoxSize = 29 }.Validate(), "BoxSize" },
        { "DigitPreprocessingOptions.Inversion", () => new DigitPreprocessingOptions { Inversion = (DigitInversion)9 }.Validate(), "Inversion" },
        { "DigitPreprocessingOptions.InkThreshold", () => new DigitPreprocessingOptions { InkThreshold = 255 }.Validate(), "InkThreshold" },
        { "DigitPreprocessingOptions.Resampler", () => new DigitPreprocessingOptions { Resampler = null! }.Validate(), "Resampler" },
        { "DigitPreprocessingOptions.MaxPixelCount", () => new DigitPreprocessingOptions { MaxPixelCount = 0 }.Validate(), "MaxPixelCount" },
        { "DigitPreprocessingOptions.MaxSidePixels", () => new DigitPreprocessingOptions { MaxSidePixels = 0 }.Validate(), "MaxSidePixels" },
        { "DigitPreprocessingOptions.MaxFileBytes", () => new DigitPreprocessingOptions { MaxFileBytes = 0 }.Validate(), "MaxFileBytes" },
        { "AugmentationOptions.RotationRangeDegrees", () => new AugmentationOptions { RotationRangeDegrees = -1 }.Validate(), "RotationRangeDegrees" },
        { "AugmentationOptions.WidthShiftRange", () => new AugmentationOptions { WidthShiftRange = double.NaN }.Validate(), "WidthShiftRange" },
        { "AugmentationOptions.HeightShiftRange", () => new AugmentationOptions { HeightShiftRange = double.PositiveInfinity }.Validate(), "HeightShiftRange" },
        { "AugmentationOptions.ShearRangeDegrees", () => new AugmentationOptions { ShearRangeDegrees = 90 }.Validate(), "ShearRangeDegrees" },
        { "AugmentationOptions.ZoomRange", () => new AugmentationOptions { ZoomRange = 1 }.Validate(), "ZoomRange" },
        { "AugmentationOptions.ZoomFactorRange", () => new AugmentationOptions { ZoomFactorRange = (0, 1) }.Validate(), "ZoomFactorRange" },
        { "AugmentationOptions.FillMode", () => new AugmentationOptions { FillMode = (FillMode)9 }.Validate(), "FillMode" },
        { "AugmentationOptions.FillValue", () => new AugmentationOptions { FillValue = double.NaN }.Validate(), "FillValue" },
        { "AugmentationOptions.Interpolation", () => new AugmentationOptions { Interpolation = (Interpolation)9 }.Validate(), "Interpolation" },
        { "AugmentationOptions.Convention", () => new AugmentationOptions { Convention = (TransformConvention)9 }.Validate(), "Convention" },
        { "AugmentationExecutionOptions.WorkerCount", () => new AugmentationExecutionOptions { WorkerCount = 0 }.Validate(), "WorkerCount" },
        { "AugmentationExecutionOptions.PrefetchBatches", () => new AugmentationExecutionOptions { PrefetchBatches = 0 }.Validate(), "PrefetchBatches" },
    };

    [Theory]
    [MemberData(nameof(InvalidSettings))]
    public void Validate_names_the_bad_property(string setting, Action validate, string parameterName)
    {
        validate.Should().Throw<ArgumentException>(setting).Which.ParamName.Should().Be(parameterName, setting);
    }

    [Fact]
    public void Every_validated_property_of_every_options_type_is_covered_by_the_table()
    {
        var covered = InvalidSettings().Select(row => (string)row[0]).Select(s => s[..s.IndexOf('.', StringComparison.Ordinal)]).ToHashSet();
        var concrete = OptionsTypes().Where(t => !t.IsAbstract).Select(t => t.Name);
        concrete.Should().OnlyContain(name => covered.Contains(name), "each options type has at least one Validate case");
    }

    /// <summary>A valid value different from <paramref name="current"/> for a settings property, or null when the type is a shared reference (data sources, callbacks, delegates).</summary>
    private static object? OtherValue(Type type, object? current)
    {
        var underlying = Nullable.GetUnderlyingType(type) ?? type;
        if (underlying == typeof(int)) return current is 3 ? 4 : 3;
        if (underlying == typeof(long)) return current is 1000L ? 2000L : 1000L;
        if (underlying == typeof(double)) return current is 0.25 ? 0.125 : 0.25;
        if (underlying == typeof(bool)) return !(current as bool? ?? false);
        if (underlying == typeof(TimeSpan)) return current is TimeSpan t && t == TimeSpan.FromSeconds(3) ? TimeSpan.FromSeconds(4) : TimeSpan.FromSeconds(3);
        if (underlying == typeof(string)) return current as string == "a" ? "b" : "a";
        if (underlying == typeof((double, double))) return current is ValueTuple<double, double> z && z.Equals((0.5, 1.5)) ? (0.75, 1.25) : (0.5, 1.5);
        if (underlying.IsEnum)
        {
            var values = Enum.GetValues(underlying).Cast<object>().ToList();
            return values.FirstOrDefault(v => !v.Equals(current));
        }

        if (type == typeof(IResampler)) return ReferenceEquals(current, KnownResamplers.NearestNeighbor) ? KnownResamplers.Bicubic : KnownResamplers.NearestNeighbor;
        if (type == typeof(ModelOptions)) return new ModelOptions { DeviceIndex = current is ModelOptions { DeviceIndex: 2 } ? 1 : 2 };
        if (type == typeof(IReadOnlyList<double>)) return current is IReadOnlyList<double> { Count: 3 } ? new double[] { 1, 1 } : new double[] { 1, 2, 3 };
        return null;
    }

    /// <summary>The most derived public <c>Clone()</c> (covariant overrides return the type itself).</summary>
    private static MethodInfo? CloneMethod(Type type) =>
        type.GetMethods(BindingFlags.Public | BindingFlags.Instance)
            .Where(m => m.Name == "Clone" && m.GetParameters().Length == 0)
            .OrderByDescending(m => Depth(m.DeclaringType!))
            .FirstOrDefault();

    private static int Depth(Type type)
    {
        int depth = 0;
        for (var t = type; t is not null; t = t.BaseType) depth++;
        return depth;
    }

    private static bool IsValueLike(Type type) => type.IsValueType || type == typeof(string);

    private sealed class CountingCallback : Callback;
}
