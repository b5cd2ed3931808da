import { describe, expect, it } from 'vitest';
import { planNetwork, portSpan } from './network-plan.js';

describe('planNetwork', () => {
  it('gives each organisation one orderer and one peer on distinct ports of its slot', () => {
    const plan = planNetwork({ basePort: 30_000 });
    expect(plan.orderers.map((o) => [o.name, o.mspId, o.address])).toEqual([
      ['orderer0.inmetro.speedledger.local', 'InmetroOrdererMSP', '127.0.0.1:30000'],
      ['orderer0.ptb.speedledger.local', 'PTBOrdererMSP', '127.0.0.1:30010'],
      ['orderer0.lasige.speedledger.local', 'LaSIGEOrdererMSP', '127.0.0.1:30020'],
      ['orderer0.cityoperator.speedledger.local', 'CityOperatorOrdererMSP', '127.0.0.1:30030'],
    ]);
    expect(plan.peers.map((p) => [p.name, p.mspId, p.address, p.dataDir])).toEqual([
      ['peer0.inmetro.speedledger.local', 'InmetroMSP', '127.0.0.1:30001', 'data/peer0.inmetro'],
      ['peer0.ptb.speedledger.local', 'PTBMSP', '127.0.0.1:30011', 'data/peer0.ptb'],
      ['peer0.lasige.speedledger.local', 'LaSIGEMSP', '127.0.0.1:30021', 'data/peer0.lasige'],
      ['peer0.cityoperator.speedledger.local', 'CityOperatorMSP', '127.0.0.1:30031', 'data/peer0.cityoperator'],
    ]);
    const ports = [...plan.orderers, ...plan.peers].flatMap((m) => [m.address, m.operations]);
    expect(new Set(ports).size).toBe(ports.length);
  });

  it('assigns orderers beyond four round-robin, each organisation numbering its own', () => {
    const plan = planNetwork({ orderers: 7, basePort: 30_000 });
    expect(plan.orderers.map((o) => o.name).slice(4)).toEqual([
      'orderer1.inmetro.speedledger.local', 'orderer1.ptb.speedledger.local', 'orderer1.lasige.speedledger.local',
    ]);
    expect(plan.orderers.map((o) => o.replicaIndex)).toEqual([0, 1, 2, 3, 4, 5, 6]);
    const ports = [...plan.orderers, ...plan.peers].flatMap((m) => [m.address, m.operations]);
    expect(new Set(ports).size).toBe(ports.length);
    expect(Math.max(...ports.map((a) => Number(a.split(':')[1])))).toBeLessThan(30_000 + portSpan(7));
  });

  it('plans a lone orderer (the solo analogue, f = 0): Inmetro\'s, in slot 0, beside the four peers', () => {
    const plan = planNetwork({ orderers: 1, basePort: 30_000 });
    expect(plan.orderers.map((o) => [o.name, o.mspId, o.address, o.replicaIndex])).toEqual([
      ['orderer0.inmetro.speedledger.local', 'InmetroOrdererMSP', '127.0.0.1:30000', 0],
    ]);
    expect(plan.peers).toHaveLength(4);
    expect(portSpan(1)).toBe(portSpan(4));
  });

  for (const orderers of [0, 2, 3, 5, 6, -2, 1.5]) {
    it(`refuses ${orderers} orderers (not 3f+1)`, () => {
      expect(() => planNetwork({ orderers })).toThrow(expect.objectContaining({ code: 'INVALID_OPTIONS' }));
    });
  }

  for (const basePort of [80, 65_500, 1.5]) {
    it(`refuses base port ${basePort}`, () => {
      expect(() => planNetwork({ basePort })).toThrow(expect.objectContaining({ code: 'INVALID_OPTIONS' }));
    });
  }
});
