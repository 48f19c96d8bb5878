using CachemeNet.Internal.Local;

namespace CachemeNet.Tests.Local;

public sealed class EvictionHistoryTests
{
    private const int Capacity = 100;

    [Fact]
    public void A_recorded_key_is_found_with_the_start_of_the_span_of_its_last_use()
    {
        var history = new EvictionHistory(Capacity, 3);
        history.Advance(250); // spans of 100 ticks: the newest starts at 200

        history.Record(7, 150);

        Assert.True(history.TryGetLastUsed(7, out int spanStart));
        Assert.Equal(100, spanStart);
    }

    [Fact]
    public void The_newest_span_holding_a_key_answers()
    {
        var history = new EvictionHistory(Capacity, 3);
        history.Advance(250);
        history.Record(7, 50);
        history.Record(7, 230);

        Assert.True(history.TryGetLastUsed(7, out int spanStart));
        Assert.Equal(200, spanStart);
    }

    [Fact]
    public void Never_misses_a_remembered_key_and_rarely_finds_an_unrecorded_one()
    {
        var history = new EvictionHistory(Capacity, 3);
        history.Advance(450);
        for (int key = 0; key < 5 * Capacity; key++)
        {
            history.Record(key, key % 500); // a full capacity of keys in each of the five spans
        }

        int exact = 0;
        for (int key = 0; key < 5 * Capacity; key++)
        {
            Assert.True(history.TryGetLastUsed(key, out int spanStart), $"key {key} was forgotten");

            // Never an older span than its own; a newer one only through a false positive there.
            int ownSpan = key % 500 / Capacity * Capacity;
            Assert.True(spanStart >= ownSpan, $"key {key}: span {spanStart}, own {ownSpan}");
            exact += spanStart == ownSpan ? 1 : 0;
        }

        Assert.True(exact >= 450, $"only {exact} of 500 keys answered with their own span");

        // Five filters of 8 bits per key, 4 probes, each full: about 2.4 % false positives each, 11.5 % for any of them.
        int found = Enumerable.Range(100_000, 10_000).Count(k => history.TryGetLastUsed(k, out _));
        Assert.InRange(found, 0, 1_500);
    }

    [Fact]
    public void A_key_last_used_before_the_remembered_spans_is_not_recorded()
    {
        var history = new EvictionHistory(Capacity, 3);
        history.Advance(1_000); // remembered spans start at 600, 700, 800, 900 and 1,000

        history.Record(7, 599);
        history.Record(8, 600);

        Assert.False(history.TryGetLastUsed(7, out _));
        Assert.True(history.TryGetLastUsed(8, out int spanStart));
        Assert.Equal(600, spanStart);
    }

    [Fact]
    public void Entering_a_new_span_forgets_the_oldest()
    {
        var history = new EvictionHistory(Capacity, 3);
        history.Advance(450);
        history.Record(7, 20);  // the oldest span, [0, 100)
        history.Record(8, 120); // the next, [100, 200)

        history.Advance(500);

        Assert.False(history.TryGetLastUsed(7, out _));
        Assert.True(history.TryGetLastUsed(8, out _));
    }

    [Fact]
    public void A_jump_past_every_span_forgets_everything_and_spans_restart_at_the_clock()
    {
        var history = new EvictionHistory(Capacity, 3);
        history.Advance(150);
        history.Record(7, 120);

        history.Advance(10_000);

        Assert.False(history.TryGetLastUsed(7, out _));
        history.Record(7, 9_950);
        Assert.True(history.TryGetLastUsed(7, out int spanStart));
        Assert.Equal(9_900, spanStart);
    }

    [Fact]
    public void Keeps_working_when_the_clock_wraps()
    {
        var history = new EvictionHistory(Capacity, 3);
        history.Advance(int.MaxValue - 50); // spans restart: the newest starts at int.MaxValue - 50
        history.Record(7, int.MaxValue - 10);

        int clock = int.MaxValue - 50;
        for (int tick = 0; tick < 300; tick++)
        {
            history.Advance(unchecked(++clock)); // one tick per added entry, through the wrap
        }

        Assert.True(history.TryGetLastUsed(7, out int spanStart));
        Assert.Equal(int.MaxValue - 50, spanStart);
        history.Record(8, unchecked(int.MaxValue + 100));
        Assert.True(history.TryGetLastUsed(8, out int wrappedStart));
        Assert.Equal(unchecked(int.MaxValue - 50 + 100), wrappedStart);
    }

    [Fact]
    public void Clear_forgets_every_key()
    {
        var history = new EvictionHistory(Capacity, 3);
        history.Record(7, 0);

        history.Clear();

        Assert.False(history.TryGetLastUsed(7, out _));
    }

    [Fact]
    public void A_capacity_below_one_is_refused() =>
        Assert.Throws<ArgumentOutOfRangeException>(() => new EvictionHistory(0, 3));
}
