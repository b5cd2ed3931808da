'use strict';
// Entry of the self-contained chaincode bundle (scripts/package.mjs bundles this file, the
// contracts and fabric-shim with everything it needs into src/index.js). The package declares no
// dependencies, so Fabric's node builder `npm install` is a no-op and nothing is fetched from a
// registry: the bytes a notified body approves are the bytes that run.
//
// As a module it exports `contracts` (what fabric-shim's bootstrap looks for in `main`) and
// `fabricShimRuntime` (the bundled shim pieces, for a peer that hosts the chaincode in its own
// process, so it runs this package's shim and not its own). Run as a program it is
// fabric-shim's CLI: `node index.js start --peer.address … --chaincode-id-name …` (Fabric's
// builder runs `npm start -- …`) or `node index.js server --chaincode-address … --chaincode-id …`
// (chaincode as a service). fabric-shim's own cli.js loads its commands with yargs'
// `commandDir`, a directory scan a bundle cannot carry; the two commands are registered here
// instead, with the same options and parser settings, and bootstrap gets the contracts of this
// very module rather than requiring `main` again from a module path.

const fs = require('node:fs');
const path = require('node:path');

// Before anything takes a logger or parses an identity: fabric-shim's and fabric-contract-api's
// modules take their winston loggers when they load. The guards travel with the package, so
// they apply on real Fabric as in the embedded peer and the auditor (all of which run this
// file's bundled shim); see src/contract/runtime/shim-cost-guards.ts.
const { applyShimCostGuards } = require('./contract/runtime/shim-cost-guards.js');
const costGuards = applyShimCostGuards({
  loggerModules: [require('fabric-shim/lib/logger.js'), require('fabric-contract-api/lib/logger.js')],
  x509: require('@fidm/x509'),
});

const { contracts } = require('./contract/index.js');

const fabricShimRuntime = {
  ChaincodeMessageHandler: require('fabric-shim/lib/handler.js').ChaincodeMessageHandler,
  ChaincodeFromContract: require('fabric-shim/lib/contract-spi/chaincodefromcontract.js'),
  JSONSerializer: require('fabric-contract-api').JSONSerializer,
  ChaincodeStub: require('fabric-shim/lib/stub.js'),
  StateQueryIterator: require('fabric-shim/lib/iterators.js').StateQueryIterator,
  HistoryQueryIterator: require('fabric-shim/lib/iterators.js').HistoryQueryIterator,
  protos: require('@hyperledger/fabric-protos').peer,
  /** The cost guards applied to these pieces' modules at load (src/contract/runtime/shim-cost-guards.ts). */
  costGuards: [...costGuards],
  versions: {
    'fabric-shim': require('fabric-shim/package.json').version,
    'fabric-contract-api': require('fabric-contract-api/package.json').version,
    '@hyperledger/fabric-protos': require('@hyperledger/fabric-protos/package.json').version,
  },
};

module.exports = { contracts, fabricShimRuntime };

async function boot(serverMode) {
  const yargs = require('yargs');
  const StartCommand = require('fabric-shim/lib/cmds/startCommand.js');
  const ServerCommand = require('fabric-shim/lib/cmds/serverCommand.js');
  const Bootstrap = require('fabric-shim/lib/contract-spi/bootstrap.js');
  const opts = serverMode ? ServerCommand.getArgs(yargs) : StartCommand.getArgs(yargs);
  // title and version as bootstrap takes them: from the package.json beside this file.
  const pkg = JSON.parse(fs.readFileSync(path.join(__dirname, 'package.json'), 'utf8'));
  const serializers = { transaction: 'jsonSerializer', serializers: { jsonSerializer: fabricShimRuntime.JSONSerializer } };
  const metadata = await Bootstrap.getMetadata(opts['module-path']);
  await Bootstrap.register(contracts, serializers, metadata, pkg.name, pkg.version, opts, serverMode);
}

async function cli() {
  const yargs = require('yargs');
  const StartCommand = require('fabric-shim/lib/cmds/startCommand.js');
  const ServerCommand = require('fabric-shim/lib/cmds/serverCommand.js');
  await yargs
    .parserConfiguration({ 'dot-notation': false })
    .command({ ...StartCommand, handler: () => boot(false) })
    .command({ ...ServerCommand, handler: () => boot(true) })
    .demandCommand()
    .help()
    .wrap(null)
    .alias('v', 'version')
    .version('v' + fabricShimRuntime.versions['fabric-shim'])
    .describe('v', 'show version information')
    .env('CORE')
    .parseAsync();
}

if (require.main !== undefined && require.main.filename === __filename) {
  cli().catch((e) => {
    console.error('Major failure to start fabric-chaincode-node');
    console.error(e);
    process.exitCode = 1;
  });
}
