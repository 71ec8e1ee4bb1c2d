using System.Globalization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Mnist.Web.Tests.Infrastructure;
using OpenQA.Selenium;
using OpenQA.Selenium.Chrome;
using OpenQA.Selenium.Interactions;
using OpenQA.Selenium.Support.UI;
using Xunit.Abstractions;

namespace Mnist.Web.Tests;

/// <summary>
/// End to end in a real browser: the app on a loopback port (Kestrel) serving the trained test convnet, Debian's headless
/// Chromium drawing MNIST test digits onto the canvas as mouse strokes, the page's answer read back.
/// </summary>
public sealed class BrowserTests : IAsyncLifetime
{
    private static readonly string Screenshots = Path.Combine(AppContext.BaseDirectory, "screenshots");

    private readonly ITestOutputHelper _output;
    private WebApplication? _app;
    private string _url = "";

    public BrowserTests(ITestOutputHelper output) => _output = output;

    public async Task InitializeAsync()
    {
        if (!File.Exists(ChromiumFactAttribute.ChromiumPath) && !ChromiumFactAttribute.IsRequired) return; // skipped anyway
        _app = MnistWebApp.CreateBuilder(["--model", TestModels.ConvnetPath, "--urls", "http://127.0.0.1:0"]).Build();
        MnistWebApp.Configure(_app);
        MnistWebApp.OpenModel(_app);
        await _app.StartAsync();
        _url = _app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single();
    }

    public async Task DisposeAsync()
    {
        if (_app is not null) await _app.DisposeAsync();
    }

    private static ChromeDriver StartChromium()
    {
        foreach (string path in new[] { ChromiumFactAttribute.ChromiumPath, ChromiumFactAttribute.ChromeDriverPath })
            File.Exists(path).Should().BeTrue($"{ChromiumFactAttribute.RequireVariable}=1 requires {path} (install with `{ChromiumFactAttribute.InstallCommand}`)");
        var service = ChromeDriverService.CreateDefaultService(Path.GetDirectoryName(ChromiumFactAttribute.ChromeDriverPath)!, Path.GetFileName(ChromiumFactAttribute.ChromeDriverPath));
        service.HideCommandPromptWindow = true;
        service.SuppressInitialDiagnosticInformation = true;
        var options = new ChromeOptions { BinaryLocation = ChromiumFactAttribute.ChromiumPath };
        options.AddArguments("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu", "--window-size=1040,900",
            "--force-device-scale-factor=1", "--no-first-run", "--disable-extensions");
        return new ChromeDriver(service, options, TimeSpan.FromSeconds(60));
    }

    [ChromiumFact]
    public void Drawing_mnist_test_digits_on_the_canvas_with_the_mouse_the_page_reads_most_of_them()
    {
        using var driver = StartChromium();
        driver.Navigate().GoToUrl(_url);
        var wait = new WebDriverWait(driver, TimeSpan.FromSeconds(20));
        wait.Until(d => d.FindElement(By.TagName("body")).GetAttribute("data-ready") == "true");
        driver.FindElements(By.CssSelector("#bars .bar")).Should().HaveCount(10, "one bar per class name");
        var pad = driver.FindElement(By.Id("pad"));
        Directory.CreateDirectory(Screenshots);

        int right = 0;
        var lines = new List<string>();
        for (int index = 0; index < 10; index++)
        {
            driver.FindElement(By.Id("clear")).Click();
            Draw(driver, pad, TestModels.TestDigit(index));
            string version = pad.GetAttribute("data-version")!;
            var answer = driver.FindElement(By.Id("answer"));
            wait.Until(_ => answer.GetAttribute("data-version") == version && answer.GetAttribute("data-state") is "done" or "error");
            answer.GetAttribute("data-state").Should().Be("done", driver.FindElement(By.Id("status")).Text);
            int read = int.Parse(answer.Text, CultureInfo.InvariantCulture);
            int label = TestModels.TestLabel(index);
            if (read == label) right++;
            string confidence = driver.FindElement(By.Id("confidence")).Text;
            lines.Add($"test digit {index}: label {label}, page read {read} ({confidence})");
            driver.FindElement(By.Id("seen")).GetAttribute("src").Should().StartWith("data:image/png;base64,");
            driver.GetScreenshot().SaveAsFile(Path.Combine(Screenshots, $"mnist-web-test{index}-label{label}.png"));
        }

        lines.Add($"{right} of 10 read right");
        foreach (var line in lines) _output.WriteLine(line);
        File.WriteAllLines(Path.Combine(Screenshots, "results.txt"), lines);
        right.Should().BeGreaterThanOrEqualTo(7, string.Join(Environment.NewLine, lines));

        driver.FindElement(By.Id("clear")).Click();
        driver.FindElement(By.Id("answer")).Text.Should().Be("?");
        driver.FindElements(By.CssSelector("#bars .bar.best")).Should().BeEmpty();
    }

