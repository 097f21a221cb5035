using Collab.Silo;
using Collab.Silo.Operations;
using Collab.Silo.Persistence;

if (MigrateCommand.IsRequested(args))
{
    return await MigrateCommand.RunAsync(args);
}

var builder = WebApplication.CreateBuilder(args);
builder.AddCollabSilo();
builder.AddSiloHealth();
var app = builder.Build();
app.MapSiloHealth();
await app.RunAsync();
return 0;
