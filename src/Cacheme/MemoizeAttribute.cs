namespace CachemeNet;

/// <summary>
/// Caches a <c>partial</c> method returning <see cref="Task{TResult}"/> or <see cref="ValueTask{TResult}"/>: the Cacheme source
/// generator writes its body, which builds a node from the arguments and reads it through the cache, loading a miss with the
/// method's loader, <c>{Name}CoreAsync</c> (for <c>GetUserAsync</c>: <c>GetUserCoreAsync</c>), which the user writes. Next to it the
/// generator writes <c>Invalidate{Name}Async</c> and <c>Refresh{Name}Async</c> for the same arguments. Mistakes (an unknown
/// placeholder, an unmapped parameter, a wrong return type, ...) are compile-time errors <c>CACHEME001</c>..; see the README's Memoize section.
/// </summary>
/// <remarks>
/// Two forms. Node form, <c>[Memoize(typeof(UserInfoNode))]</c>: the method's parameters map by name (case-insensitive) onto the
/// node's constructor, and the node supplies key, version, tiers and serializer. Template form,
/// <c>[Memoize("user:{userId}:info", Caches = new[] { "local:30s", "redis:10d" })]</c>: the key is formatted from the named
/// parameters with the invariant culture, and the generator writes a private node type with its own statistics.
/// </remarks>
[AttributeUsage(AttributeTargets.Method, AllowMultiple = false, Inherited = false)]
public sealed class MemoizeAttribute : Attribute
{
    /// <summary>Node form: the method's arguments build a <paramref name="node"/>, which must derive from <see cref="CacheNode{T}"/>.</summary>
    /// <param name="node">The node type; its constructor parameters match the method's parameters by name.</param>
    public MemoizeAttribute(Type node)
    {
        ArgumentNullException.ThrowIfNull(node);
        Node = node;
    }

    /// <summary>Template form: the key is <paramref name="keyTemplate"/> with each <c>{parameter}</c> replaced by that argument.</summary>
    /// <param name="keyTemplate">The key template, e.g. <c>user:{userId}:info</c>; <c>{{</c> and <c>}}</c> stand for literal braces.</param>
    public MemoizeAttribute(string keyTemplate)
    {
        ArgumentException.ThrowIfNullOrEmpty(keyTemplate);
        KeyTemplate = keyTemplate;
    }

    /// <summary>The node type (node form), or null.</summary>
    public Type? Node { get; }

    /// <summary>The key template (template form), or null.</summary>
    public string? KeyTemplate { get; }

    /// <summary>Template form: the version appended to every key. Defaults to <c>v1</c>.</summary>
    public string Version { get; set; } = "v1";

    /// <summary>
    /// Template form, required: the tier chain as <c>"storage"</c> (no expiry) or <c>"storage:ttl"</c> with a TTL such as
    /// <c>500ms</c>, <c>30s</c>, <c>10m</c>, <c>2h</c> or <c>10d</c>; for example <c>new[] { "local:30s", "redis:10d" }</c>.
    /// </summary>
#pragma warning disable CA1819 // Attribute arguments can only be arrays.
    public string[]? Caches { get; set; }
#pragma warning restore CA1819

    /// <summary>
    /// Template form: the serializer for remote tiers, by name: a static <see cref="ICacheSerializer"/> field or property of the
    /// declaring type, or else a property of <see cref="Serializers"/> (e.g. <c>"Json"</c>). Defaults to <see cref="Serializers.Json"/>.
    /// </summary>
    public string? Serializer { get; set; }

    /// <summary>
    /// Template form: the node's name in statistics. Defaults to <c>DeclaringType.MethodName</c>.
    /// </summary>
    public string? Name { get; set; }

    /// <summary>
    /// The <see cref="CachemeClient"/> to use, by name: a field or property of the declaring type (instance members only for
    /// instance methods). Defaults to <see cref="Cacheme.Default"/>.
    /// </summary>
    public string? Client { get; set; }
}
