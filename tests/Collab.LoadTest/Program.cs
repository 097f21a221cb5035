using Collab.LoadTest;
using Collab.LoadTest.Clients;
using Collab.LoadTest.Driving;
using Collab.LoadTest.Serving;

LoadOptions options;
try
{
    options = LoadOptions.Parse(args);
}
catch (ArgumentException ex)
{
    Console.Error.WriteLine(ex.Message);
    return 2;
}

return options.Serve is not null ? await ServeMode.RunAsync(options)
    : options.ClientHost ? await ClientMode.RunAsync()
    : await Driver.RunAsync(options);
