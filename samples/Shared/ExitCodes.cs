namespace Mnist.Samples;

/// <summary>
/// The exit codes of the sample apps (Mnist.Train, Mnist.Predict), one per kind of outcome, so that a script can tell
/// them apart. Documented in docs/security.md.
/// </summary>
internal static class ExitCodes
{
    /// <summary>Everything asked for was done.</summary>
    public const int Success = 0;

    /// <summary>Some inputs failed and the others were processed (e.g. some images could not be read); each failure printed an <c>error:</c> line.</summary>
    public const int PartialFailure = 1;

    /// <summary>Bad usage: an unknown option or a value out of range; nothing was read or written.</summary>
    public const int Usage = 2;

    /// <summary>A bad input file: a dataset, model, ensemble folder or image that is missing, corrupt, hostile or too large.</summary>
    public const int BadInput = 3;

    /// <summary>The environment failed: LibTorch could not load, an output folder cannot be written, the disk is full, another run holds the output folder.</summary>
    public const int Environment = 4;

    /// <summary>Training diverged (the loss became NaN or infinite).</summary>
    public const int Diverged = 5;

    /// <summary>An unexpected failure (a bug): the message names the exception; please report it.</summary>
    public const int InternalError = 70;

    /// <summary>Interrupted (Ctrl+C, SIGINT or SIGTERM); what was finished is kept.</summary>
    public const int Interrupted = 130;
}
