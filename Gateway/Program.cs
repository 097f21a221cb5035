using Collab.Gateway.Hosting;

var builder = WebApplication.CreateBuilder(args);
var app = GatewayApp.Build(builder);
TryItBanner.PrintWhenStarted(app);
app.Run();

/// <summary>Entry point, visible to tests.</summary>
public partial class Program;
