using System.Globalization;

namespace CachemeNet.Generators.Tests;

/// <summary>Template keys are culture-invariant: <see cref="PriceCatalog"/> has only a remote tier, so every call formats its key.</summary>
public sealed class MemoizeKeyCultureTests
{
    private static readonly DateTime At = new(2024, 1, 2, 3, 4, 5, DateTimeKind.Utc);

    [Fact]
    public async Task Same_arguments_in_two_cultures_give_one_key()
    {
        (CachemeClient client, RecordingRemoteStorage remote) = await RecordingStorageProvider.CreateClientAsync();
        PriceCatalog.Reset(client);

        string german = await InCulture("de-DE", () => PriceCatalog.GetPriceAsync("sku-1", 1.5, At, 2.50m));
        string american = await InCulture("en-US", () => PriceCatalog.GetPriceAsync("sku-1", 1.5, At, 2.50m));

        const string Expected = "cacheme:price:sku-1:1.5:2024-01-02T03:04:05.0000000Z:2.5:v3";
        Assert.Equal([Expected, Expected], remote.Gets);
        Assert.Equal([Expected], remote.Keys);
        Assert.Equal(german, american);
        Assert.Single(PriceCatalog.Loaded);
    }

    [Fact]
    public async Task Values_equal_as_fields_share_one_key()
    {
        (CachemeClient client, RecordingRemoteStorage remote) = await RecordingStorageProvider.CreateClientAsync();
        PriceCatalog.Reset(client);

        // -0.0 == 0.0 and 2.5m == 2.50m, yet each pair prints differently by default.
        await PriceCatalog.GetPriceAsync("z", 0.0, At, 2.5m);
        await PriceCatalog.GetPriceAsync("z", -0.0, At, 2.50m);

        Assert.Equal(["cacheme:price:z:0:2024-01-02T03:04:05.0000000Z:2.5:v3"], remote.Keys);
        Assert.Single(PriceCatalog.Loaded);
    }

    [Fact]
    public async Task Invalidate_of_a_static_method_deletes_its_key()
    {
        (CachemeClient client, RecordingRemoteStorage remote) = await RecordingStorageProvider.CreateClientAsync();
        PriceCatalog.Reset(client);
        await PriceCatalog.GetPriceAsync("a", 1, At, 1m);
        await PriceCatalog.GetPriceAsync("b", 1, At, 1m);

        await InCulture("de-DE", () => PriceCatalog.InvalidateGetPriceAsync("a", 1, At, 1m));

        Assert.Equal(["cacheme:price:a:1:2024-01-02T03:04:05.0000000Z:1:v3"], remote.Deletes);
        Assert.Equal(["cacheme:price:b:1:2024-01-02T03:04:05.0000000Z:1:v3"], remote.Keys);
    }

    private static async Task<T> InCulture<T>(string name, Func<Task<T>> action)
    {
        CultureInfo saved = CultureInfo.CurrentCulture;
        CultureInfo.CurrentCulture = CultureInfo.GetCultureInfo(name);
        try
        {
            return await action();
        }
        finally
        {
            CultureInfo.CurrentCulture = saved;
        }
    }

    private static async Task InCulture(string name, Func<Task> action) => await InCulture(name, async () =>
    {
        await action();
        return 0;
    });
}
