using System.Diagnostics;

namespace CachemeNet.Storages.Tests;

/// <summary>A Cacheme instance in a second process (tests/Cacheme.ProcessHost), driven line by line over stdin/stdout.</summary>
public sealed class ProcessHost : IAsyncDisposable
{
    private readonly Process _process;

    private ProcessHost(Process process) => _process = process;

    public static async Task<ProcessHost> StartAsync(string redisHostPort, string prefix)
    {
        string dll = Locate();
        var process = Process.Start(new ProcessStartInfo("dotnet", [dll, "serve", redisHostPort, prefix])
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        }) ?? throw new InvalidOperationException("cannot start the process host");
        var host = new ProcessHost(process);
        Assert.Equal("ready", await host.ReadLineAsync());
        return host;
    }

    /// <summary>Sends one command and returns its one-line reply.</summary>
    public async Task<string> SendAsync(string command)
    {
        await _process.StandardInput.WriteLineAsync(command);
        await _process.StandardInput.FlushAsync();
        return await ReadLineAsync();
    }

    public async ValueTask DisposeAsync()
    {
        _process.StandardInput.Close();
        if (!_process.WaitForExit(10_000))
        {
            _process.Kill(entireProcessTree: true);
        }

        await _process.WaitForExitAsync();
        _process.Dispose();
    }

    private async Task<string> ReadLineAsync()
    {
        string? line = await _process.StandardOutput.ReadLineAsync().WaitAsync(TimeSpan.FromSeconds(60));
        return line ?? throw new InvalidOperationException("process host exited: " + await _process.StandardError.ReadToEndAsync());
    }

    private static string Locate()
    {
        // The test assembly runs from tests/Cacheme.Storages.Tests/bin/<configuration>/net10.0/.
        var here = new DirectoryInfo(AppContext.BaseDirectory);
        string configuration = here.Parent!.Name;
        DirectoryInfo? root = here;
        while (root is not null && !File.Exists(Path.Combine(root.FullName, "Cacheme.sln")))
        {
            root = root.Parent;
        }

        string dll = Path.Combine(root?.FullName ?? throw new InvalidOperationException("repository root not found"),
            "tests", "Cacheme.ProcessHost", "bin", configuration, "net10.0", "Cacheme.ProcessHost.dll");
        return File.Exists(dll) ? dll : throw new FileNotFoundException("build tests/Cacheme.ProcessHost first", dll);
    }
}
