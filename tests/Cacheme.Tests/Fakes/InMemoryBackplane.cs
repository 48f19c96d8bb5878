using System.Collections.Concurrent;

namespace CachemeNet.Tests.Fakes;

/// <summary>An in-process hub: every backplane made from it receives what any of them publishes.</summary>
public sealed class InMemoryBackplaneHub
{
    private readonly ConcurrentBag<InMemoryBackplane> _members = [];

    public ICacheBackplane Join()
    {
        var member = new InMemoryBackplane(this);
        _members.Add(member);
        return member;
    }

    private sealed class InMemoryBackplane(InMemoryBackplaneHub hub) : ICacheBackplane
    {
        private Func<CacheInvalidation, ValueTask>? _handler;

        public async ValueTask PublishAsync(CacheInvalidation message, CancellationToken cancellationToken)
        {
            foreach (InMemoryBackplane member in hub._members)
            {
                if (member._handler is { } handler)
                {
                    await handler(message);
                }
            }
        }

        public ValueTask SubscribeAsync(Func<CacheInvalidation, ValueTask> handler, CancellationToken cancellationToken)
        {
            _handler = handler;
            return ValueTask.CompletedTask;
        }

        public ValueTask DisposeAsync()
        {
            _handler = null;
            return ValueTask.CompletedTask;
        }
    }
}
