return Qail.Cli.Commands.QailCommandLine.Invoke(args);
