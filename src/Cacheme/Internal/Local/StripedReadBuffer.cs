using System.Numerics;
using System.Runtime.InteropServices;

namespace CachemeNet.Internal.Local;

/// <summary>The outcome of recording a read.</summary>
internal enum ReadBufferStatus
{
    /// <summary>Recorded.</summary>
    Recorded,

    /// <summary>Not recorded: the stripe is full and should be drained.</summary>
    Full,
}

/// <summary>
/// Lossy, lock-free buffers of reads, striped by thread so readers rarely share a stripe. A reader appends with
/// plain stores (the slot, then a release store of the tail), no atomic instruction: the reads of one thread are
/// recorded exactly, while two threads that happen to share a stripe may overwrite each other's slot or tail and
/// lose a read, which only costs the policy a little accuracy (reads are hints; Caffeine and BitFaster.Caching
/// drop them too under contention). The consumer (holding the maintenance lock) drains every stripe in order and
/// clears each slot it takes, so no read is ever delivered twice or invented. When a stripe is full a read is
/// dropped rather than waiting.
/// </summary>
internal sealed class StripedReadBuffer<T>
    where T : class
{
    /// <summary>Slots per stripe.</summary>
    public const int StripeLength = 128;
    private const int StripeMask = StripeLength - 1;

    private readonly Stripe[] _stripes;
    private readonly int _stripeMask;

    public StripedReadBuffer(int stripes)
    {
        int count = (int)BitOperations.RoundUpToPowerOf2((uint)Math.Clamp(stripes, 1, 64));
        _stripes = new Stripe[count];
        for (int i = 0; i < count; i++)
        {
            _stripes[i] = new Stripe();
        }

        _stripeMask = count - 1;
    }

    /// <summary>Records a read of <paramref name="item"/> in the calling thread's stripe.</summary>
    public ReadBufferStatus TryAdd(T item)
    {
        Stripe stripe = _stripes[Environment.CurrentManagedThreadId & _stripeMask];
        long tail = stripe.Counters.Tail;
        if (tail - Volatile.Read(ref stripe.Counters.Head) >= StripeLength)
        {
            return ReadBufferStatus.Full;
        }

        stripe.Slots[tail & StripeMask] = item;
        Volatile.Write(ref stripe.Counters.Tail, tail + 1); // release: the slot is visible before the tail
        return ReadBufferStatus.Recorded;
    }

    /// <summary>Passes every published read to <paramref name="consumer"/> in order; single consumer only.</summary>
    public void Drain<TConsumer>(ref TConsumer consumer)
        where TConsumer : struct, IReadConsumer<T>
    {
        foreach (Stripe stripe in _stripes)
        {
            long head = stripe.Counters.Head;
            long tail = Volatile.Read(ref stripe.Counters.Tail);
            while (head < tail)
            {
                ref T? slot = ref stripe.Slots[head & StripeMask];
                T? item = Interlocked.Exchange(ref slot, null);
                if (item is not null)
                {
                    consumer.Consume(item); // null: lost to a racing writer on a shared stripe
                }

                head++;
            }

            Volatile.Write(ref stripe.Counters.Head, head);
        }
    }

    /// <summary>Forgets every buffered read; single consumer only.</summary>
    public void Clear()
    {
        var discard = new DiscardingConsumer();
        Drain(ref discard);
    }

    private struct DiscardingConsumer : IReadConsumer<T>
    {
        public readonly void Consume(T item)
        {
        }
    }

    private sealed class Stripe
    {
        public PaddedCounters Counters;
        public readonly T?[] Slots = new T?[StripeLength];
    }
}

/// <summary>Receives drained reads (a struct, so draining is devirtualised).</summary>
internal interface IReadConsumer<in T>
{
    void Consume(T item);
}

/// <summary>A ring's head and tail on separate cache lines, so the consumer and producers do not false-share.</summary>
[StructLayout(LayoutKind.Explicit, Size = 192)]
internal struct PaddedCounters
{
    [FieldOffset(64)]
    public long Head;

    [FieldOffset(128)]
    public long Tail;
}
