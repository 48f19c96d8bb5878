using System.Globalization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Logging;
using OpenQA.Selenium;
using OpenQA.Selenium.Chrome;
using Xunit.Abstractions;

namespace CachemeNet.Dashboard.Tests;

/// <summary>The dashboard page in a real headless Chromium (Debian's chromium and chromium-driver), served by Kestrel on loopback.</summary>
public sealed class BrowserTests(ITestOutputHelper output)
{
    private const string Chromium = "/usr/bin/chromium";
    private const string ChromeDriver = "/usr/bin/chromedriver";

    [Fact]
    public async Task The_page_shows_the_running_workloads_nodes_and_its_numbers_change()
    {
        Assert.True(File.Exists(Chromium) && File.Exists(ChromeDriver), "Chromium is missing: run `bash scripts/browsers.sh` (scripts/test.sh does).");
        await using Workload work = await Workload.CreateAsync("browser");
        work.Start();
        WebApplicationBuilder builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        await using WebApplication app = builder.Build();
        app.MapCachemeDashboard("/cacheme", o =>
        {
            o.Clients.Add(work.Client);
            o.RefreshInterval = TimeSpan.FromMilliseconds(250);
        });
        await app.StartAsync();
        string url = app.Urls.Single() + "/cacheme";

        string profile = Directory.CreateTempSubdirectory("cacheme-chromium-").FullName;
        try
        {
            using ChromeDriver driver = StartChromium(profile);
            driver.Navigate().GoToUrl(url);

            long first = await TestEnvironment.EventuallyAsync(() => Task.FromResult(Requests(driver)), n => n > 0, TimeSpan.FromSeconds(30), "the node's request count");
            long later = await TestEnvironment.EventuallyAsync(() => Task.FromResult(Requests(driver)), n => n > first, TimeSpan.FromSeconds(30), "the request count to grow");
            output.WriteLine($"requests shown: {first:N0}, then {later:N0}");

            // Rates need two snapshots; let the charts fill a little before the screenshot.
            await TestEnvironment.EventuallyAsync(() => Task.FromResult(Updates(driver)), n => n >= 16, TimeSpan.FromSeconds(30), "16 page updates");
            IWebElement card = driver.FindElement(By.CssSelector("[data-node='ProfileNode']"));
            Assert.Contains("local", card.FindElement(By.CssSelector(".chain")).Text, StringComparison.Ordinal);
            foreach (string chart in new[] { "hit", "req", "load" })
            {
                string path = card.FindElement(By.CssSelector($"svg[data-chart='{chart}'] path.line")).GetAttribute("d") ?? string.Empty;
                Assert.StartsWith("M", path, StringComparison.Ordinal);
            }

            string rate = card.FindElement(By.CssSelector("[data-metric='reqRate']")).Text;
            Assert.EndsWith("/s", rate, StringComparison.Ordinal);
            Assert.NotEqual("0.0 /s", rate);
            Assert.EndsWith("%", card.FindElement(By.CssSelector("[data-metric='hitRate']")).Text, StringComparison.Ordinal);
            Assert.Contains("browser", driver.FindElement(By.CssSelector("#instances tbody")).Text, StringComparison.Ordinal);

            string artifacts = Path.Combine(TestEnvironment.RepositoryRoot, "artifacts");
            Directory.CreateDirectory(artifacts);
            string screenshot = Path.Combine(artifacts, "dashboard.png");
            driver.GetScreenshot().SaveAsFile(screenshot);
            output.WriteLine($"screenshot: {screenshot}");
            Assert.True(new FileInfo(screenshot).Length > 10_000);
        }
        finally
        {
            Directory.Delete(profile, recursive: true);
        }
    }

    private static ChromeDriver StartChromium(string profile)
    {
        ChromeDriverService service = ChromeDriverService.CreateDefaultService(Path.GetDirectoryName(ChromeDriver)!, Path.GetFileName(ChromeDriver));
        service.SuppressInitialDiagnosticInformation = true;
        var options = new ChromeOptions { BinaryLocation = Chromium };
        options.AddArguments(
            "--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-background-networking",
            "--disable-component-update", "--disable-sync", "--no-first-run", "--window-size=1280,900", $"--user-data-dir={profile}");
        return new ChromeDriver(service, options, TimeSpan.FromSeconds(60));
    }

    private static long Requests(ChromeDriver driver)
    {
        IReadOnlyCollection<IWebElement> found = driver.FindElements(By.CssSelector("[data-node='ProfileNode'] [data-metric='requests']"));
        return found.Count == 1 && long.TryParse(found.First().Text, NumberStyles.AllowThousands, CultureInfo.InvariantCulture, out long n) ? n : 0;
    }

    private static int Updates(ChromeDriver driver) =>
        int.TryParse(driver.FindElement(By.TagName("body")).GetAttribute("data-updates"), CultureInfo.InvariantCulture, out int n) ? n : 0;
}
