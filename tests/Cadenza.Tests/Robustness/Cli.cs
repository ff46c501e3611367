using System.Diagnostics;

namespace Cadenza.Tests.Robustness;

/// <summary>Runs the real CLI (Cadenza.Cli.dll beside the tests) as a separate process.</summary>
internal static class Cli
{
    public static string Dll => Path.Combine(AppContext.BaseDirectory, "Cadenza.Cli.dll");

    public static ProcessStartInfo StartInfo(params string[] args)
    {
        var info = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        info.ArgumentList.Add(Dll);
        foreach (string a in args) info.ArgumentList.Add(a);
        info.Environment["CADENZA_CACHE"] = Path.Combine(Path.GetTempPath(), "cadenza-test-cache");
        info.Environment["NO_COLOR"] = "1";
        return info;
    }

    public static (int Exit, string Out, string Err) Run(params string[] args) => Run(StartInfo(args));

    /// <summary>Runs the CLI as <paramref name="info"/> (from <see cref="StartInfo"/>, perhaps with more environment) describes, within 2 minutes.</summary>
    public static (int Exit, string Out, string Err) Run(ProcessStartInfo info)
    {
        using Process p = Process.Start(info)!;
        Task<string> stdout = p.StandardOutput.ReadToEndAsync(), stderr = p.StandardError.ReadToEndAsync();
        if (!p.WaitForExit(120_000)) { p.Kill(true); throw new TimeoutException($"cadenza {string.Join(' ', info.ArgumentList.Skip(1))} did not finish"); }
        return (p.ExitCode, stdout.Result, stderr.Result);
    }
}
