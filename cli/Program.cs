using System.CommandLine;
using Qail.Cli.Commands;

var root = new RootCommand("qail: imitation-learning policies quantized to 8 and 4 bits without losing closed-loop success.");
root.Subcommands.Add(DemoCommand.Create());
return root.Parse(args).Invoke();
