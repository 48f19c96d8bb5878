namespace CachemeNet.Generators.Tests;

public sealed class KeyTemplateTests
{
    [Fact]
    public void Splits_literals_and_placeholders_and_unescapes_braces()
    {
        List<TemplatePart>? parts = KeyTemplate.Parse("a{{b}}:{x}:{y}", out string? error);

        Assert.Null(error);
        Assert.Equal([new("a{b}:", false), new("x", true), new(":", false), new("y", true)], parts!);
    }

    [Theory]
    [InlineData("user:{id", "never closed")]
    [InlineData("user:id}", "closes no placeholder")]
    [InlineData("user:{}", "parameter name only")]
    [InlineData("user:{id:N2}", "parameter name only")]
    [InlineData("user:{1id}", "parameter name only")]
    public void Rejects_malformed_templates(string template, string message)
    {
        Assert.Null(KeyTemplate.Parse(template, out string? error));
        Assert.Contains(message, error, StringComparison.Ordinal);
    }
}
