using System.Diagnostics;
using System.Globalization;
using Mnist.Preprocessing;
using Mnist.Tests.Infrastructure;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.Formats.Tiff;
using SixLabors.ImageSharp.Formats.Webp;
using SixLabors.ImageSharp.PixelFormats;
using Xunit.Abstractions;

namespace Mnist.Tests.Preprocessing;

/// <summary>
/// Seeded random mutations — bit flips, truncations, overwrites of header fields with extreme values, spliced copies —
/// of the committed sample images (PNG, JPEG, BMP) and of crafted GIF, TIFF and WebP files. Every mutated file must
/// either preprocess into a 28×28 digit or throw <see cref="DigitImageException"/>: never another exception, never hang.
/// Deterministic: the same seeds give the same files; a failure names the source, the case's seed and its mutations.
/// </summary>
public sealed class ImageFuzzTests(ITestOutputHelper output)
{
    private const int BaseSeed = 15_2026;
    private const int MutationsPerSource = 1200;
    private static readonly TimeSpan CaseTimeout = TimeSpan.FromSeconds(10);

    // A lower pixel limit than the default keeps each case fast when a mutation declares a large image: the decoders
    // then allocate the declared size before they find the data missing. The default limits are tested elsewhere.
    private static readonly DigitImagePreprocessor Preprocessor = new(new DigitPreprocessingOptions { MaxPixelCount = 2_000_000, MaxSidePixels = 8192 });

    private static readonly string SampleImages = Path.Combine(RepoPaths.Root, "samples", "Mnist.Predict", "images");

    [Fact]
    public void Mutated_images_preprocess_to_28x28_or_throw_a_digit_image_exception_and_never_hang()
    {
        var sources = Sources();
        sources.Select(s => s.Format).Distinct().Should().BeEquivalentTo(["png", "jpeg", "bmp", "gif", "tiff", "webp"]);
        var failures = new List<string>();
        var outcomes = new SortedDictionary<string, int>(StringComparer.Ordinal);
        var watch = Stopwatch.StartNew();
        int cases = 0;
        for (int s = 0; s < sources.Count && failures.Count == 0; s++)
        {
            var (name, format, original) = sources[s];
            for (int i = 0; i < MutationsPerSource; i++)
            {
                int seed = BaseSeed + s * 10_000 + i;
                var bytes = Mutate(original, format, new Random(seed), out string mutations);
                string label = $"{name} case {i} (seed {seed}, {bytes.Length} bytes): {mutations}";
                cases++;
                string? failure = Run(bytes, name, label, outcomes);
                if (failure is null) continue;
                failures.Add(failure);
                if (failure.Contains("did not finish", StringComparison.Ordinal)) break;
            }
        }

        watch.Stop();
        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{cases} mutated files from {sources.Count} sources in {watch.Elapsed.TotalSeconds:N1} s"));
        foreach (var (outcome, count) in outcomes) output.WriteLine($"  {outcome}: {count}");
        failures.Should().BeEmpty();
    }

    [Fact]
    public void The_mutations_are_deterministic_and_change_the_files()
    {
        var (_, format, original) = Sources()[0];

        var a = Mutate(original, format, new Random(7), out string first);
        var b = Mutate(original, format, new Random(7), out string second);

        a.Should().Equal(b);
        first.Should().Be(second);
        Enumerable.Range(0, 50).Count(i => !Mutate(original, format, new Random(i), out _).AsSpan().SequenceEqual(original))
            .Should().BeGreaterThan(45, "almost every mutation changes something");
    }

    /// <summary>Runs one case; null when it behaved.</summary>
    private static string? Run(byte[] bytes, string name, string label, SortedDictionary<string, int> outcomes)
    {
        var task = Task.Run(() => Preprocessor.Preprocess(new MemoryStream(bytes, writable: false), name));
        string outcome;
        try
        {
            if (!task.Wait(CaseTimeout)) return $"{label}: did not finish within {CaseTimeout.TotalSeconds:N0} s";
            if (task.Result.Length != 28 * 28) return $"{label}: returned {task.Result.Length} bytes, not 28×28";
            outcome = "preprocessed";
        }
        catch (AggregateException ex) when (ex.InnerException is DigitImageException digit)
        {
            outcome = $"DigitImageException {digit.Problem}" + (digit.InnerException is { } inner ? $" from {inner.GetType().Name}" : "");
            if (!digit.Message.StartsWith(name + ": ", StringComparison.Ordinal)) return $"{label}: the message does not name the file: {digit.Message}";
        }
        catch (AggregateException ex)
        {
            return $"{label}: threw {ex.InnerException}";
        }

        outcomes[outcome] = outcomes.GetValueOrDefault(outcome) + 1;
        return null;
    }

