using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Text;

namespace Cadenza.Audio;

/// <summary>The FluidSynth 2.x C API, loaded at run time so that a machine without it falls back cleanly instead of crashing.</summary>
/// <remarks>
/// Each entry point is looked up once with <see cref="NativeLibrary.TryGetExport"/> and called through an unmanaged
/// function pointer: no <c>DllImport</c>, so no resolver is registered for the whole assembly and a missing library
/// or symbol is a null result, not a <see cref="DllNotFoundException"/> in the middle of a render. A loaded library
/// stays loaded for the life of the process (unloading native code that may hold threads is not worth the risk).
/// </remarks>
internal sealed unsafe class FluidSynthLibrary
{
    /// <summary>The library's name on Debian (FluidSynth 2.2 and later; the player API used here is 2.x).</summary>
    public const string LinuxName = "libfluidsynth.so.3";

    /// <summary>FLUID_OK: success of an int-returning call.</summary>
    public const int Ok = 0;

    /// <summary>FLUID_FAILED: failure of an int-returning call (also a failed SoundFont id).</summary>
    public const int Failed = -1;

    /// <summary>FLUID_PLAYER_PLAYING in enum fluid_player_status (READY 0, PLAYING 1, STOPPING 2, DONE 3).</summary>
    public const int PlayerPlaying = 1;

    private const int LogPanic = 0;   // FLUID_PANIC .. FLUID_DBG: enum fluid_log_level
    private const int LogError = 1;
    private const int LogDebug = 4;

    private static readonly string[] DefaultNames = OperatingSystem.IsWindows() ? ["libfluidsynth-3.dll", "fluidsynth.dll"]
        : OperatingSystem.IsMacOS() ? ["libfluidsynth.3.dylib", "libfluidsynth.dylib"]
        : [LinuxName];

    private static readonly ConcurrentDictionary<string, Lazy<FluidSynthLibrary?>> Loaded = new(StringComparer.Ordinal);

    [ThreadStatic] private static string? t_lastError;

    private FluidSynthLibrary(string name) => Name = name;

    /// <summary>The name or path the library was loaded from.</summary>
    public string Name { get; }

    /// <summary>FluidSynth's version string, e.g. "2.3.1".</summary>
    public string Version { get; private set; } = "";

    /// <summary>The names tried when no library is given, in order.</summary>
    public static IReadOnlyList<string> Candidates => DefaultNames;

    /// <summary>Loads FluidSynth (<paramref name="library"/>, or the usual names when null); null when it is missing or lacks an entry point.</summary>
    public static FluidSynthLibrary? TryLoad(string? library) =>
        Loaded.GetOrAdd(library ?? "", key => new Lazy<FluidSynthLibrary?>(() => Load(key))).Value;

    /// <summary>The last error FluidSynth logged on this thread (FluidSynth renders on the caller's thread here), or null; reading clears it.</summary>
    public static string? TakeLastError()
    {
        string? error = t_lastError;
        t_lastError = null;
        return error;
    }

    private static FluidSynthLibrary? Load(string library)
    {
        foreach (string name in library.Length > 0 ? [library] : DefaultNames)
        {
            if (!NativeLibrary.TryLoad(name, out nint handle)) continue;
            var lib = new FluidSynthLibrary(name);
            if (lib.Bind(handle)) return lib;
        }
        return null;
    }

    private bool Bind(nint h)
    {
        bool ok = true;
        nint Export(string symbol)
        {
            if (NativeLibrary.TryGetExport(h, symbol, out nint address)) return address;
            ok = false;
            return 0;
        }
        _newSettings = (delegate* unmanaged[Cdecl]<nint>)Export("new_fluid_settings");
        _deleteSettings = (delegate* unmanaged[Cdecl]<nint, void>)Export("delete_fluid_settings");
        _settingsSetNum = (delegate* unmanaged[Cdecl]<nint, byte*, double, int>)Export("fluid_settings_setnum");
        _settingsSetInt = (delegate* unmanaged[Cdecl]<nint, byte*, int, int>)Export("fluid_settings_setint");
        _settingsSetStr = (delegate* unmanaged[Cdecl]<nint, byte*, byte*, int>)Export("fluid_settings_setstr");
        _newSynth = (delegate* unmanaged[Cdecl]<nint, nint>)Export("new_fluid_synth");
        _deleteSynth = (delegate* unmanaged[Cdecl]<nint, void>)Export("delete_fluid_synth");
        _synthSfLoad = (delegate* unmanaged[Cdecl]<nint, byte*, int, int>)Export("fluid_synth_sfload");
        _synthWriteFloat = (delegate* unmanaged[Cdecl]<nint, int, void*, int, int, void*, int, int, int>)Export("fluid_synth_write_float");
        _newPlayer = (delegate* unmanaged[Cdecl]<nint, nint>)Export("new_fluid_player");
        _deletePlayer = (delegate* unmanaged[Cdecl]<nint, void>)Export("delete_fluid_player");
        _playerAddMem = (delegate* unmanaged[Cdecl]<nint, void*, nuint, int>)Export("fluid_player_add_mem");
        _playerPlay = (delegate* unmanaged[Cdecl]<nint, int>)Export("fluid_player_play");
        _playerGetStatus = (delegate* unmanaged[Cdecl]<nint, int>)Export("fluid_player_get_status");
        var setLogFunction = (delegate* unmanaged[Cdecl]<int, delegate* unmanaged[Cdecl]<int, byte*, void*, void>, void*, nint>)Export("fluid_set_log_function");
        var versionStr = (delegate* unmanaged[Cdecl]<byte*>)Export("fluid_version_str");
        if (!ok) return false;

        Version = Marshal.PtrToStringUTF8((nint)versionStr()) ?? "";
        // FluidSynth logs to stderr by default: keep errors (they explain a failed load) and drop the chatter
        for (int level = LogPanic; level <= LogDebug; level++)
            setLogFunction(level, level <= LogError ? &OnLog : null, null);
        return true;
    }

