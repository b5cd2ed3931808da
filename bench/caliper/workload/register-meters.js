'use strict';
// Caliper round 1: Inmetro's registrar registers every meter of the fleet (one RegisterMeter each).
const { WorkloadModuleBase } = require('@hyperledger/caliper-core');
const { fleet } = require('./fleet');

class RegisterMeters extends WorkloadModuleBase {
    async initializeWorkloadModule(workerIndex, totalWorkers, roundIndex, roundArguments, sutAdapter, sutContext) {
        await super.initializeWorkloadModule(workerIndex, totalWorkers, roundIndex, roundArguments, sutAdapter, sutContext);
        const state = await fleet(roundArguments.meters, roundArguments.seed);
        // Worker w registers meters w, w + W, …; the round's txNumber must be the meter count.
        this.pending = state.stream.fleet.meters.filter((_, i) => i % totalWorkers === workerIndex);
    }

    async submitTransaction() {
        const meter = this.pending.shift();
        if (meter === undefined) {
            throw new Error('more RegisterMeter transactions than meters: set txNumber to the meter count');
        }
        return this.sutAdapter.sendRequests({
            contractId: 'lr-chaincode', contractFunction: 'MeterRegistry:RegisterMeter',
            contractArguments: [meter.meterId, meter.publicKeyHex, JSON.stringify(meter.site)],
            invokerMspId: 'InmetroMSP', invokerIdentity: 'Registrar', readOnly: false,
        });
    }
}

module.exports.createWorkloadModule = () => new RegisterMeters();
