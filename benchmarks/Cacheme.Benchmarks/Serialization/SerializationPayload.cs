namespace CachemeNet.Serialization.Benchmarks;

public sealed record Address(string Street, string City, string PostalCode);

/// <summary>A typical API object: numbers, short strings, a date, a small list and a nested record.</summary>
public sealed class UserProfile
{
    public int Id { get; set; }

    public string Name { get; set; } = string.Empty;

    public string Email { get; set; } = string.Empty;

    public bool Active { get; set; }

    public double Score { get; set; }

    public long Followers { get; set; }

    public DateTime CreatedAt { get; set; }

    public List<string> Tags { get; set; } = [];

    public List<int> RecentOrderIds { get; set; } = [];

    public Address? Address { get; set; }
}

/// <summary>Payloads of about 1 KB, 15 KB and 55 KB of System.Text.Json UTF-8, the sizes cacheme's own benchmarks use.</summary>
public static class SerializationPayload
{
    public static readonly IReadOnlyDictionary<string, int> ItemsBySize = new Dictionary<string, int>
    {
        ["1KB"] = 3,
        ["15KB"] = 48,
        ["55KB"] = 174,
    };

    public static List<UserProfile> Create(string size)
    {
        var random = new Random(42);
        string[] cities = ["Lisbon", "Osaka", "Nairobi", "Toronto", "Kraków", "São Paulo"];
        string[] tags = ["admin", "beta", "vip", "newsletter", "mobile", "trial", "eu", "us"];
        return [.. Enumerable.Range(0, ItemsBySize[size]).Select(i => new UserProfile
        {
            Id = 100_000 + i,
            Name = $"User {i} {cities[i % cities.Length]}",
            Email = $"user{i}@example.com",
            Active = i % 3 != 0,
            Score = Math.Round(random.NextDouble() * 1000, 2),
            Followers = random.Next(0, 2_000_000),
            CreatedAt = new DateTime(2020, 1, 1, 0, 0, 0, DateTimeKind.Utc).AddSeconds(random.Next(0, 150_000_000)),
            Tags = [.. tags.Where(_ => random.Next(3) == 0)],
            RecentOrderIds = [.. Enumerable.Range(0, random.Next(2, 8)).Select(_ => random.Next(1, 5_000_000))],
            Address = new Address($"{random.Next(1, 999)} Main Street", cities[random.Next(cities.Length)], $"{random.Next(10000, 99999)}"),
        })];
    }
}
