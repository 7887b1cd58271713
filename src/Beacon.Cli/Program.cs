using Beacon.Cli;

return BeaconApp.Run(args);
