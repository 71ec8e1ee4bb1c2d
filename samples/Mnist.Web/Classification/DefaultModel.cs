namespace Mnist.Web.Classification;

/// <summary>What the app serves without <c>--model</c>: the ensemble that the main job (samples/Mnist.Train) writes by default.</summary>
public static class DefaultModel
{
    /// <summary>Mnist.Train's default output: <c>--output out</c>, ensemble in <c>out/ensemble</c>, relative to the current directory.</summary>
    public static readonly string RelativePath = Path.Combine("out", "ensemble");

    /// <summary>The command that makes <see cref="RelativePath"/> (from the repository root, about 5 minutes on 2 cores; add <c>-- --quick</c> for a 75-second one).</summary>
    public const string TrainCommand = "dotnet run --project samples/Mnist.Train -c Release";

    /// <summary>The command that serves it afterwards.</summary>
    public const string ServeCommand = "dotnet run --project samples/Mnist.Web -c Release";
}
