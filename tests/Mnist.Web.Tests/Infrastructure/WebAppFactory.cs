using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;

namespace Mnist.Web.Tests.Infrastructure;

/// <summary>The app in-process (TestServer), in the Production environment, with settings under <c>Mnist:</c> and optional service overrides.</summary>
public sealed class WebAppFactory : WebApplicationFactory<Program>
{
    private readonly IReadOnlyDictionary<string, string?> _settings;
    private readonly Action<IServiceCollection>? _services;

    public WebAppFactory(IReadOnlyDictionary<string, string?> settings, Action<IServiceCollection>? services = null)
    {
        _settings = settings;
        _services = services;
    }

    /// <summary>An app serving <paramref name="modelPath"/> with the given extra settings (keys without the <c>Mnist:</c> prefix).</summary>
    public static WebAppFactory Serving(string modelPath, params (string Key, string Value)[] settings)
    {
        var all = new Dictionary<string, string?>(StringComparer.Ordinal) { ["ModelPath"] = modelPath };
        foreach (var (key, value) in settings) all[key] = value;
        return new WebAppFactory(all);
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Production");
        foreach (var (key, value) in _settings) builder.UseSetting("Mnist:" + key, value);
        if (_services is not null) builder.ConfigureTestServices(_services);
    }
}
