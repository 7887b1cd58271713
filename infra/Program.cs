using Beacon.Infra;

return CompilerEntryPoint.Run(Environment.GetEnvironmentVariable, Directory.GetCurrentDirectory(), Console.Out, Console.Error);
