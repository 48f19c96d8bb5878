namespace CachemeNet.Benchmarks.HitRate;

/// <summary>
/// ARC (Megiddo and Modha, "ARC: A Self-Tuning, Low Overhead Replacement Cache", FAST 2003), written from the
/// paper's pseudocode as a reference policy for the simulator: two resident LRU lists, T1 (seen once recently) and T2
/// (seen at least twice), each with a ghost list of the keys it evicted (B1, B2); a hit in a ghost list moves the
/// target size of T1 (p) towards the list that would have kept the key. Not a library policy: it keeps 2 × capacity
/// keys of history.
/// </summary>
internal static class ArcSimulator
{
    private enum ArcList : byte
    {
        T1,
        T2,
        B1,
        B2,
    }

    /// <summary>Replays <paramref name="trace"/> at <paramref name="capacity"/>; returns the hits.</summary>
    public static long Hits(long[] trace, int capacity)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(capacity);
        return ReferencePolicy.Hits(trace, new Arc(capacity));
    }

    private sealed class Arc(int capacity) : IReferencePolicy
    {
        private readonly Dictionary<long, (LinkedListNode<long> Node, ArcList List)> _index = new(2 * capacity);
        private readonly LinkedList<long> _t1 = new();
        private readonly LinkedList<long> _t2 = new();
        private readonly LinkedList<long> _b1 = new();
        private readonly LinkedList<long> _b2 = new();
        private double _p;

        public bool Request(long key)
        {
            if (_index.TryGetValue(key, out (LinkedListNode<long> Node, ArcList List) found))
            {
                switch (found.List)
                {
                    case ArcList.T1:
                    case ArcList.T2:
                        // Case I: a hit moves the key to T2's most recent end.
                        ListOf(found.List).Remove(found.Node);
                        AddFirst(_t2, ArcList.T2, key);
                        return true;
                    case ArcList.B1:
                        // Case II: T1 should have been larger.
                        _p = Math.Min(capacity, _p + Math.Max((double)_b2.Count / _b1.Count, 1));
                        Replace(inB2: false);
                        _b1.Remove(found.Node);
                        AddFirst(_t2, ArcList.T2, key);
                        return false;
                    default:
                        // Case III: T2 should have been larger.
                        _p = Math.Max(0, _p - Math.Max((double)_b1.Count / _b2.Count, 1));
                        Replace(inB2: true);
                        _b2.Remove(found.Node);
                        AddFirst(_t2, ArcList.T2, key);
                        return false;
                }
            }

            // Case IV: a key in no list.
            int l1 = _t1.Count + _b1.Count;
            if (l1 == capacity)
            {
                if (_t1.Count < capacity)
                {
                    RemoveLast(_b1);
                    Replace(inB2: false);
                }
                else
                {
                    RemoveLast(_t1);
                }
            }
            else if (l1 + _t2.Count + _b2.Count >= capacity)
            {
                if (l1 + _t2.Count + _b2.Count == 2 * capacity)
                {
                    RemoveLast(_b2);
                }

                Replace(inB2: false);
            }

            AddFirst(_t1, ArcList.T1, key);
            return false;
        }

        /// <summary>The paper's REPLACE: evicts T1's or T2's least recent key into its ghost list.</summary>
        private void Replace(bool inB2)
        {
            if (_t1.Count > 0 && (_t1.Count > _p || (inB2 && _t1.Count == (int)_p && _p == Math.Floor(_p))))
            {
                long key = _t1.Last!.Value;
                _t1.RemoveLast();
                AddFirst(_b1, ArcList.B1, key);
            }
            else if (_t2.Count > 0)
            {
                long key = _t2.Last!.Value;
                _t2.RemoveLast();
                AddFirst(_b2, ArcList.B2, key);
            }
        }

        private void AddFirst(LinkedList<long> list, ArcList name, long key) => _index[key] = (list.AddFirst(key), name);

        private void RemoveLast(LinkedList<long> list)
        {
            _index.Remove(list.Last!.Value);
            list.RemoveLast();
        }

        private LinkedList<long> ListOf(ArcList list) => list switch
        {
            ArcList.T1 => _t1,
            ArcList.T2 => _t2,
            ArcList.B1 => _b1,
            _ => _b2,
        };
    }
}
