namespace Collab.Gateway.Hosting;

/// <summary>Builds the gateway exactly as <c>Program</c> runs it, so tests start the same thing.</summary>
public static class GatewayApp
{
    public static WebApplication Build(WebApplicationBuilder builder)
    {
        builder.AddCollabGateway();
        var app = builder.Build();
        app.UseCollabGateway();
        app.MapCollabEndpoints();
        return app;
    }
}
