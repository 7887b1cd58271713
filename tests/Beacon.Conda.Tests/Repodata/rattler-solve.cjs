// Solves conda requests with rattler (conda/rattler's solver and repodata gateway, compiled to WASM: npm @conda-org/rattler).
// Used by RattlerReadsBeaconShardsTests only.
// Usage: node rattler-solve.cjs <rattler package folder> <channel URL> <platform,platform> <requests file>
// The requests file holds one request per line, its specs separated by '|'. For each, one line is printed: the
// solution's package URLs, sorted and separated by spaces, or "unsolvable" when rattler finds none. Any other failure
// (the channel could not be read) ends the run with exit status 1.
'use strict';
const fs = require('fs');
const [packageFolder, channel, platforms, requestsFile] = process.argv.slice(2);
const rattler = require(require('path').join(packageFolder, 'dist', 'rattler.node.cjs'));
(async () => {
  for (const line of fs.readFileSync(requestsFile, 'utf8').split('\n').filter(Boolean)) {
    try {
      const solution = await rattler.simpleSolve(line.split('|'), [channel], platforms.split(','), []);
      process.stdout.write(solution.map(p => p.url).sort().join(' ') + '\n');
    } catch (error) {
      if (!String(error).startsWith('Cannot solve the request')) {
        throw error;
      }
      process.stdout.write('unsolvable\n');
    }
  }
})().catch(error => {
  process.stderr.write(`rattler: ${error}\n`);
  process.exit(1);
});
