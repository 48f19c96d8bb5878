using System.Collections;
using System.Text.Json.Serialization.Metadata;

namespace CachemeNet.Internal.MessagePack;

/// <summary>
/// A collection contract (<see cref="JsonTypeInfoKind.Enumerable"/>) as an array. Reads fill a one-dimensional array, or
/// a collection created by the contract that implements <see cref="IList"/> (List, Collection, ObservableCollection…).
/// </summary>
internal sealed class ArrayCodec : MessagePackCodec
{
    private readonly Func<object>? _create;
    private MessagePackCodec _element = null!;

    private ArrayCodec(JsonTypeInfo info) : base(info.Type) => _create = info.Type.IsSZArray ? null : info.CreateObject;

    public static ArrayCodec? TryCreate(JsonTypeInfo info) =>
        info.PolymorphismOptions is null && (info.Type.IsSZArray || (info.CreateObject is not null && typeof(IList).IsAssignableFrom(info.Type)))
            ? new ArrayCodec(info)
            : null;

    public void Bind(MessagePackCodec element) => _element = element;

    protected override void Write(ref MessagePackWriter writer, object value, int depth)
    {
        MessagePackContract.CheckWriteDepth(depth);
        var items = (ICollection)value;
        writer.WriteArrayHeader(items.Count);
        foreach (object? item in items)
        {
            _element.WriteValue(ref writer, item, depth + 1);
        }
    }

    protected override object Read(ref MessagePackReader reader, int depth)
    {
        int count = reader.ReadArrayHeader();
        MessagePackReader.CheckDepth(depth + 1);
        if (_create is null)
        {
            Array array = Array.CreateInstanceFromArrayType(Type, count);
            for (int i = 0; i < count; i++)
            {
                array.SetValue(_element.ReadValue(ref reader, depth + 1), i);
            }

            return array;
        }

        var list = (IList)_create();
        for (int i = 0; i < count; i++)
        {
            list.Add(_element.ReadValue(ref reader, depth + 1));
        }

        return list;
    }
}

/// <summary>
/// A dictionary contract (<see cref="JsonTypeInfoKind.Dictionary"/>) as a map whose keys keep their own type's encoding
/// (an int key is an int, not a string). Reads fill a dictionary created by the contract that implements <see cref="IDictionary"/>.
/// </summary>
internal sealed class MapCodec : MessagePackCodec
{
    private readonly Func<object> _create;
    private MessagePackCodec _key = null!;
    private MessagePackCodec _value = null!;

    private MapCodec(JsonTypeInfo info) : base(info.Type) => _create = info.CreateObject!;

    public static MapCodec? TryCreate(JsonTypeInfo info) =>
        info.PolymorphismOptions is null && info.CreateObject is not null && typeof(IDictionary).IsAssignableFrom(info.Type)
            ? new MapCodec(info)
            : null;

    public void Bind(MessagePackCodec key, MessagePackCodec value)
    {
        _key = key;
        _value = value;
    }

    protected override void Write(ref MessagePackWriter writer, object value, int depth)
    {
        MessagePackContract.CheckWriteDepth(depth);
        var entries = (IDictionary)value;
        writer.WriteMapHeader(entries.Count);
        IDictionaryEnumerator entry = entries.GetEnumerator();
        while (entry.MoveNext())
        {
            _key.WriteValue(ref writer, entry.Key, depth + 1);
            _value.WriteValue(ref writer, entry.Value, depth + 1);
        }
    }

    protected override object Read(ref MessagePackReader reader, int depth)
    {
        int count = reader.ReadMapHeader();
        MessagePackReader.CheckDepth(depth + 1);
        var entries = (IDictionary)_create();
        for (int i = 0; i < count; i++)
        {
            object key = _key.ReadValue(ref reader, depth + 1) ?? throw MessagePackReader.Invalid("a dictionary key is nil");
            entries[key] = _value.ReadValue(ref reader, depth + 1);
        }

        return entries;
    }
}
