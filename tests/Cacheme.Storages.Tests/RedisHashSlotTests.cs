using System.Text;
using CachemeNet.Redis.Internal;

namespace CachemeNet.Storages.Tests;

public sealed class RedisHashSlotTests
{
    [Fact]
    public void Crc16_matches_the_cluster_specification_vector()
    {
        Assert.Equal(0x31C3, RedisHashSlot.Crc16("123456789"u8));
        Assert.Equal(0, RedisHashSlot.Crc16([]));
    }

    [Theory]
    [InlineData("foo", 12182)]
    [InlineData("bar", 5061)]
    [InlineData("hello", 866)]
    [InlineData("123456789", 12739)]
    public void Known_keys_map_to_their_slots(string key, int slot)
    {
        Assert.Equal(slot, RedisHashSlot.Of(key));
    }

    [Fact]
    public void Only_the_first_non_empty_hash_tag_is_hashed()
    {
        Assert.Equal(RedisHashSlot.Of("user1000"), RedisHashSlot.Of("{user1000}.following"));
        Assert.Equal(RedisHashSlot.Of("user1000"), RedisHashSlot.Of("foo{user1000}{bar}"));
        Assert.Equal(RedisHashSlot.Crc16("foo{}{bar}"u8) & 16383, RedisHashSlot.Of("foo{}{bar}"));
        Assert.Equal(RedisHashSlot.Crc16("{bar"u8) & 16383, RedisHashSlot.Of("foo{{bar}}zap"));
        Assert.Equal(RedisHashSlot.Crc16("bar"u8) & 16383, RedisHashSlot.Of("foo{bar}{zap}"));
        Assert.Equal(RedisHashSlot.Crc16("foo{bar"u8) & 16383, RedisHashSlot.Of("foo{bar"));
    }

    [Fact]
    public void Keys_are_hashed_as_utf8_and_long_keys_work()
    {
        string key = "ключ";
        Assert.Equal(RedisHashSlot.Crc16(Encoding.UTF8.GetBytes(key)) & 16383, RedisHashSlot.Of(key));
        string longKey = new('x', 5000);
        Assert.Equal(RedisHashSlot.Crc16(Encoding.UTF8.GetBytes(longKey)) & 16383, RedisHashSlot.Of(longKey));
    }
}
