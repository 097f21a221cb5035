using Collab.LoadTest.Serving;

namespace Collab.LoadTest.Clients;

/// <summary>
/// The client child process (<c>--clients</c>): hosts part of every pool's clients, so that one
/// process's CPU does not cap what the harness can drive. It takes <see cref="ClientHost"/>'s
/// commands on stdin and answers each with one line prefixed <see cref="ServeMode.Prefix"/>.
/// </summary>
internal static class ClientMode
{
    public static async Task<int> RunAsync()
    {
        await using var host = new ClientHost(countOwnCpu: true);
        Console.WriteLine($"{ServeMode.Prefix}ready pid={Environment.ProcessId}");
        await foreach (var line in ServeMode.Commands())
        {
            if (line.Trim() == "quit") return 0;
            string reply;
            try
            {
                reply = await host.HandleAsync(line.Trim());
            }
            catch (Exception ex)
            {
                reply = $"error {ServeMode.Flatten(ex)}";
            }

            Console.WriteLine(ServeMode.Prefix + reply);
        }

        return 0;
    }
}