    [UnmanagedCallersOnly(CallConvs = [typeof(CallConvCdecl)])]
    private static void OnLog(int level, byte* message, void* data)
    {
        try { t_lastError = Marshal.PtrToStringUTF8((nint)message); }
        catch (Exception) { }   // an exception must never unwind into native code
    }

    private delegate* unmanaged[Cdecl]<nint> _newSettings;
    private delegate* unmanaged[Cdecl]<nint, void> _deleteSettings;
    private delegate* unmanaged[Cdecl]<nint, byte*, double, int> _settingsSetNum;
    private delegate* unmanaged[Cdecl]<nint, byte*, int, int> _settingsSetInt;
    private delegate* unmanaged[Cdecl]<nint, byte*, byte*, int> _settingsSetStr;
    private delegate* unmanaged[Cdecl]<nint, nint> _newSynth;
    private delegate* unmanaged[Cdecl]<nint, void> _deleteSynth;
    private delegate* unmanaged[Cdecl]<nint, byte*, int, int> _synthSfLoad;
    private delegate* unmanaged[Cdecl]<nint, int, void*, int, int, void*, int, int, int> _synthWriteFloat;
    private delegate* unmanaged[Cdecl]<nint, nint> _newPlayer;
    private delegate* unmanaged[Cdecl]<nint, void> _deletePlayer;
    private delegate* unmanaged[Cdecl]<nint, void*, nuint, int> _playerAddMem;
    private delegate* unmanaged[Cdecl]<nint, int> _playerPlay;
    private delegate* unmanaged[Cdecl]<nint, int> _playerGetStatus;

    /// <summary>new_fluid_settings: a settings object with FluidSynth's defaults (0 on failure).</summary>
    public nint NewSettings() => _newSettings();

    /// <summary>delete_fluid_settings.</summary>
    public void DeleteSettings(nint settings) => _deleteSettings(settings);

    /// <summary>fluid_settings_setnum; returns <see cref="Ok"/> or <see cref="Failed"/>.</summary>
    public int SetNum(nint settings, string name, double value)
    {
        fixed (byte* n = Utf8Z(name)) return _settingsSetNum(settings, n, value);
    }

    /// <summary>fluid_settings_setint; returns <see cref="Ok"/> or <see cref="Failed"/>.</summary>
    public int SetInt(nint settings, string name, int value)
    {
        fixed (byte* n = Utf8Z(name)) return _settingsSetInt(settings, n, value);
    }

    /// <summary>fluid_settings_setstr; returns <see cref="Ok"/> or <see cref="Failed"/>.</summary>
    public int SetStr(nint settings, string name, string value)
    {
        fixed (byte* n = Utf8Z(name))
        fixed (byte* v = Utf8Z(value))
            return _settingsSetStr(settings, n, v);
    }

    /// <summary>new_fluid_synth (0 on failure).</summary>
    public nint NewSynth(nint settings) => _newSynth(settings);

    /// <summary>delete_fluid_synth.</summary>
    public void DeleteSynth(nint synth) => _deleteSynth(synth);

    /// <summary>fluid_synth_sfload with preset reset; returns the SoundFont id or <see cref="Failed"/>.</summary>
    public int SfLoad(nint synth, string path)
    {
        fixed (byte* p = Utf8Z(path)) return _synthSfLoad(synth, p, 1);
    }

    /// <summary>fluid_synth_write_float into interleaved stereo: left at even, right at odd indices.</summary>
    public int WriteInterleaved(nint synth, Span<float> block)
    {
        fixed (float* p = block)
            return _synthWriteFloat(synth, block.Length / 2, p, 0, 2, p, 1, 2);
    }

    /// <summary>new_fluid_player (0 on failure).</summary>
    public nint NewPlayer(nint synth) => _newPlayer(synth);

    /// <summary>delete_fluid_player.</summary>
    public void DeletePlayer(nint player) => _deletePlayer(player);

    /// <summary>fluid_player_add_mem: queues a MIDI file held in memory.</summary>
    public int PlayerAddMem(nint player, void* data, nuint length) => _playerAddMem(player, data, length);

    /// <summary>fluid_player_play.</summary>
    public int PlayerPlay(nint player) => _playerPlay(player);

    /// <summary>fluid_player_get_status (<see cref="PlayerPlaying"/> while events remain).</summary>
    public int PlayerStatus(nint player) => _playerGetStatus(player);

    private static byte[] Utf8Z(string s)
    {
        var bytes = new byte[Encoding.UTF8.GetByteCount(s) + 1];   // zero-terminated for C
        Encoding.UTF8.GetBytes(s, bytes);
        return bytes;
    }
}
