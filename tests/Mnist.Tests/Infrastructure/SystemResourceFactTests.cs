namespace Mnist.Tests.Infrastructure;

/// <summary>
/// The guarantee behind "the README's test command passes on a machine with only the .NET SDK": a test that verifies an
/// optional system resource is skipped where the resource is missing, with the install command, unless CI requires it.
/// </summary>
public sealed class SystemResourceFactTests
{
    [Fact]
    public void A_missing_optional_resource_skips_with_the_install_command_unless_it_is_required()
    {
        string missing = Path.Combine(Path.GetTempPath(), "mnist-missing-" + Guid.NewGuid().ToString("N"));
        var attribute = new SystemResourceFactAttribute(missing, "sudo apt-get install -y something");

        if (SystemResourceFactAttribute.IsRequired)
        {
            attribute.Skip.Should().BeNull("with MNIST_TESTS_REQUIRE_SYSTEM_RESOURCES=1 the test runs and fails, naming the command");
        }
        else
        {
            attribute.Skip.Should().Contain(missing).And.Contain("`sudo apt-get install -y something`").And.Contain(SystemResourceFactAttribute.RequireVariable);
        }

        new SystemResourceFactAttribute(Path.GetTempPath(), "unused").Skip.Should().BeNull("a present resource always runs its test");
    }
}
