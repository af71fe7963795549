using System.CommandLine;
using Spectre.Console;

namespace Qail.Cli.Commands;

/// <summary>
/// Where a file-based command writes: tables to the invocation's output, faults to its error writer as one line
/// "error: ..." with a non-zero exit code, so a bad file or option never surfaces as a stack trace.
/// </summary>
internal static class CommandOutput
{
    /// <summary>Exit code of a command that failed on bad input (files or option values).</summary>
    public const int InputError = 2;

    /// <summary>
    /// Runs <paramref name="body"/> with a console on the invocation's output, turning input faults into an error line.
    /// </summary>
    public static int Run(ParseResult result, Func<IAnsiConsole, int> body)
    {
        var output = result.InvocationConfiguration.Output;
        // A terminal keeps Spectre's colour and width detection; a redirected writer (tests, pipes, files) gets plain
        // wide text.
        var console = ReferenceEquals(output, Console.Out) && !Console.IsOutputRedirected
            ? AnsiConsole.Console : Redirected(output);
        try
        {
            return body(console);
        }
        catch (Exception e) when (InputFault(e) is { } fault)
        {
            result.InvocationConfiguration.Error.WriteLine($"error: {OneLine(Describe(fault))}");
            return InputError;
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // A fault no check foresaw still ends as one line, naming its kind so it can be reported and fixed.
            result.InvocationConfiguration.Error.WriteLine($"error: {OneLine(e.Message)} (unforeseen fault: "
                + $"{e.GetType().Name.Replace("Exception", "", StringComparison.Ordinal)})");
            return InputError;
        }
    }

    /// <summary>
    /// Writes a parse error (bad option names or values) as one "error:" line; returns the exit code.
    /// </summary>
    public static int ParseErrors(ParseResult result, TextWriter error)
    {
        error.WriteLine($"error: {OneLine(string.Join(" ", result.Errors.Select(e => e.Message)))}");
        return InputError;
    }

    private static string OneLine(string message) => message.ReplaceLineEndings(" ");

    // The message without the " (Parameter 'x')" suffix .NET appends: the messages already name the option or argument.
    private static string Describe(Exception fault) =>
        fault is ArgumentException { ParamName: { } name } && fault.Message.Replace($" (Parameter '{name}')", "",
            StringComparison.Ordinal) is var message
            ? message
            : fault.Message;

    // Wide enough that env names and file paths stay on one line for whoever parses the table.
    private static IAnsiConsole Redirected(TextWriter output)
    {
        var console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Ansi = AnsiSupport.No,
            ColorSystem = ColorSystemSupport.NoColors,
            Interactive = InteractionSupport.No,
            Out = new AnsiConsoleOutput(output),
        });
        console.Profile.Width = 240;
        return console;
    }

    // Faults caused by what the user gave: bad values, missing or malformed files; parallel loops wrap them.
    private static Exception? InputFault(Exception e) => e switch
    {
        AggregateException { InnerExceptions.Count: > 0 } aggregate => InputFault(aggregate.InnerExceptions[0]),
        ArgumentException or InvalidDataException or IOException or UnauthorizedAccessException => e,
        _ => null,
    };
}