    private static List<(string Name, string Format, byte[] Bytes)> Sources()
    {
        var sources = Directory.GetFiles(SampleImages).Order(StringComparer.Ordinal)
            .Select(f => (Path.GetFileName(f), Path.GetExtension(f) switch { ".png" => "png", ".jpg" => "jpeg", _ => "bmp" }, File.ReadAllBytes(f)))
            .ToList();

        static int Seven(int x, int y) => (y is >= 8 and < 13 && x is >= 10 and < 38) || (x >= 33 - y / 2 && x < 39 - y / 2 && y is >= 13 and < 42) ? 1 : 0;
        var gif = new GifFiles(48, 48, GifFiles.White, GifFiles.Black).AddFrame(0, 0, 48, 48, Seven).AddDot(3, 3).AddFrame(10, 10, 4, 4, (x, y) => (x + y) % 2);
        sources.Add(("seven.gif", "gif", gif.ToArray()));

        using var image = Image.Load<L8>(gif.ToArray());
        using var tiff = new MemoryStream();
        image.Save(tiff, new TiffEncoder { Compression = SixLabors.ImageSharp.Formats.Tiff.Constants.TiffCompression.Lzw });
        sources.Add(("seven.tif", "tiff", tiff.ToArray()));
        using var webp = new MemoryStream();
        image.Save(webp, new WebpEncoder { FileFormat = WebpFileFormatType.Lossy, Quality = 80 });
        sources.Add(("seven.webp", "webp", webp.ToArray()));
        return sources;
    }

    /// <summary>One to three mutations of <paramref name="original"/>; <paramref name="description"/> lists them.</summary>
    private static byte[] Mutate(byte[] original, string format, Random random, out string description)
    {
        var bytes = original.ToArray();
        var steps = new List<string>();
        int count = random.Next(1, 4);
        for (int m = 0; m < count; m++)
        {
            switch (random.Next(5))
            {
                case 0:
                {
                    int flips = random.Next(1, 9);
                    for (int f = 0; f < flips && bytes.Length > 0; f++)
                    {
                        int at = random.Next(bytes.Length);
                        bytes[at] ^= (byte)(1 << random.Next(8));
                    }

                    steps.Add($"{flips} bit flip(s)");
                    break;
                }

                case 1:
                {
                    int length = random.Next(bytes.Length);
                    bytes = bytes[..length];
                    steps.Add($"truncated to {length}");
                    break;
                }

                case 2:
                case 3:
                {
                    var fields = HeaderFields(bytes, format);
                    var (offset, size) = fields[random.Next(fields.Count)];
                    ulong value = Extreme(random);
                    bool bigEndian = format is "png" or "jpeg";
                    for (int k = 0; k < size && offset + k < bytes.Length; k++)
                    {
                        int shift = 8 * (bigEndian ? size - 1 - k : k);
                        bytes[offset + k] = (byte)(value >> shift);
                    }

                    steps.Add($"header field at {offset} ({size} bytes) = 0x{value:X}");
                    break;
                }

                default:
                {
                    if (bytes.Length < 2) break;
                    int from = random.Next(bytes.Length), length = random.Next(1, Math.Min(512, bytes.Length - from) + 1);
                    int to = random.Next(bytes.Length);
                    bytes = [.. bytes[..to], .. bytes.AsSpan(from, length), .. bytes[to..]];
                    steps.Add($"spliced {length} bytes from {from} at {to}");
                    break;
                }
            }
        }

        if (format == "png" && random.Next(2) == 0)
        {
            DigitImages.FixPngCrcs(bytes);
            steps.Add("CRCs fixed");
        }

        description = string.Join(", ", steps);
        return bytes;
    }

