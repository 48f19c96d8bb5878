using System.Runtime.InteropServices;

namespace CachemeNet.Internal;

/// <summary>A contention-free counter: increments go to one of several padded cells chosen by thread, reads sum them.</summary>
internal sealed class StripedCounter
{
    private static readonly int CellCount = (int)Math.Min(64, System.Numerics.BitOperations.RoundUpToPowerOf2((uint)Environment.ProcessorCount * 2));
    private readonly PaddedLong[] _cells = new PaddedLong[CellCount];

    public void Add(long value)
    {
        int index = Environment.CurrentManagedThreadId & (CellCount - 1);
        Interlocked.Add(ref _cells[index].Value, value);
    }

    public void Increment() => Add(1);

    public long Sum()
    {
        long sum = 0;
        for (int i = 0; i < _cells.Length; i++)
        {
            sum += Volatile.Read(ref _cells[i].Value);
        }

        return sum;
    }

    [StructLayout(LayoutKind.Explicit, Size = 128)]
    private struct PaddedLong
    {
        [FieldOffset(64)]
        public long Value;
    }
}
