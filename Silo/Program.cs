using Collab.Silo;

var builder = Host.CreateApplicationBuilder(args);
builder.AddCollabSilo();
builder.Build().Run();