    /// <summary>0, 1, all ones, the sign bit, a power of two, or random: the values that break size arithmetic.</summary>
    private static ulong Extreme(Random random) => random.Next(8) switch
    {
        0 => 0,
        1 => 1,
        2 => ulong.MaxValue,
        3 => 0x80_00_00_00_00_00_00_00 >> (8 * random.Next(8)),
        4 => 0x7F_FF_FF_FF_FF_FF_FF_FFUL >> (8 * random.Next(8)),
        5 => 1UL << random.Next(32),
        _ => (ulong)random.NextInt64(),
    };

    /// <summary>(offset, size) of the fields that declare sizes, counts and offsets in the file's header.</summary>
    private static List<(int Offset, int Size)> HeaderFields(byte[] bytes, string format)
    {
        var fields = new List<(int, int)>();
        switch (format)
        {
            case "png":
                // IHDR: width, height, bit depth, colour type, compression, filter, interlace; then each chunk's length.
                fields.AddRange([(16, 4), (20, 4), (24, 1), (25, 1), (26, 1), (27, 1), (28, 1)]);
                for (int offset = 8; offset + 8 <= bytes.Length && fields.Count < 40;)
                {
                    fields.Add((offset, 4));
                    long length = (uint)(bytes[offset] << 24 | bytes[offset + 1] << 16 | bytes[offset + 2] << 8 | bytes[offset + 3]);
                    if (length > bytes.Length) break;
                    offset += 12 + (int)length;
                }

                break;
            case "bmp":
                // File size, data offset, header size, width, height, planes, bit count, compression, image size, resolution, colours used/important.
                fields.AddRange([(2, 4), (10, 4), (14, 4), (18, 4), (22, 4), (26, 2), (28, 2), (30, 4), (34, 4), (38, 4), (46, 4), (50, 4)]);
                break;
            case "gif":
                // Screen width, height, flags; the first image descriptor's left, top, width, height, flags; the LZW code size.
                fields.AddRange([(6, 2), (8, 2), (10, 1), (11, 1)]);
                int descriptor = bytes.Length > 19 ? Array.IndexOf(bytes, (byte)0x2C, 19) : -1;
                if (descriptor > 0) fields.AddRange([(descriptor + 1, 2), (descriptor + 3, 2), (descriptor + 5, 2), (descriptor + 7, 2), (descriptor + 9, 1), (descriptor + 10, 1)]);
                break;
            case "jpeg":
                // Every marker segment's length; in a start-of-frame segment also precision, height, width, components.
                for (int i = 2; i + 4 <= bytes.Length && fields.Count < 40; i++)
                {
                    if (bytes[i] != 0xFF || bytes[i + 1] is 0x00 or 0xFF) continue;
                    fields.Add((i + 2, 2));
                    if (bytes[i + 1] is >= 0xC0 and <= 0xC3) fields.AddRange([(i + 4, 1), (i + 5, 2), (i + 7, 2), (i + 9, 1)]);
                    if (bytes[i + 1] == 0xDA) break;
                }

                break;
            case "tiff":
                // The first IFD's offset and entry count, then each entry's type, count and value (or offset).
                fields.AddRange([(2, 2), (4, 4)]);
                int ifd = bytes.Length >= 8 ? BitConverter.ToInt32(bytes, 4) : -1;
                if (ifd >= 8 && ifd + 2 <= bytes.Length)
                {
                    fields.Add((ifd, 2));
                    for (int entry = ifd + 2; entry + 12 <= bytes.Length && fields.Count < 60; entry += 12) fields.AddRange([(entry + 2, 2), (entry + 4, 4), (entry + 8, 4)]);
                }

                break;
            default:
                // WebP: the RIFF size, the first chunk's size and the frame header after it, 2 and 4 bytes at a time.
                fields.AddRange([(4, 4), (16, 4)]);
                for (int offset = 20; offset + 4 <= Math.Min(bytes.Length, 48); offset += 2) fields.Add((offset, offset % 4 == 0 ? 4 : 2));
                break;
        }

        return fields.Count > 0 ? fields : [(0, 4)];
    }
}
