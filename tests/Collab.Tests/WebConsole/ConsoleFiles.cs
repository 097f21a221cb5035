using System.Text.Json;

namespace Collab.Tests.WebConsole;

/// <summary>The console's source files in the repository (Gateway/wwwroot) and its texts per language.</summary>
public static class ConsoleFiles
{
    public static string RepositoryRoot { get; } = FindRepositoryRoot();

    public static string Root { get; } = Path.Combine(RepositoryRoot, "Gateway", "wwwroot");

    /// <summary>The languages the console ships (one resource file each), English first.</summary>
    public static IReadOnlyList<string> Languages { get; } =
        [.. Directory.GetFiles(Path.Combine(Root, "i18n"), "*.json").Select(f => Path.GetFileNameWithoutExtension(f)!).OrderBy(l => l == "en" ? "" : l, StringComparer.Ordinal)];

    public static IReadOnlyDictionary<string, string> Texts(string language) =>
        JsonSerializer.Deserialize<Dictionary<string, string>>(File.ReadAllText(Path.Combine(Root, "i18n", language + ".json")))!;

    private static string FindRepositoryRoot()
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
