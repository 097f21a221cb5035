using k8s.Models;

namespace Collab.Tests.Operations;

/// <summary>
/// The images and how the pods run them: a multi-stage build whose restore layer is cached, a
/// runtime stage as a non-root user without HEALTHCHECK, and every Collab container locked down
/// (non-root, read-only root filesystem with an emptyDir for /tmp, no capabilities).
/// </summary>
public sealed class ImageTests
{
    private static readonly string[] Lines = File.ReadAllLines(Path.Combine(Manifests.Root, "k8s", "Dockerfile"))
        .Select(l => l.Trim())
        .Where(l => l.Length > 0 && !l.StartsWith('#'))
        .ToArray();

    [Fact]
    public void TheDockerfileBuildsInOneStageAndRunsInAnotherAsANonRootUserWithoutHealthcheck()
    {
        var stages = Lines.Select((line, i) => (line, i)).Where(l => l.line.StartsWith("FROM ", StringComparison.Ordinal)).ToList();
        Assert.True(stages.Count >= 2, "The Dockerfile has a single stage.");
        Assert.All(stages, s => Assert.Matches(@"^FROM \S+:[0-9][\w.-]*( AS \w+)?$", s.line));
        Assert.Contains("/dotnet/sdk:", stages[0].line, StringComparison.Ordinal);
        Assert.Contains("/dotnet/aspnet:", stages[^1].line, StringComparison.Ordinal);

        var runtime = Lines[stages[^1].i..];
        var user = Assert.Single(runtime, l => l.StartsWith("USER ", StringComparison.Ordinal));
        Assert.DoesNotMatch(@"^USER (root|0)(:|$)", user);
        Assert.Contains(runtime, l => l.StartsWith("COPY --from=", StringComparison.Ordinal));
        Assert.DoesNotContain(Lines, l => l.StartsWith("HEALTHCHECK", StringComparison.Ordinal));
    }

    [Fact]
    public void RestoreRunsOnTheProjectFilesAloneBeforeAnySourceIsCopied()
    {
        var restore = Array.FindIndex(Lines, l => l.StartsWith("RUN dotnet restore", StringComparison.Ordinal));
        Assert.True(restore > 0, "No `RUN dotnet restore` step.");
        var copiedBefore = Lines[..restore].Where(l => l.StartsWith("COPY ", StringComparison.Ordinal)).ToList();
        Assert.All(copiedBefore, l => Assert.Matches(@"^COPY (\S+\.(csproj|props|json) )+\S+$", l));

        // Every project the images build is restored from its project file.
        foreach (var project in new[] { "Grains.Interfaces", "Grains", "Silo", "Gateway" })
        {
            Assert.Contains(copiedBefore, l => l.Contains($"{project}/Collab.{project}.csproj", StringComparison.Ordinal));
        }

        var publish = Array.FindIndex(Lines, l => l.StartsWith("RUN dotnet publish", StringComparison.Ordinal));
        Assert.True(publish > restore, "Publish does not come after restore.");
        Assert.Contains("--no-restore", Lines[publish], StringComparison.Ordinal);
    }

    public static TheoryData<string> EveryRender() => new(["base", .. Manifests.Overlays.Select(o => $"overlays/{o}")]);

    [Theory]
    [MemberData(nameof(EveryRender))]
    public void EveryCollabContainerRunsLockedDownWithOnlyTmpWritable(string folder)
    {
        var checkedAny = false;
        foreach (var (owner, template) in Manifests.PodTemplates(folder))
        {
            // Ours, by the Deployment or Job that runs them (overlays rename the images).
            if (!owner.Contains("/collab-", StringComparison.Ordinal))
            {
                continue;
            }

            foreach (var container in template.Spec.Containers)
            {
                checkedAny = true;
                var security = container.SecurityContext;
                Assert.True(security is { RunAsNonRoot: true, AllowPrivilegeEscalation: false, ReadOnlyRootFilesystem: true },
                    $"{folder}: {owner}/{container.Name} is not non-root, without privilege escalation, on a read-only root filesystem.");
                Assert.Contains("ALL", security.Capabilities?.Drop ?? []);
                var tmp = Assert.Single(container.VolumeMounts ?? [], m => m.MountPath == "/tmp");
                var volume = Assert.Single(template.Spec.Volumes ?? [], v => v.Name == tmp.Name);
                Assert.NotNull(volume.EmptyDir);
            }
        }

        Assert.True(checkedAny, $"{folder}: no Collab container found.");
    }
}
