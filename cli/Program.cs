if (Qail.Cli.Commands.CpuFit.Advice() is { } advice) Console.Error.WriteLine($"warning: {advice}");
return Qail.Cli.Commands.QailCommandLine.Invoke(args);