    [ChromiumFact]
    public async Task Without_a_model_the_page_says_so_shows_the_command_that_makes_one_and_turns_drawing_off()
    {
        string missing = Path.Combine(Path.GetTempPath(), "mnist-web-no-model-" + Guid.NewGuid().ToString("N"), "ensemble");
        await using var app = MnistWebApp.CreateBuilder(["--Mnist:DefaultModelPath", missing, "--urls", "http://127.0.0.1:0"]).Build();
        MnistWebApp.Configure(app);
        MnistWebApp.OpenModel(app);
        await app.StartAsync();
        string url = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single();
        using var driver = StartChromium();

        driver.Navigate().GoToUrl(url);

        var problem = driver.FindElement(By.Id("problem"));
        new WebDriverWait(driver, TimeSpan.FromSeconds(20)).Until(_ => problem.Displayed);
        problem.Text.Should().Contain("No model is loaded").And.Contain(missing);
        driver.FindElement(By.Id("problem-command")).Text.Should().Be("dotnet run --project samples/Mnist.Train -c Release");
        driver.FindElement(By.Id("pad")).GetAttribute("class").Should().Contain("disabled");
        driver.FindElement(By.Id("seen")).Displayed.Should().BeFalse("no broken image before there is an answer");
        Directory.CreateDirectory(Screenshots);
        driver.GetScreenshot().SaveAsFile(Path.Combine(Screenshots, "mnist-web-no-model.png"));
    }

    /// <summary>Traces the ink of a 28×28 digit as horizontal mouse strokes, one per run of ink pixels in each row.</summary>
    private static void Draw(IWebDriver driver, IWebElement pad, byte[] digit)
    {
        var js = (IJavaScriptExecutor)driver;
        var rect = (IReadOnlyDictionary<string, object>)js.ExecuteScript("const r = arguments[0].getBoundingClientRect(); return { x: r.left, y: r.top, w: r.width, h: r.height };", pad)!;
        double left = Convert.ToDouble(rect["x"], CultureInfo.InvariantCulture), top = Convert.ToDouble(rect["y"], CultureInfo.InvariantCulture);
        double cell = Convert.ToDouble(rect["w"], CultureInfo.InvariantCulture) / 28;
        var mouse = new PointerInputDevice(PointerKind.Mouse, "mouse");
        var actions = new ActionBuilder();
        int X(double column) => (int)Math.Round(left + ((column + 0.5) * cell));
        int Y(int row) => (int)Math.Round(top + ((row + 0.5) * cell));
        for (int y = 0; y < 28; y++)
        {
            for (int x = 0; x < 28; x++)
            {
                if (digit[(y * 28) + x] < 128) continue;
                int start = x;
                while (x + 1 < 28 && digit[(y * 28) + x + 1] >= 128) x++;
                actions.AddAction(mouse.CreatePointerMove(CoordinateOrigin.Viewport, X(start), Y(y), TimeSpan.Zero));
                actions.AddAction(mouse.CreatePointerDown(MouseButton.Left));
                for (int step = start + 1; step <= x; step++)
                    actions.AddAction(mouse.CreatePointerMove(CoordinateOrigin.Viewport, X(step), Y(y), TimeSpan.FromMilliseconds(4)));
                actions.AddAction(mouse.CreatePointerUp(MouseButton.Left));
            }
        }

        ((IActionExecutor)driver).PerformActions(actions.ToActionSequenceList());
        ((IActionExecutor)driver).ResetInputState();
    }
}
