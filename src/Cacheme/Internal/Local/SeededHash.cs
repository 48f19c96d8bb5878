namespace CachemeNet.Internal.Local;

/// <summary>
/// Spreads a key's 32-bit hash over 64 bits under a per-instance seed (a SplitMix64-style finaliser), for the
/// structures that index by hash: the <see cref="FrequencySketch"/>'s counters and the <see cref="EvictionHistory"/>'s
/// filter bits. Without the seed an attacker cannot choose keys that land on the same counters or bits.
/// </summary>
internal static class SeededHash
{
    public static ulong Mix(int hash, ulong seed)
    {
        ulong x = ((ulong)(uint)hash ^ seed) * 0x9E37_79B9_7F4A_7C15UL;
        x ^= x >> 29;
        x *= 0xBF58_476D_1CE4_E5B9UL;
        x ^= x >> 32;
        return x;
    }
}
