// Shipped in the Mnist.Core package (buildTransitive/) and compiled by MSBuild's RoslynCodeTaskFactory.
// The test project compiles the same file with MNIST_ELF_PATCHER_ONLY defined to test ElfVersionNeedPatcher.
using System;
using System.Collections.Generic;
using System.IO;
using System.Text;
#if !MNIST_ELF_PATCHER_ONLY
using Microsoft.Build.Framework;
using Microsoft.Build.Utilities;
#endif

namespace Mnist.Build
{
    /// <summary>Outcome of patching one ELF file.</summary>
    public enum ElfPatchOutcome
    {
        /// <summary>None of the requested version needs is present: the file was left untouched.</summary>
        NotNeeded,
        /// <summary>Every requested version need present was already weak: the file was left untouched.</summary>
        AlreadyWeak,
        /// <summary>At least one version need was made weak and a new file was written.</summary>
        Patched,
    }

    /// <summary>
    /// Sets the <c>VER_FLG_WEAK</c> bit on selected <c>.gnu.version_r</c> auxiliary entries of an ELF shared object,
    /// so that the dynamic loader only warns (instead of failing) when the named version is missing.
    /// </summary>
    public static class ElfVersionNeedPatcher
    {
        /// <summary>The <c>VER_FLG_WEAK</c> bit of <c>vna_flags</c>.</summary>
        public const ushort VerFlagWeak = 0x2;

        private const uint ShtGnuVerneed = 0x6ffffffe;

        /// <summary>One auxiliary version-need entry (<c>Elf_Vernaux</c>).</summary>
        public readonly struct VersionNeed
        {
            /// <summary>Creates an entry.</summary>
            public VersionNeed(string file, string name, ushort flags, long flagsOffset)
            {
                File = file; Name = name; Flags = flags; FlagsOffset = flagsOffset;
            }

            /// <summary>The library the version is needed from (e.g. <c>libstdc++.so.6</c>).</summary>
            public string File { get; }
            /// <summary>The version name (e.g. <c>GLIBCXX_3.4.32</c>).</summary>
            public string Name { get; }
            /// <summary>The <c>vna_flags</c> value.</summary>
            public ushort Flags { get; }
            /// <summary>Byte offset of <c>vna_flags</c> in the file.</summary>
            public long FlagsOffset { get; }
            /// <summary>Whether <see cref="VerFlagWeak"/> is set.</summary>
            public bool IsWeak => (Flags & VerFlagWeak) != 0;
        }

