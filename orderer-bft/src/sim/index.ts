/** The deterministic simulator: scenarios from seeds, runs, invariant checks. */
export { runSimulation, type SimulationResult, type TraceSummary } from './simulator.js';
export {
  AIM_WINDOW, describeScenario, scenarioForSeed, SCENARIO_KINDS, type ByzantineBehaviour, type Crash, type CrashAim,
  type Scenario, type ScenarioKind, type ScenarioOptions,
} from './scenario.js';
export { formatFailure, formatTrace, replayCommand, runSeeds, type SeedFailure } from './run-seeds.js';
export { InvariantChecker, type CheckerContext, type Violation } from './invariants.js';
export { SigningRecord, signedStatements, type Equivocation, type SignedStatement } from './signing-record.js';
export { proposalDigestOf } from './proposal-digest.js';
export { Prng } from './prng.js';
export { SimKeyring, sha256Hasher } from './sim-crypto.js';
export { SimAssembler, encodeSimRequest, parseSimHeader, simInspector, type SimHeader } from './sim-assembler.js';
