namespace CachemeNet.Internal.Local;

/// <summary>
/// Recognises a key without being it: a look-up by a key's parts (<see cref="EntryTable{TKey, TValue}.Find{TProbe}"/>).
/// A struct, so the look-up is specialised for it and allocates nothing.
/// </summary>
/// <typeparam name="TKey">The table's key type.</typeparam>
internal interface IKeyProbe<in TKey>
{
    /// <summary>Whether <paramref name="candidate"/>, a key whose hash equals the probe's, is the key probed for.</summary>
    bool Matches(TKey candidate);
}