        /// <summary>Lists every version need of an ELF image. Throws <see cref="InvalidDataException"/> on malformed input.</summary>
        public static IReadOnlyList<VersionNeed> ReadVersionNeeds(byte[] elf)
        {
            if (elf == null) throw new ArgumentNullException(nameof(elf));
            if (elf.Length < 52 || elf[0] != 0x7f || elf[1] != (byte)'E' || elf[2] != (byte)'L' || elf[3] != (byte)'F')
                throw new InvalidDataException("Not an ELF file (bad magic).");
            bool is64 = elf[4] == 2;
            if (elf[4] != 1 && elf[4] != 2) throw new InvalidDataException("Unknown ELF class " + elf[4] + ".");
            bool le = elf[5] == 1;
            if (elf[5] != 1 && elf[5] != 2) throw new InvalidDataException("Unknown ELF data encoding " + elf[5] + ".");
            var r = new Reader(elf, le);

            long shoff = is64 ? (long)r.U64(0x28) : r.U32(0x20);
            int shentsize = r.U16(is64 ? 0x3A : 0x2E);
            int shnum = r.U16(is64 ? 0x3C : 0x30);
            var result = new List<VersionNeed>();
            if (shoff == 0 || shnum == 0) return result;
            if (shentsize < (is64 ? 64 : 40)) throw new InvalidDataException("Section header entry size " + shentsize + " is too small.");
            r.Check(shoff, (long)shentsize * shnum, "section header table");

            for (int i = 0; i < shnum; i++)
            {
                long sh = shoff + (long)i * shentsize;
                uint type = r.U32(sh + 4);
                if (type != ShtGnuVerneed) continue;
                long offset = is64 ? (long)r.U64(sh + 0x18) : r.U32(sh + 0x10);
                long size = is64 ? (long)r.U64(sh + 0x20) : r.U32(sh + 0x14);
                uint link = r.U32(sh + (is64 ? 0x28 : 0x18));
                uint info = r.U32(sh + (is64 ? 0x2C : 0x1C));
                r.Check(offset, size, ".gnu.version_r");
                if (link >= shnum) throw new InvalidDataException(".gnu.version_r links to missing section " + link + ".");
                long strSh = shoff + (long)link * shentsize;
                long strOff = is64 ? (long)r.U64(strSh + 0x18) : r.U32(strSh + 0x10);
                long strSize = is64 ? (long)r.U64(strSh + 0x20) : r.U32(strSh + 0x14);
                r.Check(strOff, strSize, "string table of .gnu.version_r");

                long need = offset;
                for (uint n = 0; n < info; n++)
                {
                    r.Check(need, 16, "Elf_Verneed entry");
                    ushort cnt = r.U16(need + 2);
                    string file = r.CString(strOff, strSize, r.U32(need + 4));
                    uint auxOff = r.U32(need + 8);
                    uint next = r.U32(need + 12);
                    long aux = need + auxOff;
                    for (int a = 0; a < cnt; a++)
                    {
                        r.Check(aux, 16, "Elf_Vernaux entry");
                        ushort flags = r.U16(aux + 4);
                        string name = r.CString(strOff, strSize, r.U32(aux + 8));
                        result.Add(new VersionNeed(file, name, flags, aux + 4));
                        uint auxNext = r.U32(aux + 12);
                        if (auxNext == 0) break;
                        aux += auxNext;
                    }
                    if (next == 0) break;
                    need += next;
                }
            }
            return result;
        }

        /// <summary>
        /// Returns a patched copy of <paramref name="elf"/> (or the same array when nothing changes) in which every
        /// version need named in <paramref name="versionNames"/> carries <see cref="VerFlagWeak"/>.
        /// </summary>
        public static byte[] Patch(byte[] elf, IEnumerable<string> versionNames, out ElfPatchOutcome outcome)
        {
            var wanted = new HashSet<string>(versionNames, StringComparer.Ordinal);
            var needs = ReadVersionNeeds(elf);
            byte[] output = elf;
            bool found = false;
            bool le = elf[5] == 1;
            foreach (var need in needs)
            {
                if (!wanted.Contains(need.Name)) continue;
                found = true;
                if (need.IsWeak) continue;
                if (ReferenceEquals(output, elf)) output = (byte[])elf.Clone();
                ushort flags = (ushort)(need.Flags | VerFlagWeak);
                output[need.FlagsOffset] = le ? (byte)(flags & 0xff) : (byte)(flags >> 8);
                output[need.FlagsOffset + 1] = le ? (byte)(flags >> 8) : (byte)(flags & 0xff);
            }
            outcome = !found ? ElfPatchOutcome.NotNeeded : ReferenceEquals(output, elf) ? ElfPatchOutcome.AlreadyWeak : ElfPatchOutcome.Patched;
            return output;
        }

        /// <summary>
        /// Patches <paramref name="path"/> in place by writing a new file next to it and renaming it over the original,
        /// so that a hard link to a shared copy (e.g. the NuGet cache) is replaced rather than written through.
        /// </summary>
        public static ElfPatchOutcome PatchFile(string path, IEnumerable<string> versionNames)
        {
            byte[] original = File.ReadAllBytes(path);
            byte[] patched = Patch(original, versionNames, out var outcome);
            if (outcome != ElfPatchOutcome.Patched) return outcome;
            string temp = path + ".mnist-" + Guid.NewGuid().ToString("N") + ".tmp";
            try
            {
                using (var stream = new FileStream(temp, FileMode.CreateNew, FileAccess.Write))
                {
                    stream.Write(patched, 0, patched.Length);
                }
                File.Delete(path); // removes this directory entry only: other hard links keep the original bytes
                File.Move(temp, path);
            }
            finally
            {
                if (File.Exists(temp)) File.Delete(temp);
            }
            return outcome;
        }

