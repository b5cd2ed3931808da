/** The deterministic simulator: scenarios from seeds, runs, invariant checks. */
export { runSimulation, type SimulationResult, type TraceSummary } from './simulator.js';
export {
  describeScenario, scenarioForSeed, SCENARIO_KINDS, type ByzantineBehaviour, type Scenario, type ScenarioKind,
  type ScenarioOptions,
} from './scenario.js';
export { formatFailure, formatTrace, replayCommand, runSeeds, type SeedFailure } from './run-seeds.js';
export { InvariantChecker, type Violation } from './invariants.js';
export { Prng } from './prng.js';
export { SimKeyring, sha256Hasher } from './sim-crypto.js';
export { SimAssembler, encodeSimRequest, parseSimHeader, simInspector, type SimHeader } from './sim-assembler.js';
