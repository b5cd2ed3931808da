/** What surveillance can flag (patterns no single record shows). */
export const SURVEILLANCE_KINDS = [
  'SPEED_BIAS', 'SPEED_DRIFT', 'INVALIDATION_RATE', 'CLOCK_OFFSET', 'CLOCK_DRIFT', 'SEQUENCE_GAP',
  'REPLAY_ATTEMPT', 'CONFLICT', 'ENDORSER_DISAGREEMENT', 'FORGERY_ATTEMPT', 'INGEST_REFUSALS',
] as const;

/** One of {@link SURVEILLANCE_KINDS}. */
export type SurveillanceKind = (typeof SURVEILLANCE_KINDS)[number];

/** One surveillance finding: severity, evidence (tx ids) and one plain-language sentence. */
export interface SurveillanceFinding {
  readonly kind: SurveillanceKind;
  readonly severity: 'alert' | 'warning' | 'info';
  readonly meterId?: string;
  /** Stable identity of the finding (same pattern, same key), so a store updates instead of duplicating. */
  readonly key: string;
  /** Transaction ids (or refusal references) that show it. */
  readonly evidence: readonly string[];
  readonly sentence: string;
  /** The numbers behind the sentence. */
  readonly metrics: Readonly<Record<string, number>>;
}
