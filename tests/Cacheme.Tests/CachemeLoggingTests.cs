using System.Collections.Concurrent;
using CachemeNet.Tests.Fakes;
using Microsoft.Extensions.Logging;

namespace CachemeNet.Tests;

/// <summary>The ILogger events (with stable ids) for load failures, tier outages and undecodable payloads.</summary>
public sealed class CachemeLoggingTests
{
    [Fact]
    public async Task Load_failures_tier_outages_and_undecodable_values_are_logged_with_their_event_ids()
    {
        var log = new CapturingLoggerFactory();
        var time = new ManualTimeProvider();
        await using var client = new CachemeClient(new CachemeOptions { TimeProvider = time, LoggerFactory = log });
        var remote = new RecordingRemoteStorage(time);
        await client.RegisterStorageAsync("remote", TestStorageProvider.For(remote));
        var source = new TestSource();
        NodeMeta meta = new() { Caches = [new Cache("remote", null)] };

        remote.Plant("cacheme:item:garbled:v1", [1, 2, 3]);
        await client.GetAsync(new ItemNode("garbled", source, meta));
        remote.Failure = new InvalidOperationException("connection refused");
        await client.GetAsync(new ItemNode("outage", source, meta));
        remote.Failure = null;
        source.Failure = new InvalidOperationException("database down");
        await Assert.ThrowsAsync<InvalidOperationException>(async () => await client.GetAsync(new ItemNode("broken", source, meta)));

        Assert.All(log.Entries, e => Assert.Equal("Cacheme", e.Category));
        var undecodable = Assert.Single(log.Entries, e => e.Id == 1003);
        Assert.Contains("cacheme:item:garbled:v1", undecodable.Message, StringComparison.Ordinal);
        Assert.Equal(2, log.Entries.Count(e => e.Id == 1002 && e.Exception?.Message == "connection refused")); // get, then set
        var loadFailed = Assert.Single(log.Entries, e => e.Id == 1001);
        Assert.Equal("database down", loadFailed.Exception?.Message);
        Assert.All(log.Entries, e => Assert.Equal(LogLevel.Warning, e.Level));
    }

    private sealed record Entry(string Category, int Id, LogLevel Level, string Message, Exception? Exception);

    private sealed class CapturingLoggerFactory : ILoggerFactory
    {
        private readonly ConcurrentQueue<Entry> _entries = new();

        public IReadOnlyList<Entry> Entries => [.. _entries];

        public ILogger CreateLogger(string categoryName) => new Logger(categoryName, _entries);

        public void AddProvider(ILoggerProvider provider) => throw new NotSupportedException();

        public void Dispose()
        {
        }

        private sealed class Logger(string category, ConcurrentQueue<Entry> entries) : ILogger
        {
            public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

            public bool IsEnabled(LogLevel logLevel) => true;

            public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
                entries.Enqueue(new Entry(category, eventId.Id, logLevel, formatter(state, exception), exception));
        }
    }
}
