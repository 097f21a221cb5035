using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text.RegularExpressions;
using k8s;
using k8s.Models;

namespace Collab.Tests.Operations;

/// <summary>
/// The Kubernetes manifests as an operator applies them: each overlay rendered by
/// <c>kubectl kustomize</c> and every document parsed strictly (an unknown field fails).
/// Without kubectl (or with one whose kustomize is too old for these files) every caller fails
/// with a message saying so: never a silent skip.
/// </summary>
public static partial class Manifests
{
    public static readonly string[] Overlays = ["dev", "production", "partner-city"];

    private static readonly ConcurrentDictionary<string, IReadOnlyList<IKubernetesObject>> Rendered = new();

    public static string Root { get; } = FindRoot();

    public static IReadOnlyList<IKubernetesObject> Render(string folder) => Rendered.GetOrAdd(folder, static f =>
    {
        var yaml = Kustomize(Path.Combine(Root, "k8s", f));
        return KubernetesYaml.LoadAllFromString(yaml, strict: true).Cast<IKubernetesObject>().ToList();
    });

    public static IEnumerable<T> All<T>(string folder) => Render(folder).OfType<T>();

    public static T One<T>(string folder, string name) where T : IMetadata<V1ObjectMeta> =>
        All<T>(folder).SingleOrDefault(o => o.Metadata.Name == name)
        ?? throw new Xunit.Sdk.XunitException($"{folder}: no {typeof(T).Name} named '{name}'.");

    /// <summary>Every pod template of the render, with the kind and name of its owner.</summary>
    public static IEnumerable<(string Owner, V1PodTemplateSpec Template)> PodTemplates(string folder) =>
        All<V1Deployment>(folder).Select(d => ($"Deployment/{d.Metadata.Name}", d.Spec.Template))
            .Concat(All<V1StatefulSet>(folder).Select(s => ($"StatefulSet/{s.Metadata.Name}", s.Spec.Template)))
            .Concat(All<V1Job>(folder).Select(j => ($"Job/{j.Metadata.Name}", j.Spec.Template)));

    /// <summary>
    /// The environment a container of <paramref name="deployment"/> sees from its ConfigMaps and
    /// literal <c>env</c> values (Secrets and downward-API values excluded), as configuration keys.
    /// </summary>
    public static Dictionary<string, string?> Environment(string folder, string deployment)
    {
        var container = One<V1Deployment>(folder, deployment).Spec.Template.Spec.Containers.Single();
        var env = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase);
        foreach (var source in container.EnvFrom ?? [])
        {
            if (source.ConfigMapRef is { } map)
            {
                foreach (var (key, value) in One<V1ConfigMap>(folder, map.Name).Data ?? new Dictionary<string, string>())
                {
                    env[key] = value;
                }
            }
        }

        foreach (var variable in container.Env ?? [])
        {
            if (variable.Value is not null)
            {
                env[variable.Name] = variable.Value;
            }
        }

        return env.ToDictionary(e => e.Key.Replace("__", ":", StringComparison.Ordinal), e => e.Value, StringComparer.OrdinalIgnoreCase);
    }

    /// <summary>
    /// An overlay with components added, as an operator's own kustomization would list them,
    /// rendered; the YAML documents as text (components may hold kinds this client does not know).
    /// </summary>
    public static IReadOnlyList<string> RenderWithComponents(string overlay, params string[] components)
    {
        var directory = Directory.CreateTempSubdirectory("collab-kustomize-");
        try
        {
            // kustomize takes relative paths only.
            string From(string folder) => Path.GetRelativePath(directory.FullName, Path.Combine(Root, "k8s", folder)).Replace('\\', '/');
            File.WriteAllLines(Path.Combine(directory.FullName, "kustomization.yaml"),
                ["resources:", $"  - {From($"overlays/{overlay}")}", "components:", .. components.Select(c => $"  - {From($"components/{c}")}")]);
            return Kustomize(directory.FullName).Split("\n---\n").Select(d => d.Trim()).Where(d => d.Length > 0).ToList();
        }
        finally
        {
            directory.Delete(recursive: true);
        }
    }

    private static string Kustomize(string directory)
    {
        var (exitCode, output, error) = Run("kubectl", "kustomize", directory);
        if (exitCode != 0)
        {
            var (_, version, _) = Run("kubectl", "version", "--client");
            throw new Xunit.Sdk.XunitException(
                $"`kubectl kustomize {directory}` failed ({exitCode}): {error}\nkubectl: {version}\n" +
                "These manifests need kubectl with kustomize v4 or newer (Debian 12's kubernetes-client 1.20 is too old).");
        }

        return output;
    }

    private static (int ExitCode, string Output, string Error) Run(string file, params string[] args)
    {
        var start = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        Process process;
        try
        {
            process = Process.Start(start)!;
        }
        catch (System.ComponentModel.Win32Exception ex)
        {
            throw new Xunit.Sdk.XunitException(
                $"kubectl is not installed ({ex.Message}). The manifest tests render every overlay with `kubectl kustomize`; install kubectl (kustomize v4 or newer).");
        }

        using (process)
        {
            var output = process.StandardOutput.ReadToEndAsync();
            var error = process.StandardError.ReadToEndAsync();
            if (!process.WaitForExit(60_000))
            {
                process.Kill(entireProcessTree: true);
                throw new TimeoutException($"{file} {string.Join(' ', args)} did not finish within 60 s.");
            }

            // The process has exited; its pipes close with it. Bounded all the same: a test never hangs.
            if (!Task.WaitAll([output, error], TimeSpan.FromSeconds(10)))
            {
                throw new TimeoutException($"{file} {string.Join(' ', args)} exited but its output did not close within 10 s.");
            }

            return (process.ExitCode, output.Result, error.Result);
        }
    }

    /// <summary>The tag of an image reference, or null when it has none (which means <c>latest</c>).</summary>
    public static string? Tag(string image)
    {
        var match = ImageTag().Match(image);
        return match.Success ? match.Groups["tag"].Value : null;
    }

    [GeneratedRegex(@":(?<tag>[A-Za-z0-9_][A-Za-z0-9_.-]{0,127})$")]
    private static partial Regex ImageTag();

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Collab.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException($"No Collab.sln above {AppContext.BaseDirectory}.");
    }
}
