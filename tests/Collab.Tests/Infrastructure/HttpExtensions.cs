using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;

namespace Collab.Tests.Infrastructure;

/// <summary>Small helpers for REST calls that read JSON documents without binding to server types.</summary>
public static class HttpExtensions
{
    public static async Task<JsonElement> JsonAsync(this HttpResponseMessage response, HttpStatusCode expected)
    {
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == expected, $"Expected {(int)expected}, got {(int)response.StatusCode}: {text}");
        return text.Length == 0 ? default : JsonDocument.Parse(text).RootElement.Clone();
    }

    public static Task<HttpResponseMessage> PostJsonAsync(this HttpClient http, string path, object body, string? idempotencyKey = null)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = JsonContent.Create(body) };
        if (idempotencyKey is not null)
        {
            request.Headers.Add("Idempotency-Key", idempotencyKey);
        }

        return http.SendAsync(request);
    }

    public static Task<HttpResponseMessage> PostRawAsync(this HttpClient http, string path, string body) =>
        http.PostAsync(path, new StringContent(body, Encoding.UTF8, "application/json"));

    /// <summary>Asserts an RFC 9457 problem with the given status and code.</summary>
    public static async Task<JsonElement> ProblemAsync(this HttpResponseMessage response, HttpStatusCode expected, string? code = null)
    {
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == expected, $"Expected {(int)expected}, got {(int)response.StatusCode}: {text}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = JsonDocument.Parse(text).RootElement.Clone();
        Assert.Equal((int)expected, problem.GetProperty("status").GetInt32());
        if (code is not null)
        {
            Assert.Equal(code, problem.GetProperty("code").GetString());
        }

        return problem;
    }

    public static string Str(this JsonElement e, string name) => e.GetProperty(name).GetString()!;
}
