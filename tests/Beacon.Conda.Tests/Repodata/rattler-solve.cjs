// Solves conda specs with rattler (conda/rattler's solver and repodata gateway, compiled to WASM: npm @conda-org/rattler)
// and prints the solution's package URLs, one per line, sorted. Used by RattlerReadsBeaconShardsTests only.
// Usage: node rattler-solve.cjs <rattler package folder> <channel URL> <platform,platform> <spec>...
'use strict';
const [packageFolder, channel, platforms, ...specs] = process.argv.slice(2);
const rattler = require(require('path').join(packageFolder, 'dist', 'rattler.node.cjs'));
rattler.simpleSolve(specs, [channel], platforms.split(','), [])
  .then(solution => {
    process.stdout.write(solution.map(p => p.url).sort().join('\n') + '\n');
  })
  .catch(error => {
    process.stderr.write(`rattler: ${error}\n`);
    process.exit(1);
  });
