namespace CachemeNet.Benchmarks.HitRate;

/// <summary>
/// LIRS (Jiang and Zhang, "LIRS: An Efficient Low Inter-reference Recency Set Replacement Policy to Improve Buffer
/// Cache Performance", SIGMETRICS 2002), written from the paper as a reference policy for the simulator. Keys with a
/// small inter-reference recency (LIR) hold 99 % of the capacity; the rest holds resident HIR keys in a FIFO queue Q.
/// The recency stack S holds LIR keys and recently seen HIR keys, resident or not, and its bottom is always a LIR key
/// (stack pruning); an HIR key requested while still in S has a smaller recency than S's bottom LIR key and trades
/// places with it. As in the paper, S is not bounded: non-resident history is kept as long as it lies above the
/// bottom LIR key. Not a library policy.
/// </summary>
internal static class LirsSimulator
{
    /// <summary>The share of the capacity for resident HIR keys, as in the paper's experiments.</summary>
    public const double HirShare = 0.01;

    /// <summary>Replays <paramref name="trace"/> at <paramref name="capacity"/>; returns the hits.</summary>
    public static long Hits(long[] trace, int capacity)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(capacity, 2);
        return ReferencePolicy.Hits(trace, new Lirs(capacity));
    }

    private sealed class Block(long key)
    {
        public long Key { get; } = key;

        public bool IsLir { get; set; }

        public bool IsResident { get; set; }

        public LinkedListNode<Block>? InStack { get; set; }

        public LinkedListNode<Block>? InQueue { get; set; }
    }

    private sealed class Lirs(int capacity) : IReferencePolicy
    {
        private readonly int _hirMaximum = Math.Max(1, (int)(capacity * HirShare));
        private readonly Dictionary<long, Block> _blocks = [];
        private readonly LinkedList<Block> _stack = new(); // First = top (most recent)
        private readonly LinkedList<Block> _queue = new(); // First = front (next to evict)
        private int _lirCount;
        private int _residentCount;

        private int LirMaximum => capacity - _hirMaximum;

        public bool Request(long key)
        {
            if (_blocks.TryGetValue(key, out Block? block) && block.IsResident)
            {
                if (block.IsLir)
                {
                    MoveToTop(block);
                    Prune();
                }
                else if (block.InStack is not null)
                {
                    RemoveFromQueue(block);
                    MakeLir(block);
                }
                else
                {
                    MoveToTop(block);
                    RemoveFromQueue(block);
                    block.InQueue = _queue.AddLast(block);
                }

                return true;
            }

            if (_residentCount == capacity)
            {
                EvictQueueFront();
            }

            block ??= AddBlock(key);
            block.IsResident = true;
            _residentCount++;
            if (_lirCount < LirMaximum)
            {
                // Until the LIR set is full every new key is LIR.
                block.IsLir = true;
                _lirCount++;
                MoveToTop(block);
            }
            else if (block.InStack is not null)
            {
                MakeLir(block); // a non-resident HIR key with a recency below the bottom LIR key's
            }
            else
            {
                MoveToTop(block);
                block.InQueue = _queue.AddLast(block);
            }

            return false;
        }

        /// <summary>An HIR key in S becomes LIR at the top; S's bottom LIR key becomes a resident HIR key at Q's end.</summary>
        private void MakeLir(Block block)
        {
            block.IsLir = true;
            MoveToTop(block);
            Block bottom = _stack.Last!.Value;
            bottom.IsLir = false;
            _stack.RemoveLast();
            bottom.InStack = null;
            bottom.InQueue = _queue.AddLast(bottom);
            Prune();
        }

        private void EvictQueueFront()
        {
            Block victim = _queue.First!.Value;
            RemoveFromQueue(victim);
            victim.IsResident = false;
            _residentCount--;
            if (victim.InStack is null)
            {
                _blocks.Remove(victim.Key);
            }
        }

        /// <summary>Removes HIR keys from S's bottom until a LIR key is there, forgetting the non-resident ones.</summary>
        private void Prune()
        {
            while (_stack.Last is { } last && !last.Value.IsLir)
            {
                Block block = last.Value;
                _stack.RemoveLast();
                block.InStack = null;
                if (!block.IsResident)
                {
                    _blocks.Remove(block.Key);
                }
            }
        }

        private Block AddBlock(long key)
        {
            var block = new Block(key);
            _blocks[key] = block;
            return block;
        }

        private void MoveToTop(Block block)
        {
            if (block.InStack is { } node)
            {
                _stack.Remove(node);
                _stack.AddFirst(node);
            }
            else
            {
                block.InStack = _stack.AddFirst(block);
            }
        }

        private void RemoveFromQueue(Block block)
        {
            if (block.InQueue is { } node)
            {
                _queue.Remove(node);
                block.InQueue = null;
            }
        }
    }
}
