import { describe, expect, it } from 'vitest';
import { costModel, costTable, roleOf } from './cost-model.js';

describe('costModel', () => {
  const level = {
    levelCommittedTransactions: 100, levelRecordedReadings: 2000,
    cpuSeconds: { 'orderer0.inmetro.speedledger.local': 0.5, 'peer0.inmetro.speedledger.local': 2, 'peer0.cityoperator.speedledger.local': 1, 'peer0.lasige.speedledger.local': 0.4, 'bench-client': 0.1 },
  };

  it('names each member\'s role in a transaction', () => {
    expect(['orderer0.ptb.speedledger.local', 'peer0.ptb.speedledger.local', 'peer0.cityoperator.speedledger.local', 'peer0.lasige.speedledger.local', 'bench-client'].map(roleOf))
      .toEqual(['orderer', 'endorsing peer', 'gateway peer (CityOperator)', 'committing peer', 'client']);
  });

  it('divides each member\'s CPU seconds by the level\'s transactions and readings', () => {
    const { rows, total } = costModel(level);
    expect(rows.find((r) => r.member === 'peer0.inmetro.speedledger.local')).toMatchObject({ role: 'endorsing peer', msPerTransaction: 20, msPerReading: 1 });
    expect(total.cpuSeconds).toBeCloseTo(4, 9);
    expect(total.msPerTransaction).toBeCloseTo(40, 9);
  });

  it('prints a Markdown table with a total row', () => {
    const table = costTable('x', level);
    expect(table).toContain('| peer0.inmetro.speedledger.local | endorsing peer | 2.00 | 20 | 1.0 |');
    expect(table).toContain('| **all** | | 4.00 | **40** | **2.0** |');
  });

  it('refuses a level that committed nothing', () => {
    expect(() => costModel({ ...level, levelCommittedTransactions: 0 })).toThrow(/committed nothing/);
  });
});
