namespace CachemeNet.Extensions.Internal;

/// <summary>What <see cref="CachemeHybridCache"/> stores: the value, when it was created (UTC ticks) and its tags.</summary>
/// <typeparam name="T">The value type.</typeparam>
/// <param name="Value">The cached value.</param>
/// <param name="CreatedTicks">Creation time in UTC ticks, from the client's clock.</param>
/// <param name="Tags">The tags given when it was created, or null.</param>
internal sealed record HybridEntry<T>(T Value, long CreatedTicks, string[]? Tags);
