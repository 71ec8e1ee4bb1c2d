namespace Mnist.Web.Tests.Infrastructure;

/// <summary>One in-process app serving the trained test convnet, shared by a test class.</summary>
public sealed class TrainedAppFixture : IDisposable
{
    public TrainedAppFixture()
    {
        Factory = WebAppFactory.Serving(TestModels.ConvnetPath);
        Client = Factory.CreateClient();
    }

    public WebAppFactory Factory { get; }

    public HttpClient Client { get; }

    public void Dispose()
    {
        Client.Dispose();
        Factory.Dispose();
    }
}
