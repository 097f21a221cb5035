using Collab.Silo;
using Collab.Silo.Persistence;

if (MigrateCommand.IsRequested(args))
{
    return await MigrateCommand.RunAsync(args);
}

var builder = Host.CreateApplicationBuilder(args);
builder.AddCollabSilo();
await builder.Build().RunAsync();
return 0;
