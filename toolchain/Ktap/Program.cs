using System.CommandLine;
using Ktap.Tool.Commands;

// Minimal registration on the vm branch so `ktap replay` runs; the tool branch owns this file
// and registers ReplayCommand.Create() among its verbs.
var root = new RootCommand("ktap") { ReplayCommand.Create() };
return root.Parse(args).Invoke();
