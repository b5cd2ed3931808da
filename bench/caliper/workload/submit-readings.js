'use strict';
// Caliper rounds 2…: the city operator submits signed DLR1 readings — one per SubmitReading
// transaction (the raw bytes as the argument, as ledger-client sends them), or `batch` per
// SubmitReadings (one JSON array of base64 readings). Readings of a meter leave in sequence
// order, never two of one meter in flight.
const { WorkloadModuleBase } = require('@hyperledger/caliper-core');
const { fleet, nextReading, release } = require('./fleet');

class SubmitReadings extends WorkloadModuleBase {
    async initializeWorkloadModule(workerIndex, totalWorkers, roundIndex, roundArguments, sutAdapter, sutContext) {
        await super.initializeWorkloadModule(workerIndex, totalWorkers, roundIndex, roundArguments, sutAdapter, sutContext);
        if (totalWorkers !== 1) {
            throw new Error('submit-readings keeps one meter queue: run it with one worker');
        }
        this.state = await fleet(roundArguments.meters, roundArguments.seed);
        this.batch = roundArguments.batch || 1;
    }

    async submitTransaction() {
        const readings = [];
        for (let i = 0; i < this.batch; i += 1) {
            readings.push(await nextReading(this.state));
        }
        try {
            const request = this.batch === 1
                ? { contractFunction: 'SpeedMeasurement:SubmitReading', contractArguments: [readings[0].bytes] }
                : { contractFunction: 'SpeedMeasurement:SubmitReadings', contractArguments: [JSON.stringify(readings.map((r) => Buffer.from(r.bytes).toString('base64')))] };
            return await this.sutAdapter.sendRequests({ contractId: 'lr-chaincode', invokerMspId: 'CityOperatorMSP', invokerIdentity: 'User1', readOnly: false, ...request });
        } finally {
            for (const r of readings) {
                release(this.state, r);
            }
        }
    }
}

module.exports.createWorkloadModule = () => new SubmitReadings();
