using System.Diagnostics;
using System.Text;

namespace Collab.Tests.Infrastructure;

/// <summary>
/// What a child process writes to stdout and stderr, kept for failure messages: enough to diagnose
/// a failure without holding a chatty process's whole log.
/// </summary>
public sealed class ProcessOutput
{
    private const int MaxLength = 200_000;
    private readonly StringBuilder _text = new();

    /// <summary>Starts reading both streams of <paramref name="process"/> (started with them redirected).</summary>
    public static ProcessOutput Capture(Process process)
    {
        var output = new ProcessOutput();
        process.OutputDataReceived += (_, e) => output.Append(e.Data);
        process.ErrorDataReceived += (_, e) => output.Append(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return output;
    }

    public override string ToString()
    {
        lock (_text)
        {
            return _text.ToString();
        }
    }

    private void Append(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_text)
        {
            if (_text.Length < MaxLength)
            {
                _text.AppendLine(line);
            }
        }
    }
}
