using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace Cadenza.Tests.Datasets;

/// <summary>
/// An HTTP server on 127.0.0.1 (a free port) serving one file with Range support, for the downloader tests; it can
/// cut a connection after some bytes, ignore Range, and records what it was asked. Serves only loopback requests.
/// </summary>
internal sealed class LoopbackServer : IDisposable
{
    private const int PortTries = 5;

    private readonly HttpListener _listener;
    private readonly Task _loop;
    private readonly byte[] _file;
    private int _served;

    public LoopbackServer(byte[] file, string path = "/dataset.zip")
    {
        _file = file;
        FilePath = path;
        for (int attempt = 1; ; attempt++)
        {
            var probe = new TcpListener(IPAddress.Loopback, 0);
            probe.Start();
            int port = ((IPEndPoint)probe.LocalEndpoint).Port;
            probe.Stop();
            _listener = new HttpListener();
            _listener.Prefixes.Add($"http://127.0.0.1:{port}/");
            try
            {
                _listener.Start();
                Url = new Uri($"http://127.0.0.1:{port}{path}");
                break;
            }
            catch (HttpListenerException) when (attempt < PortTries)
            {
                // another process took the port between the probe and the start: try another
            }
        }
        _loop = Task.Run(Serve);
    }

    /// <summary>The file's address.</summary>
    public Uri Url { get; }

    /// <summary>The path the file is served at.</summary>
    public string FilePath { get; }

    /// <summary>For the first this-many responses, send only <see cref="CutAfter"/> bytes and then drop the connection.</summary>
    public int CutResponses { get; set; }

    /// <summary>Bytes sent before a cut.</summary>
    public int CutAfter { get; set; }

    /// <summary>Answer every request with the whole file (200), as servers without Range support do.</summary>
    public bool IgnoreRange { get; set; }

    /// <summary>The Range header of each request, in order ("" when none).</summary>
    public ConcurrentQueue<string> Ranges { get; } = new();

    private async Task Serve()
    {
        while (_listener.IsListening)
        {
            HttpListenerContext context;
            try
            {
                context = await _listener.GetContextAsync();
            }
            catch (Exception e) when (e is HttpListenerException or ObjectDisposedException or InvalidOperationException)
            {
                return;   // stopped
            }
            try
            {
                Handle(context);
            }
            catch (Exception e) when (e is HttpListenerException or IOException or ObjectDisposedException)
            {
                // the client went away
            }
        }
    }

    private void Handle(HttpListenerContext context)
    {
        HttpListenerResponse response = context.Response;
        string range = context.Request.Headers["Range"] ?? "";
        Ranges.Enqueue(range);
        if (context.Request.Url?.AbsolutePath != FilePath)
        {
            response.StatusCode = 404;
            response.Close();
            return;
        }
        long from = 0;
        if (!IgnoreRange && range.StartsWith("bytes=", StringComparison.Ordinal) && range.EndsWith('-'))
            from = long.Parse(range["bytes=".Length..^1], CultureInfo.InvariantCulture);
        if (from >= _file.Length && from > 0)
        {
            response.StatusCode = 416;
            response.Headers["Content-Range"] = $"bytes */{_file.Length}";
            response.Close();
            return;
        }
        response.StatusCode = from > 0 ? 206 : 200;
        if (from > 0) response.Headers["Content-Range"] = $"bytes {from}-{_file.Length - 1}/{_file.Length}";
        response.ContentLength64 = _file.Length - from;
        bool cut = Interlocked.Increment(ref _served) <= CutResponses;
        int count = cut ? Math.Min(CutAfter, _file.Length - (int)from) : _file.Length - (int)from;
        response.OutputStream.Write(_file, (int)from, count);
        if (cut)
        {
            response.OutputStream.Flush();
            response.Abort();   // drop the connection with the body unfinished
            return;
        }
        response.Close();
    }

    public void Dispose()
    {
        // Close stops the listener itself; a second removal (Stop, then Close) makes the managed HttpListener look the
        // port up again, and if another test's server has just taken that port it throws "Address already in use"
        try { _listener.Close(); }
        catch (HttpListenerException) { }
        try { _loop.Wait(TimeSpan.FromSeconds(5)); } catch (AggregateException) { }
    }
}