        private readonly struct Reader
        {
            private readonly byte[] _b;
            private readonly bool _le;

            public Reader(byte[] b, bool le) { _b = b; _le = le; }

            public void Check(long offset, long length, string what)
            {
                if (offset < 0 || length < 0 || offset > _b.Length || length > _b.Length - offset)
                    throw new InvalidDataException(what + " (offset " + offset + ", " + length + " bytes) lies outside the " + _b.Length + "-byte file.");
            }

            public ushort U16(long o) { Check(o, 2, "field"); return _le ? (ushort)(_b[o] | _b[o + 1] << 8) : (ushort)(_b[o] << 8 | _b[o + 1]); }

            public uint U32(long o)
            {
                Check(o, 4, "field");
                return _le
                    ? (uint)(_b[o] | _b[o + 1] << 8 | _b[o + 2] << 16 | _b[o + 3] << 24)
                    : (uint)(_b[o] << 24 | _b[o + 1] << 16 | _b[o + 2] << 8 | _b[o + 3]);
            }

            public ulong U64(long o)
            {
                ulong a = U32(o), b = U32(o + 4);
                return _le ? a | b << 32 : a << 32 | b;
            }

            public string CString(long tableOffset, long tableSize, uint index)
            {
                if (index >= tableSize) throw new InvalidDataException("String index " + index + " is outside its table of " + tableSize + " bytes.");
                long start = tableOffset + index, end = start;
                long limit = tableOffset + tableSize;
                while (end < limit && _b[end] != 0) end++;
                if (end == limit) throw new InvalidDataException("Unterminated string at offset " + start + ".");
                return Encoding.UTF8.GetString(_b, (int)start, (int)(end - start));
            }
        }
    }

#if !MNIST_ELF_PATCHER_ONLY
    /// <summary>MSBuild task: applies <see cref="ElfVersionNeedPatcher.PatchFile"/> to each file.</summary>
    public sealed class MnistWeakenElfVersionNeeds : Task
    {
        /// <summary>The ELF files to patch (in the output or publish folder, never the NuGet cache).</summary>
        [Required] public ITaskItem[] Files { get; set; } = Array.Empty<ITaskItem>();

        /// <summary>Version names to make weak, e.g. GLIBCXX_3.4.32.</summary>
        [Required] public string[] VersionNames { get; set; } = Array.Empty<string>();

        /// <summary>The files that were rewritten.</summary>
        [Output] public ITaskItem[] PatchedFiles { get; set; } = Array.Empty<ITaskItem>();

        /// <inheritdoc />
        public override bool Execute()
        {
            var patched = new List<ITaskItem>();
            foreach (var item in Files)
            {
                string path = item.GetMetadata("FullPath");
                try
                {
                    var outcome = ElfVersionNeedPatcher.PatchFile(path, VersionNames);
                    if (outcome == ElfPatchOutcome.Patched)
                    {
                        patched.Add(item);
                        Log.LogMessage(MessageImportance.High, "Mnist.Core: patched {1}: version need(s) {0} marked weak so that TorchSharp loads on Debian 12 and other distributions with an older libstdc++ (the NuGet cache is untouched). Turn this off with -p:MnistPatchLibTorchSharp=false; see docs/debian12-native-library.md.", string.Join(", ", VersionNames), path);
                    }
                    else
                    {
                        Log.LogMessage(MessageImportance.Low, "Mnist.Core: {0}: {1}.", path, outcome);
                    }
                }
                catch (Exception ex) when (ex is IOException || ex is UnauthorizedAccessException)
                {
                    Log.LogWarning("Mnist.Core: could not patch {0}: {1}. Set MnistPatchLibTorchSharp=false to skip this step.", path, ex.Message);
                }
            }
            PatchedFiles = patched.ToArray();
            return !Log.HasLoggedErrors;
        }
    }
#endif
}
