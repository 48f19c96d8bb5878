using CachemeNet.Internal.Local;

namespace CachemeNet.Tests.Local;

public sealed class StripedReadBufferTests
{
    private struct Collector(List<string> items) : IReadConsumer<string>
    {
        public readonly void Consume(string item) => items.Add(item);
    }

    /// <summary>Drains <paramref name="buffer"/> on another thread until <paramref name="producers"/> complete, then once more.</summary>
    private static Task DrainUntil(StripedReadBuffer<string> buffer, Task producers, List<string> drained) => Task.Run(() =>
    {
        var collector = new Collector(drained);
        while (!producers.IsCompleted)
        {
            buffer.Drain(ref collector);
        }

        buffer.Drain(ref collector);
    });

    [Fact]
    public void Drains_recorded_reads_in_order_and_reports_a_full_stripe()
    {
        var buffer = new StripedReadBuffer<string>(1);
        for (int i = 0; i < StripedReadBuffer<string>.StripeLength; i++)
        {
            Assert.Equal(ReadBufferStatus.Recorded, buffer.TryAdd($"r{i}"));
        }

        Assert.Equal(ReadBufferStatus.Full, buffer.TryAdd("dropped"));
        var drained = new List<string>();
        var collector = new Collector(drained);
        buffer.Drain(ref collector);
        Assert.Equal(Enumerable.Range(0, StripedReadBuffer<string>.StripeLength).Select(i => $"r{i}"), drained);
        Assert.Equal(ReadBufferStatus.Recorded, buffer.TryAdd("again"));
    }

    [Fact]
    public async Task One_producer_and_a_concurrent_consumer_lose_nothing_and_keep_order()
    {
        var buffer = new StripedReadBuffer<string>(1);
        string[] items = [.. Enumerable.Range(0, 200_000).Select(i => i.ToString(System.Globalization.CultureInfo.InvariantCulture))];
        var drained = new List<string>();
        Task producer = Task.Run(() =>
        {
            foreach (string item in items)
            {
                while (buffer.TryAdd(item) != ReadBufferStatus.Recorded)
                {
                    Thread.SpinWait(10); // full: wait for the consumer (a real reader would drop the read instead)
                }
            }
        });
        await Task.WhenAll(producer, DrainUntil(buffer, producer, drained));
        Assert.Equal(items, drained);
    }

    [Fact]
    public async Task Concurrent_producers_and_one_consumer_never_deliver_an_item_twice_or_invent_one()
    {
        var buffer = new StripedReadBuffer<string>(2);
        string[] items = [.. Enumerable.Range(0, 200_000).Select(i => i.ToString(System.Globalization.CultureInfo.InvariantCulture))];
        int recorded = 0;
        var drained = new List<string>();
        Task producers = Task.WhenAll(Enumerable.Range(0, 2).Select(p => Task.Run(() =>
        {
            for (int i = p; i < items.Length; i += 2)
            {
                if (buffer.TryAdd(items[i]) == ReadBufferStatus.Recorded)
                {
                    Interlocked.Increment(ref recorded);
                }
            }
        })));
        await Task.WhenAll(producers, DrainUntil(buffer, producers, drained));
        // Producers sharing a stripe may overwrite each other's read (lossy by design), never duplicate or invent one.
        Assert.True(drained.Count <= recorded, $"{drained.Count} drained, {recorded} recorded");
        Assert.Equal(drained.Count, drained.Distinct().Count());
        Assert.Subset(items.ToHashSet(), drained.ToHashSet());
    }
}
