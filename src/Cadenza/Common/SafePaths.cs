using System.Runtime.InteropServices;

namespace Cadenza.Common;

/// <summary>Paths as the kernel resolves them (symlinks and <c>..</c> gone): whether a path a client names lies inside an allowed folder, and one name per folder.</summary>
/// <remarks>
/// <see cref="Path.GetFullPath(string)"/> removes <c>..</c> but keeps symlinks, and a link inside an allowed folder
/// may point anywhere: the check compares the paths the kernel resolves (<c>realpath(3)</c>).
/// </remarks>
public static partial class SafePaths
{
    [LibraryImport("libc", EntryPoint = "realpath", StringMarshalling = StringMarshalling.Utf8)]
    private static partial IntPtr RealPath(string path, IntPtr resolved);

    [LibraryImport("libc", EntryPoint = "free")]
    private static partial void Free(IntPtr pointer);

    /// <summary>The path with every symlink and <c>..</c> resolved, or null when it does not exist.</summary>
    public static string? Resolve(string path)
    {
        IntPtr p = RealPath(path, IntPtr.Zero);
        if (p == IntPtr.Zero) return null;
        try { return Marshal.PtrToStringUTF8(p); }
        finally { Free(p); }
    }

    /// <summary>True when <paramref name="path"/> exists and resolves to <paramref name="root"/> or a path under it.</summary>
    public static bool IsInside(string path, string root)
    {
        string? real = Resolve(path), top = Resolve(root);
        if (real is null || top is null) return false;
        return real == top || real.StartsWith(top.EndsWith('/') ? top : top + "/", StringComparison.Ordinal);
    }
}
