using Beacon.Pulumi;

return CompilerEntryPoint.Run(Environment.GetEnvironmentVariable, Directory.GetCurrentDirectory(), Console.Out, Console.Error);
