using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Collab.Tests.Infrastructure;

namespace Collab.Tests.Gateway;

/// <summary>What exercise tests do through real HTTP: trainers' tokens, and waiting for an exercise to get somewhere.</summary>
public static class ExerciseClient
{
    public static readonly TimeSpan Bound = TimeSpan.FromSeconds(30);

    /// <summary>A token of a fresh police trainer (a supervisor too when asked).</summary>
    public static async Task<string> TrainerAsync(GatewayFixture fx, string name = "Trainer Bianchi", bool supervisor = false)
    {
        using var http = fx.Http();
        var response = await http.PostAsJsonAsync("/dev/token", new { sub = $"trainer-{Guid.NewGuid():N}", role = "police", name, trainer = true, supervisor });
        return (await response.JsonAsync(HttpStatusCode.OK)).Str("token");
    }

    /// <summary>The id of the incident the exercise reported as <paramref name="reference"/>, once it has.</summary>
    public static async Task<string> IncidentOfAsync(HttpClient http, string exercise, string reference)
    {
        var deadline = DateTime.UtcNow + Bound;
        while (true)
        {
            var view = await (await http.GetAsync($"/api/exercises/{exercise}")).JsonAsync(HttpStatusCode.OK);
            if (view.GetProperty("incidents").TryGetProperty(reference, out var id)) return id.GetString()!;
            Assert.True(DateTime.UtcNow < deadline, $"The exercise never reported '{reference}'.");
            await Task.Delay(50);
        }
    }

    public static async Task<JsonElement> UntilAsync(HttpClient http, string exercise, string status)
    {
        var deadline = DateTime.UtcNow + Bound;
        while (true)
        {
            var view = await (await http.GetAsync($"/api/exercises/{exercise}")).JsonAsync(HttpStatusCode.OK);
            if (view.Str("status") == status) return view;
            Assert.True(DateTime.UtcNow < deadline, $"The exercise is still {view.Str("status")} after {view.GetProperty("stepsPlayed")} steps.");
            await Task.Delay(100);
        }
    }

    public static async Task<JsonElement> UntilPlayedAsync(HttpClient http, string exercise, int steps)
    {
        var deadline = DateTime.UtcNow + Bound;
        while (true)
        {
            var view = await (await http.GetAsync($"/api/exercises/{exercise}")).JsonAsync(HttpStatusCode.OK);
            if (view.GetProperty("stepsPlayed").GetInt32() >= steps) return view;
            Assert.True(DateTime.UtcNow < deadline, "The exercise played nothing.");
            await Task.Delay(50);
        }
    }

    public static string RepoRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "Collab.sln"))) dir = dir.Parent;
        return dir?.FullName ?? throw new InvalidOperationException("The repository root was not found.");
    }
}
