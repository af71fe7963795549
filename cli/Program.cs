return Qail.Cli.Commands.QailCommandLine.Build().Parse(args).Invoke();
